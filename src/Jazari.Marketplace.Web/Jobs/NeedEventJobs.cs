using Hangfire;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up one event of a need, the only place its consequences happen: first what the event changes in other
/// grains (<see cref="INeedGrain.FollowUpAsync"/>: the open-needs list, the matching index, the startup's activity,
/// projects and list of needs, the bidder's places), then who is told, then the event is confirmed to the need. Every
/// step is safe to repeat (keys, sets); a failing step throws, the event stays pending and Hangfire retries the job
/// (quickly at first, then for about three hours; after that the <see cref="FollowUpSweep"/> raises it again).
/// </summary>
public sealed class NeedEventJobs(IGrainFactory grains, NeedNotices notices, Notifier notifier, NeedFollowUps followUps)
{
    /// <summary>An event of a need, as a job carries it.</summary>
    public sealed record Event(string NeedId, string EventId, NeedEventKind Kind, string? BidId);

    /// <summary>
    /// The events handed over together (<see cref="JobHandOver.Batch{T}"/>): a few needs at a time, each need's events in
    /// their order (one that fails holds back that need's later ones). Any failure fails the job once all were tried: its
    /// retry finds the done ones confirmed and skips them.
    /// </summary>
    [Queue(Queues.FollowUps)]
    [AutomaticRetry(Attempts = 14, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAllAsync(Event[] events)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(events.GroupBy(e => e.NeedId), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (need, _) =>
        {
            foreach (var e in need)
            {
                try { await HandleAsync(e.NeedId, e.EventId, e.Kind, e.BidId); }
                catch (Exception failure)
                {
                    failures.Enqueue(failure);
                    break;
                }
            }
        });
        if (!failures.IsEmpty)
            throw new AggregateException($"{failures.Count} of {events.Length} need events could not be followed up yet.", failures);
    }

    /// <summary>One event (the jobs enqueued one by one before events went in batches still name this method).</summary>
    [Queue(Queues.FollowUps)]
    [AutomaticRetry(Attempts = 14, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAsync(string needId, string eventId, NeedEventKind kind, string? bidId)
    {
        var grain = grains.GetGrain<INeedGrain>(needId);
        if (!await grain.FollowUpAsync(eventId)) return; // confirmed already: a duplicate hand-over
        var need = await grain.GetAsync(NeedNotices.System);
        switch (kind)
        {
            case NeedEventKind.Published:
                followUps.Schedule(need);
                if (need.Status == NeedStatus.Open) await notices.TellMatchesAsync(need, 0);
                break;
            case NeedEventKind.BidSubmitted:
                if (need.Bids.FirstOrDefault(b => b.Id == bidId) is { } bid)
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
                        new Dictionary<string, string>(notices.NeedValues(need)) { ["closedOn"] = b.DecidedAt is { } decided ? $"{Languages.Formats.Today(decided):yyyy-MM-dd}" : "" });
                break;
            default:
                throw new InvalidOperationException($"Unknown need event kind {kind}.");
        }
        await grain.ConfirmEventAsync(eventId);
    }
}

/// <summary>Hands a need's events to Hangfire (the grains' side-effect interface, implemented by the host). The need does
/// not wait for it: its events are stored with its change, and one not handed over is raised again later.</summary>
public sealed class HangfireNeedEvents(IBackgroundJobClient jobs, JobHandOver handOver) : INeedEvents
{
    private readonly JobHandOver.Batch<NeedEventJobs.Event> batch = new(all => jobs.Enqueue<NeedEventJobs>(j => j.HandleAllAsync(all)));

    public Task RaiseAsync(string needId, IReadOnlyList<NeedEvent> events) => events.Count == 1
        ? handOver.RunAsync(batch, new NeedEventJobs.Event(needId, events[0].Id, events[0].Kind, events[0].BidId))
        : Task.WhenAll(events.Select(e => handOver.RunAsync(batch, new NeedEventJobs.Event(needId, e.Id, e.Kind, e.BidId))));
}
