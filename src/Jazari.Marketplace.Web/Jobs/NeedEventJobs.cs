using Hangfire;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up one event of a need: tells the people concerned, schedules the need's follow-ups on
/// publication, then confirms the event to the need. Run twice, it records nothing new (notification keys).
/// </summary>
public sealed class NeedEventJobs(IGrainFactory grains, NeedNotices notices, Notifier notifier, NeedFollowUps followUps)
{
    [Queue(Queues.FollowUps)]
    public async Task HandleAsync(string needId, string eventId, NeedEventKind kind, string? bidId)
    {
        var grain = grains.GetGrain<INeedGrain>(needId);
        var need = await grain.GetAsync(NeedNotices.System);
        switch (kind)
        {
            case NeedEventKind.Published:
                followUps.Schedule(need);
                if (need.Status == NeedStatus.Open) await notices.TellMatchesAsync(need, 0);
                break;
            case NeedEventKind.BidSubmitted when need.Bids.FirstOrDefault(b => b.Id == bidId) is { } bid:
                await notifier.NotifyAsync(await notices.OwnerAsync(need), NotificationKinds.BidReceived, $"bid:{bid.Id}:received", notices.BidValues(need, bid));
                break;
            case NeedEventKind.BidAccepted:
                foreach (var b in need.Bids.Where(b => b.Status == BidStatus.Accepted || (b.Status == BidStatus.Rejected && b.DecidedAt == need.AwardedAt)))
                {
                    var accepted = b.Status == BidStatus.Accepted;
                    await notifier.NotifyAsync(b.BidderAccountId, accepted ? NotificationKinds.BidAccepted : NotificationKinds.BidRejected,
                        $"bid:{b.Id}:{(accepted ? "accepted" : "rejected")}", notices.BidValues(need, b));
                }
                // The engagement exists from the award on (its Opened event reminds the SME to fund the first milestone).
                await grains.GetGrain<Grains.Payments.IEngagementGrain>(needId).OpenAsync();
                break;
            case NeedEventKind.Expired:
                foreach (var b in need.Bids.Where(b => b.Status == BidStatus.Rejected))
                    await notifier.NotifyAsync(b.BidderAccountId, NotificationKinds.NeedExpired, $"need:{need.Id}:expired",
                        new Dictionary<string, string>(notices.NeedValues(need)) { ["closedOn"] = $"{b.DecidedAt:yyyy-MM-dd}" });
                break;
        }
        await grain.ConfirmEventAsync(eventId);
    }
}

/// <summary>Hands a need's events to Hangfire (the grains' side-effect interface, implemented by the host).</summary>
public sealed class HangfireNeedEvents(IBackgroundJobClient jobs) : INeedEvents
{
    // Hangfire's client does blocking storage I/O: keep it off the grain's scheduler.
    public Task RaiseAsync(string needId, IReadOnlyList<NeedEvent> events) => Task.Run(() =>
    {
        foreach (var e in events) jobs.Enqueue<NeedEventJobs>(j => j.HandleAsync(needId, e.Id, e.Kind, e.BidId));
    });
}
