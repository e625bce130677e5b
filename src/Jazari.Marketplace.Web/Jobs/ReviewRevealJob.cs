using Hangfire;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Reveals the reviews of a need when the other side wrote none in time, and finishes the reputation update
/// of revealed reviews. Scheduled when the first review is written; reentrant: the grain decides, by its clock, whether it is due.
/// </summary>
public sealed class ReviewRevealJob(IGrainFactory grains)
{
    [Queue(Queues.FollowUps)]
    public Task RunAsync(string needId) => grains.GetGrain<INeedReviewsGrain>(needId).RevealIfDueAsync();
}
