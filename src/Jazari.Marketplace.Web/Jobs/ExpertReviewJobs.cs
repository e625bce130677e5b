using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up one event of an expert review: who is e-mailed (the institutes' managers of a request, the mentor of an
/// assignment and of its reminder, the SME of an answer or an expiry), the review's lists, and for an assignment the
/// reminder and expiry checks at their times; then the event is confirmed. Each e-mail has a key naming the review
/// and the event, so a rerun sends nothing twice. <see cref="TickOpenAsync"/> (from <see cref="FollowUpSweep"/>) catches
/// scheduled checks that were lost.
/// </summary>
public sealed class ExpertReviewJobs(IGrainFactory grains, Notifier notifier, IBackgroundJobClient jobs, ExpertReviewSettings settings,
    ILogger<ExpertReviewJobs> log)
{
    [Queue(Queues.FollowUps)]
    [AutomaticRetry(Attempts = 14, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAsync(string reviewId, string eventId, ExpertReviewEventKind kind)
    {
        var grain = grains.GetGrain<IExpertReviewGrain>(reviewId);
        if (!(await grain.GetPendingEventsAsync()).Any(e => e.Id == eventId)) return; // confirmed already: a duplicate hand-over
        var review = await grain.GetAsync(Caller.Marketplace);
        var values = Values(review);
        switch (kind)
        {
            case ExpertReviewEventKind.Requested:
                foreach (var instituteId in review.Request.InstituteIds)
                    foreach (var manager in (await grains.GetGrain<IInstituteGrain>(instituteId).GetAsync())?.ManagerAccountIds ?? [])
                        await notifier.NotifyAsync(manager, NotificationKinds.ExpertReviewRequested, $"expert-review:{reviewId}:requested", values);
                break;
            case ExpertReviewEventKind.Assigned:
                if (review.MentorAccountId is { } mentor && review.DueAt is { } due)
                {
                    await notifier.NotifyAsync(mentor, NotificationKinds.ExpertReviewAssigned, $"expert-review:{reviewId}:assigned:{review.MentorId}", values);
                    jobs.Schedule<ExpertReviewJobs>(j => j.TickAsync(reviewId), due - settings.RemindBefore);
                    jobs.Schedule<ExpertReviewJobs>(j => j.TickAsync(reviewId), due);
                }
                break;
            case ExpertReviewEventKind.Reminder:
                if (review.MentorAccountId is { } reminded)
                    await notifier.NotifyAsync(reminded, NotificationKinds.ExpertReviewReminder, $"expert-review:{reviewId}:reminder:{review.MentorId}", values);
                break;
            case ExpertReviewEventKind.Answered:
                await notifier.NotifyAsync(review.Request.SmeAccountId, NotificationKinds.ExpertReviewAnswered, $"expert-review:{reviewId}:answered", values);
                break;
            case ExpertReviewEventKind.Expired:
                await notifier.NotifyAsync(review.Request.SmeAccountId, NotificationKinds.ExpertReviewExpired, $"expert-review:{reviewId}:expired", values);
                break;
            default:
                throw new InvalidOperationException($"Unknown expert review event kind {kind}.");
        }
        await grain.ConfirmEventAsync(eventId);
    }

    /// <summary>The reminder when it is due, the expiry past the time set; nothing otherwise (safe to repeat).</summary>
    [Queue(Queues.FollowUps)]
    public Task TickAsync(string reviewId) => grains.GetGrain<IExpertReviewGrain>(reviewId).TickAsync(settings.RemindBefore);

    /// <summary>Every assigned review checked (the sweep's safety net for scheduled checks that were lost).</summary>
    public async Task TickOpenAsync()
    {
        foreach (var entry in await grains.GetGrain<IExpertReviewQueueGrain>(IExpertReviewQueueGrain.Key).ListAsync())
        {
            if (entry.Status != ExpertReviewStatus.Assigned) continue;
            try
            {
                await TickAsync(entry.Id);
            }
            catch (Exception failure) // one broken review must not hold back the others
            {
                log.LogError(failure, "Expert review sweep: {ReviewId} failed", entry.Id);
            }
        }
    }

    private Dictionary<string, string> Values(ExpertReviewView review) => new()
    {
        ["title"] = review.Request.NeedTitle,
        ["bids"] = string.Join(", ", review.Request.Bids.Select(b => b.StartupName)),
        ["mentor"] = review.MentorName ?? "",
        ["due"] = review.DueAt is { } due ? $"{Languages.Formats.Today(due):yyyy-MM-dd}" : "", // the day in Morocco
        ["link"] = notifier.Link($"/expert-reviews/{review.Id}"),
    };
}

/// <summary>Hands an expert review's events to Hangfire, off the grain's scheduler.</summary>
public sealed class HangfireExpertReviewEvents(IBackgroundJobClient jobs, JobHandOver handOver) : IExpertReviewEvents
{
    public Task RaiseAsync(string reviewId, IReadOnlyList<ExpertReviewEvent> events) => handOver.RunAsync(() =>
    {
        foreach (var e in events) jobs.Enqueue<ExpertReviewJobs>(j => j.HandleAsync(reviewId, e.Id, e.Kind));
    });
}
