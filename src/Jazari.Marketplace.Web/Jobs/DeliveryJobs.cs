using Hangfire;
using Hangfire.Server;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Sends recorded notifications. Each send claims the notification for this Hangfire job (a lease), sends with
/// the notification's key, then marks it sent: a retry of a job that finished sends nothing, and a retry of a
/// job killed before SendGrid accepted the message sends it once. The send itself is cancelled before the lease
/// ends, so a slow send is cut off (and retried) before another worker may take the notification over.
/// </summary>
public sealed class DeliveryJobs(
    IGrainFactory grains, IEmailSender sender, EmailTemplates templates, LinkSigner signer, SignInCodes codes,
    NotificationSettings settings, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, IBackgroundJobClient jobs)
{
    /// <summary>
    /// A message that keeps failing ends in Hangfire's Failed list, still pending in the account's grain. Retried
    /// quickly at first (a host that just restarted, a provider that blinked), then for about two hours.
    /// </summary>
    [Queue(Queues.Notifications), AutomaticRetry(Attempts = 10, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 1800, 3600 }, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task SendAsync(string accountId, string key, PerformContext? context, CancellationToken cancellation)
    {
        if (await SendOrWaitAsync(accountId, key, context, cancellation) is { } leaseLeft)
            jobs.Schedule<DeliveryJobs>(j => j.SendAsync(accountId, key, null, CancellationToken.None), leaseLeft);
    }

    /// <summary>A sign-in e-mail: first in the queues, retried quickly while its code lives (the notification then drops it).</summary>
    [Queue(Queues.SignIn), AutomaticRetry(Attempts = 5, DelaysInSeconds = [2, 5, 15, 60, 120], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task SendSignInAsync(string recipientId, string key, PerformContext? context, CancellationToken cancellation)
    {
        if (await SendOrWaitAsync(recipientId, key, context, cancellation) is { } leaseLeft)
            jobs.Schedule<DeliveryJobs>(j => j.SendSignInAsync(recipientId, key, null, CancellationToken.None), leaseLeft);
    }

    /// <summary>
    /// Sends, or answers how long another attempt still holds the notification: an attempt of a host that died
    /// mid-send keeps its lease, and the e-mail goes as soon as that lease ends rather than at Hangfire's next retry.
    /// </summary>
    private async Task<TimeSpan?> SendOrWaitAsync(string accountId, string key, PerformContext? context, CancellationToken cancellation)
    {
        try
        {
            await SendAttemptAsync(accountId, key, context?.BackgroundJob.Id ?? Guid.NewGuid().ToString("N"), cancellation);
            return null;
        }
        catch (MarketplaceException held) when (held is { Problem: Problem.Conflict, RetryAfter: { } left })
        {
            return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
        }
    }

    /// <summary>One attempt, named by the Hangfire job: a retry of the same job takes over its own lease at once.</summary>
    public async Task SendAttemptAsync(string accountId, string key, string attempt, CancellationToken cancellation)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync();
        if (account?.ErasedAt is not null) return;
        var notifications = grains.GetGrain<IAccountNotificationsGrain>(accountId);
        var leaseUntil = time.GetUtcNow() + settings.SendLease;
        if (await notifications.BeginSendAsync(key, attempt, leaseUntil) is not { } notification) return;
        if (NotificationKinds.Marketing.Contains(notification.Kind) && !(await grains.GetGrain<IAccountGrain>(accountId).GetConsentsAsync()).MarketingEmails)
        {
            await notifications.MarkSentAsync(key); // consent withdrawn while it waited (Law 09-08: marketing needs it when sent)
            return;
        }

        var signIn = NotificationKinds.IsSignIn(notification.Kind);
        var values = new Dictionary<string, string>(notification.Values);
        if (NotificationKinds.CarriesCode(notification.Kind))
        {
            if (codes.Reveal(values["code"]) is not { } code)
            {
                await notifications.MarkSentAsync(key); // the code expired before it could go: nothing to send
                return;
            }
            values["code"] = code;
        }
        var to = signIn ? notification.To : account?.Email;
        if (to is null)
        {
            await notifications.MarkSentAsync(key); // no address to write to (an account that never was)
            return;
        }
        if (!signIn) values[NotificationCatalogue.Name] = account!.DisplayName;
        // A sign-in e-mail asked for from a page in Amazigh is in Amazigh (not a language of accounts); else the account's language.
        var language = signIn && notification.Language == Languages.Amazigh.Code ? notification.Language : account?.Language ?? notification.Language ?? "fr";
        // Only what a person may turn off carries an unsubscribe link (and header): a payment's or an invitation's e-mail always goes.
        var stoppable = notification.Kind == NotificationKinds.Digest || NotificationKinds.Choosable.Contains(notification.Kind);
        var email = templates.Render(notification, to, language, values, stoppable ? UnsubscribeUrl(accountId, notification.Kind, language) : null)
            with { Key = $"{accountId}/{key}" };

        // The send may run until shortly before the lease ends; after that another attempt may claim the notification.
        var left = leaseUntil - LeaseMargin - time.GetUtcNow();
        if (left <= TimeSpan.Zero) throw new EmailNotSentException($"The lease on {key} ran out before sending; the job will retry.");
        using var lease = new CancellationTokenSource(left, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation, lease.Token);
        try
        {
            await sender.SendAsync(email, bounded.Token);
        }
        catch (OperationCanceledException) when (lease.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new EmailNotSentException($"Sending {key} was cut off at the end of its lease; the job will retry.");
        }
        await notifications.MarkSentAsync(key);
    }

    /// <summary>What is kept of a lease after the send is cut off: time to mark it sent before another attempt may take it.</summary>
    private TimeSpan LeaseMargin => settings.SendLease / 10;

    /// <summary>
    /// Rolls the account's waiting digest items into one digest notification and sends it. Reentrant: a run killed after
    /// the roll-up finds the digest unsent and sends it; items recorded meanwhile get the next morning's digest.
    /// </summary>
    [Queue(Queues.Notifications)]
    public async Task SendDigestAsync(string accountId)
    {
        var accountGrain = grains.GetGrain<IAccountGrain>(accountId);
        var account = await accountGrain.GetAsync();
        if (account is null || account.ErasedAt is not null) return;
        var notifications = grains.GetGrain<IAccountNotificationsGrain>(accountId);
        var items = await notifications.GetDigestAsync();
        if (items.Count == 0)
        {
            // Only items of kinds turned off wait (or none): they are dropped, and what was recorded meanwhile is scheduled.
            if (await notifications.RollUpDigestAsync(null, []))
                jobs.Schedule<DeliveryJobs>(j => j.SendDigestAsync(accountId), settings.NextDigestAt(time.GetUtcNow()));
        }
        else
        {
            // Marketing items wait for the digest only while the person still consents to them.
            var consents = items.Any(i => NotificationKinds.Marketing.Contains(i.Kind)) ? await accountGrain.GetConsentsAsync() : null;
            var kept = items.Where(i => consents is null || consents.MarketingEmails || !NotificationKinds.Marketing.Contains(i.Kind)).ToList();
            var lines = kept.Select(i => "• " + templates.Summary(i, account.Language, i.Values));
            var digest = kept.Count == 0 ? null : new Notification($"digest:{kept[0].Key}", NotificationKinds.Digest,
                new Dictionary<string, string> { ["count"] = kept.Count.ToString(), ["items"] = string.Join("\n", lines) }, time.GetUtcNow());
            if (await notifications.RollUpDigestAsync(digest, [.. items.Select(i => i.Key)]))
                jobs.Schedule<DeliveryJobs>(j => j.SendDigestAsync(accountId), settings.NextDigestAt(time.GetUtcNow()));
        }
        foreach (var key in await notifications.DigestsToSendAsync())
            jobs.Enqueue<DeliveryJobs>(j => j.SendAsync(accountId, key, null, CancellationToken.None));
    }

    /// <summary>The unsubscribe link's kind that stands for every kind a person may turn off (the digest's link).</summary>
    public const string UnsubscribeAll = "all";

    /// <summary>
    /// The e-mail's unsubscribe link, also its <c>List-Unsubscribe</c> header: a one-click POST (RFC 8058) turns the kind
    /// off; opened in a browser it goes on to the page <c>/unsubscribe</c>, in <paramref name="language"/> (the e-mail's).
    /// The signature covers the account and the kind; the language only chooses the words.
    /// </summary>
    public string UnsubscribeUrl(string accountId, string kind, string language)
    {
        var scope = kind == NotificationKinds.Digest ? UnsubscribeAll : kind;
        return $"{settings.PublicUrl.TrimEnd('/')}/api/notifications/unsubscribe?account={Uri.EscapeDataString(accountId)}" +
            $"&kind={scope}&lang={Uri.EscapeDataString(language)}&sig={signer.Sign(UnsubscribeValue(accountId, scope))}";
    }

    public static string UnsubscribeValue(string accountId, string kind) => $"unsubscribe:{accountId}:{kind}";

    /// <summary>The marketplace signed this link (<see cref="UnsubscribeUrl"/>): any kind it e-mails, or all of them.</summary>
    public static bool IsSignedUnsubscribeLink(string? account, string? kind, string? sig, LinkSigner signer) =>
        account is not null && kind is not null && (kind == UnsubscribeAll || NotificationKinds.All.Contains(kind))
        && signer.Verify(UnsubscribeValue(account, kind), sig);

    /// <summary>A signed link of a kind a person may turn off (or all of those); e-mails about payments and the like always go.</summary>
    public static bool CanTurnOff(string? account, string? kind, string? sig, LinkSigner signer) =>
        IsSignedUnsubscribeLink(account, kind, sig, signer) && (kind == UnsubscribeAll || NotificationKinds.Choosable.Contains(kind!));
}

public static class Queues
{
    public const string SignIn = "sign-in";
    public const string Notifications = "notifications";
    public const string FollowUps = "follow-ups";
    public const string Default = "default";

    /// <summary>In order of urgency: sign-in codes first.</summary>
    public static readonly string[] ByUrgency = [SignIn, Notifications, FollowUps, Default];
}
