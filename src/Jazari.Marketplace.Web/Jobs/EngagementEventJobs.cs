using Hangfire;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up one event of an engagement: carries out its money moves, tells the other grains (need status, KPIs,
/// payout list) and the people concerned (<see cref="PaymentJobs.FollowUpAsync"/>), schedules what the event starts
/// (the automatic release of a delivery, the reminder to fund the next milestone), tells digital maturity of an award
/// and of a completion, then confirms the event. Until
/// then the event stays pending in the engagement and is raised again (activation, the sweep): run twice, it moves
/// no money twice and records no notification twice. A failing step throws: Hangfire retries the job. A move of the
/// event's milestone waiting for its beneficiary (a startup's unfinished Stripe onboarding) leaves the event pending
/// without a retry.
/// </summary>
public sealed class EngagementEventJobs(IGrainFactory grains, PaymentJobs payments, MaturityJobs maturity, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    [Queue(Queues.FollowUps), AutomaticRetry(Attempts = 20, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAsync(string needId, string eventId, EngagementEventKind kind, int index)
    {
        var (engagement, waiting, _) = await payments.FollowUpAsync(needId);
        // A move of this event's milestone waiting for its beneficiary keeps the event pending: the rail's wake-up
        // (Stripe's account.updated), the sweep or the engagement's next activation raises it again, and what the event
        // starts is done then. Retrying it sooner would only fail. The engagement's other events go on without it.
        if (waiting.Any(move => move.Index == index)) return;
        switch (kind)
        {
            case EngagementEventKind.Opened:
                payments.ScheduleFundingReminder(needId, 0, engagement.AwardedAt);
                await maturity.AwardedAsync(engagement);
                break;
            case EngagementEventKind.Delivered:
                if (engagement.Milestone(index) is { Status: MilestoneStatus.Delivered, DeliveredAt: { } deliveredAt })
                    payments.ScheduleAutoRelease(needId, index, deliveredAt);
                break;
            case EngagementEventKind.Approved:
            case EngagementEventKind.DisputeResolved:
                if (engagement.Milestone(index + 1) is { Status: MilestoneStatus.AwaitingFunding })
                    payments.ScheduleFundingReminder(needId, index + 1, time.GetUtcNow());
                break;
            case EngagementEventKind.FundingRequested:
                // The programme's share is held for the SME until the hold is over (asking again keeps the round's hold).
                if (engagement.Milestone(index) is { Status: MilestoneStatus.AwaitingFunding, HeldUntil: { } heldUntil, ProgrammeShare: > 0 } requested)
                    payments.ScheduleFundingLapse(needId, index, requested.Lapses, heldUntil);
                break;
            case EngagementEventKind.Funded:
            case EngagementEventKind.DisputeOpened:
            case EngagementEventKind.Cancelled:
            case EngagementEventKind.PaymentChanged:
            case EngagementEventKind.PayoutPaid:
            case EngagementEventKind.PayoutReviewed:
            case EngagementEventKind.FundingLapsed:
            case EngagementEventKind.MediatorsAccepted:
                break; // the follow-up above is all they call for
            default:
                throw new InvalidOperationException($"Unknown engagement event {kind} ({eventId}).");
        }
        if (engagement.CompletedAt is not null) await maturity.CompletedAsync(engagement); // counted once, whichever event saw it
        await grains.GetGrain<IEngagementGrain>(needId).ConfirmEventAsync(eventId);
    }
}

/// <summary>Hands an engagement's events to Hangfire (the grains' side-effect interface, implemented by the host).</summary>
public sealed class HangfireEngagementEvents(IBackgroundJobClient jobs, JobHandOver handOver) : IEngagementEvents
{
    public Task RaiseAsync(string needId, IReadOnlyList<EngagementEvent> events) => handOver.RunAsync(() =>
    {
        foreach (var e in events) jobs.Enqueue<EngagementEventJobs>(j => j.HandleAsync(needId, e.Id, e.Kind, e.Index));
    });
}
