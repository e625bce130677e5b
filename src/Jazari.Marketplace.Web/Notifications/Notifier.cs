using Hangfire;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// The one way an e-mail starts: a notification recorded for an account (once per key), then handed to Hangfire:
/// sent at once, or in the next daily digest. Recording first means a crash before the hand-over is repaired by the
/// caller's job retry. Sign-in e-mails go to an address (whose account may not exist yet) on their own queue.
/// </summary>
public sealed class Notifier(IGrainFactory grains, IBackgroundJobClient jobs, EmailTemplates templates, NotificationSettings settings, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public async Task NotifyAsync(string? accountId, string kind, string key, IReadOnlyDictionary<string, string> values)
    {
        NotificationCatalogue.Check(templates, kind, values);
        if (NotificationKinds.IsSignIn(kind)) throw new ArgumentException($"{kind} goes to an address: use NotifyAddressAsync.", nameof(kind));
        if (accountId is null) return; // imported profiles have no account to write to
        var account = grains.GetGrain<Grains.Accounts.IAccountGrain>(accountId);
        if ((await account.GetAsync())?.ErasedAt is not null) return; // an erased account is told nothing
        // Marketing e-mails (the weekly needs) go only to those who consented (Law 09-08, art. 10: prior consent).
        if (NotificationKinds.Marketing.Contains(kind) && !(await account.GetConsentsAsync()).MarketingEmails) return;
        var recorded = await grains.GetGrain<IAccountNotificationsGrain>(accountId)
            .RecordAsync(new Notification(key, kind, values, time.GetUtcNow()));
        if (recorded.Delivery == Delivery.Immediate)
            jobs.Enqueue<DeliveryJobs>(j => j.SendAsync(accountId, key, null, CancellationToken.None));
        else if (recorded is { Delivery: Delivery.Digest, DigestFull: true })
            jobs.Enqueue<DeliveryJobs>(j => j.SendDigestAsync(accountId));
        else if (recorded is { Delivery: Delivery.Digest, ScheduleDigest: true })
            jobs.Schedule<DeliveryJobs>(j => j.SendDigestAsync(accountId), settings.NextDigestAt(time.GetUtcNow()));
    }

    /// <summary>
    /// A sign-in e-mail (a code, or "no account here") to <paramref name="to"/>, recorded among the notifications of
    /// <paramref name="recipientId"/> (the address's account id, reserved before the account exists) and sent from the
    /// sign-in queue, in the account's language when there is an account, else in <paramref name="language"/>.
    /// </summary>
    public async Task NotifyAddressAsync(string recipientId, string to, string language, string kind, string key, IReadOnlyDictionary<string, string> values)
    {
        NotificationCatalogue.Check(templates, kind, values);
        if (!NotificationKinds.IsSignIn(kind)) throw new ArgumentException($"{kind} goes to an account: use NotifyAsync.", nameof(kind));
        await grains.GetGrain<IAccountNotificationsGrain>(recipientId).RecordAsync(new Notification(key, kind, values, time.GetUtcNow(), to, language));
        jobs.Enqueue<DeliveryJobs>(j => j.SendSignInAsync(recipientId, key, null, CancellationToken.None));
    }

    public string NeedLink(string needId) => Link($"/needs/{needId}");

    /// <summary>The engagement's page, where the milestones are paid, delivered, approved or disputed.</summary>
    public string EngagementLink(string needId) => Link($"/engagements/{needId}");

    public string NeedsLink => Link("/needs");

    /// <summary>An address of the marketplace's pages, e.g. <c>/sign-in</c>.</summary>
    public string Link(string path) => $"{settings.PublicUrl.TrimEnd('/')}{path}";
}
