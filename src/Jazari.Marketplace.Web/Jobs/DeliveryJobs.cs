using Hangfire;
using Hangfire.Server;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Sends recorded notifications. Each send claims the notification for this Hangfire job (a lease), sends with
/// the notification's key, then marks it sent: a retry of a job that finished sends nothing, and a retry of a
/// job killed before SendGrid accepted the message sends it once.
/// </summary>
public sealed class DeliveryJobs(
    IGrainFactory grains, IEmailSender sender, EmailTemplates templates, LinkSigner signer,
    NotificationSettings settings, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, IBackgroundJobClient jobs)
{
    /// <summary>A message that keeps failing ends in Hangfire's Failed list, still pending in the account's grain.</summary>
    [Queue(Queues.Notifications), AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task SendAsync(string accountId, string key, PerformContext? context, CancellationToken cancellation) =>
        SendAttemptAsync(accountId, key, context?.BackgroundJob.Id ?? Guid.NewGuid().ToString("N"), cancellation);

    /// <summary>One attempt, named by the Hangfire job: a retry of the same job takes over its own lease at once.</summary>
    public async Task SendAttemptAsync(string accountId, string key, string attempt, CancellationToken cancellation)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync();
        if (account is null || account.ErasedAt is not null) return;
        var notifications = grains.GetGrain<IAccountNotificationsGrain>(accountId);
        if (await notifications.BeginSendAsync(key, attempt, time.GetUtcNow() + settings.SendLease) is not { } notification) return;

        var values = new Dictionary<string, string>(notification.Values) { ["name"] = account.DisplayName };
        var email = templates.Render(notification, account.Email, account.Language, values, UnsubscribeUrl(accountId, notification.Kind))
            with { Key = $"{accountId}/{key}" };
        await sender.SendAsync(email, cancellation);
        await notifications.MarkSentAsync(key);
    }

    /// <summary>Rolls the account's waiting digest items into one digest notification and sends it.</summary>
    [Queue(Queues.Notifications)]
    public async Task SendDigestAsync(string accountId)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync();
        var notifications = grains.GetGrain<IAccountNotificationsGrain>(accountId);
        var items = await notifications.GetDigestAsync();
        if (account is null || items.Count == 0) return;
        var lines = items.Select(i => "• " + templates.Summary(i, account.Language, i.Values));
        var digest = new Notification($"digest:{items[0].Key}", NotificationKinds.Digest,
            new Dictionary<string, string> { ["count"] = items.Count.ToString(), ["items"] = string.Join("\n", lines) }, time.GetUtcNow());
        await notifications.RollUpDigestAsync(digest, [.. items.Select(i => i.Key)]);
        jobs.Enqueue<DeliveryJobs>(j => j.SendAsync(accountId, digest.Key, null, CancellationToken.None));
    }

    public string UnsubscribeUrl(string accountId, string kind)
    {
        var scope = kind == NotificationKinds.Digest ? "all" : kind;
        return $"{settings.PublicUrl.TrimEnd('/')}/api/notifications/unsubscribe?account={Uri.EscapeDataString(accountId)}" +
            $"&kind={scope}&sig={signer.Sign(UnsubscribeValue(accountId, scope))}";
    }

    public static string UnsubscribeValue(string accountId, string kind) => $"unsubscribe:{accountId}:{kind}";
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
