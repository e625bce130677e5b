using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Reviews;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Application;

/// <summary>Reviews after the work on a need: the SME and the startup review each other, double-blind; admins hide abuse.</summary>
public sealed class ReviewCommands(IGrainFactory grains, IBackgroundJobClient jobs, AuditTrail audit, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public const int PageSize = 20;
    public const int MaxPage = 100;
    public const int MaxAnswer = 2000;
    public const int MaxReason = 500;

    public async Task<NeedReviewsResponse> ListAsync(Caller caller, string needId)
    {
        var view = await grains.GetGrain<INeedReviewsGrain>(needId).ListAsync(caller);
        return new NeedReviewsResponse(view.NeedId, view.RevealedAt, view.RevealDueAt, [.. view.Reviews.Select(ReviewResponse.From)]);
    }

    /// <summary>Checks and writes a review, its reveal scheduled first.</summary>
    public async Task<ReviewResponse> WriteAsync(Caller caller, string needId, ReviewInput input)
    {
        var (ratings, comment) = Checks.Valid(c => (new ReviewRatings(c.Whole("quality", input.Quality, 1, 5), c.Whole("timeliness", input.Timeliness, 1, 5),
            c.Whole("communication", input.Communication, 1, 5)), c.Text("comment", input.Comment, ReviewRules.MaxComment, multiLine: true)));
        var reviews = grains.GetGrain<INeedReviewsGrain>(needId);
        // The grain also reveals on every read; the job makes the reveal (and the reputation) happen when nobody reads. It is
        // scheduled before the first review is written (for the parties only: anyone else is not found here), so that a host
        // killed right after the write leaves it to come; a write refused after all leaves a job that finds nothing due.
        if (!caller.IsAdmin && await reviews.ListAsync(caller) is { RevealedAt: null, RevealDueAt: null })
            jobs.Schedule<ReviewRevealJob>(j => j.RunAsync(needId), time.GetUtcNow() + ReviewRules.RevealAfter + TimeSpan.FromMinutes(1));
        return ReviewResponse.From(await reviews.WriteAsync(caller, ratings, comment));
    }

    public async Task<ReviewResponse> AnswerAsync(Caller caller, string needId, string reviewId, AnswerInput input)
    {
        var answer = Checks.Valid(c => c.Text("answer", input.Answer, MaxAnswer, multiLine: true));
        return ReviewResponse.From(await grains.GetGrain<INeedReviewsGrain>(needId).AnswerAsync(caller, reviewId, answer));
    }

    public async Task<Reported> ReportAsync(Caller caller, string needId, string reviewId) =>
        new(await grains.GetGrain<INeedReviewsGrain>(needId).ReportAsync(caller, reviewId));

    /// <summary>A startup's revealed reviews, newest first, for every signed-in account (the startup's profile is public).</summary>
    public async Task<StartupReviewsResponse> StartupReviewsAsync(Caller caller, string startupId, int? page)
    {
        var pageNumber = Checks.Valid(c => c.Whole("page", page ?? 1, 1, MaxPage));
        var startup = grains.GetGrain<IStartupGrain>(startupId);
        await startup.GetAsync(caller); // not found when there is no such startup
        var track = await startup.GetTrackRecordAsync();
        var refs = await grains.GetGrain<IStartupReviewsGrain>(startupId).PageAsync((pageNumber - 1) * PageSize, PageSize);
        var reviews = await Task.WhenAll(refs.Reviews.Select(r => grains.GetGrain<INeedReviewsGrain>(r.NeedId).GetPublicAsync(r.ReviewId)));
        return new StartupReviewsResponse(startupId, track.Rating, track.RatingCount, pageNumber, PageSize, refs.Total,
            [.. reviews.OfType<ReviewView>().Select(ReviewResponse.From)]);
    }

    public Task<IReadOnlyList<ReportedReview>> ReportedAsync(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Reports");
        return grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).ListAsync();
    }

    public async Task<ReviewResponse> HideAsync(Caller caller, string reviewId, HideInput input)
    {
        var reason = Checks.Valid(c => c.Text("reason", input.Reason, MaxReason, multiLine: true));
        var needId = await grains.GetGrain<IReviewLocatorGrain>(reviewId).GetNeedIdAsync() ?? throw MarketplaceException.NotFound("Review");
        var hidden = await grains.GetGrain<INeedReviewsGrain>(needId).HideAsync(caller, reviewId, reason);
        await audit.RecordAsync(caller, AuditActions.ReviewHidden, reviewId, reason);
        return ReviewResponse.From(hidden);
    }
}
