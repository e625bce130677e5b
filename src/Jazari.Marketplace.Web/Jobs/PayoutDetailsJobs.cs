using Hangfire;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up a change of payout details: the owner is e-mailed the account now recorded (and the one before), with a
/// link to their payout details page, then the event is confirmed. Run twice, one e-mail (its key is the event's).
/// </summary>
public sealed class PayoutDetailsJobs(IGrainFactory grains, Notifier notifier)
{
    [Queue(Queues.FollowUps), AutomaticRetry(Attempts = 20, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAsync(string profileId, string eventId)
    {
        var details = grains.GetGrain<IPayoutDetailsGrain>(profileId);
        var e = (await details.GetPendingEventsAsync()).FirstOrDefault(x => x.Id == eventId);
        if (e is null) return; // done before
        // An account removed since (reported by its owner as not theirs, or erased) needs no confirmation.
        if (await details.GetAsync(Grains.Caller.Marketplace) is { } now)
            // "previous" empty: the first account given, whose payouts are not held (the e-mail says so, not the 48 hours' review).
            await notifier.NotifyAsync(e.OwnerAccountId, NotificationKinds.PayoutDetailsChanged, $"payout-details:{eventId}", new Dictionary<string, string>
            {
                ["holder"] = now.Holder, ["ribMasked"] = e.RibMasked, ["bank"] = now.Bank, ["previous"] = e.PreviousRibMasked is null && now.RibChangedAt is null ? "" : e.PreviousRibMasked ?? "—",
                ["link"] = notifier.Link(PayoutDetailsPage),
            });
        await details.ConfirmEventAsync(eventId);
    }

    /// <summary>The page where the signed-in startup or SME enters its payout details.</summary>
    public const string PayoutDetailsPage = "/payout-details";
}

/// <summary>Hands payout details' events to Hangfire (the grains' side-effect interface, implemented by the host).</summary>
public sealed class HangfirePayoutDetailsEvents(IBackgroundJobClient jobs, JobHandOver handOver) : IPayoutDetailsEvents
{
    public Task RaiseAsync(string profileId, IReadOnlyList<PayoutDetailsEvent> events) => handOver.RunAsync(() =>
    {
        foreach (var e in events) jobs.Enqueue<PayoutDetailsJobs>(j => j.HandleAsync(profileId, e.Id));
    });
}
