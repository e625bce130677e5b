using Hangfire;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// Records a notification for an account (once per key), then hands it to Hangfire: sent at once, or in the
/// next daily digest. Recording first means a crash before the hand-over is repaired by the caller's job retry.
/// </summary>
public sealed class Notifier(IGrainFactory grains, IBackgroundJobClient jobs, NotificationSettings settings, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public async Task NotifyAsync(string? accountId, string kind, string key, IReadOnlyDictionary<string, string> values)
    {
        if (accountId is null) return; // imported profiles have no account to write to
        var account = grains.GetGrain<Grains.Accounts.IAccountGrain>(accountId);
        if ((await account.GetAsync())?.ErasedAt is not null) return; // an erased account is told nothing
        // Marketing e-mails (the weekly needs) go only to those who consented (Law 09-08, art. 10: prior consent).
        if (NotificationKinds.Marketing.Contains(kind) && !(await account.GetConsentsAsync()).MarketingEmails) return;
        var recorded = await grains.GetGrain<IAccountNotificationsGrain>(accountId)
            .RecordAsync(new Notification(key, kind, values, time.GetUtcNow()));
        if (recorded.Delivery == Delivery.Immediate)
            jobs.Enqueue<DeliveryJobs>(j => j.SendAsync(accountId, key, null, CancellationToken.None));
        else if (recorded is { Delivery: Delivery.Digest, OldestInDigest: true })
            jobs.Schedule<DeliveryJobs>(j => j.SendDigestAsync(accountId), settings.NextDigestAt(time.GetUtcNow()));
    }

    public string NeedLink(string needId) => $"{settings.PublicUrl.TrimEnd('/')}/needs/{needId}";

    public string NeedsLink => $"{settings.PublicUrl.TrimEnd('/')}/needs";
}
