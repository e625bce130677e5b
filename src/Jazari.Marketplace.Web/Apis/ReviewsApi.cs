using System.Security.Claims;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed class ReviewInput
{
    public int? Quality { get; init; }
    public int? Timeliness { get; init; }
    public int? Communication { get; init; }
    public string? Comment { get; init; }
}

public sealed class AnswerInput
{
    public string? Answer { get; init; }
}

public sealed class HideInput
{
    public string? Reason { get; init; }
}

public sealed record ReviewResponse(
    string Id, string NeedId, string Author, string SubjectId, int Quality, int Timeliness, int Communication, double Overall,
    string Comment, DateTimeOffset WrittenAt, bool Revealed, string? Answer, DateTimeOffset? AnsweredAt, bool Hidden,
    string? HiddenReason, int? Reports)
{
    public static ReviewResponse From(ReviewView r) => new(
        r.Id, r.NeedId, r.Author == ReviewAuthor.Sme ? Roles.Sme : Roles.Startup, r.SubjectId, r.Ratings.Quality, r.Ratings.Timeliness,
        r.Ratings.Communication, r.Ratings.Overall, r.Comment, r.WrittenAt, r.Revealed, r.Answer, r.AnsweredAt, r.Hidden,
        r.HiddenReason, r.Reports > 0 ? r.Reports : null);
}

public sealed record NeedReviewsResponse(string NeedId, DateTimeOffset? RevealedAt, DateTimeOffset? RevealDueAt, IReadOnlyList<ReviewResponse> Reviews);

public sealed record StartupReviewsResponse(string StartupId, double Rating, int RatingCount, int Page, int PageSize, int Total, IReadOnlyList<ReviewResponse> Reviews);

public sealed record Reported(bool First);

/// <summary>Reviews after the work on a need: the SME and the startup review each other, double-blind.</summary>
public static class ReviewsApi
{
    public const int PageSize = 20;
    public const int MaxAnswer = 2000;
    public const int MaxReason = 500;

    public static void MapReviewsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/needs/{id:id}/reviews").WithTags("Reviews").RequireAuthorization();
        api.MapGet("/", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var view = await grains.GetGrain<INeedReviewsGrain>(id).ListAsync(user.Caller());
            return TypedResults.Ok(new NeedReviewsResponse(view.NeedId, view.RevealedAt, view.RevealDueAt, [.. view.Reviews.Select(ReviewResponse.From)]));
        });
        api.MapPost("/", Write);
        api.MapPost("/{reviewId:id}/answer", async (string id, string reviewId, AnswerInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var c = new Checks();
            var answer = c.Text("answer", body.Answer, MaxAnswer, multiLine: true);
            c.ThrowIfFailed();
            return TypedResults.Ok(ReviewResponse.From(await grains.GetGrain<INeedReviewsGrain>(id).AnswerAsync(user.Caller(), reviewId, answer)));
        });
        api.MapPost("/{reviewId:id}/report", async (string id, string reviewId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(new Reported(await grains.GetGrain<INeedReviewsGrain>(id).ReportAsync(user.Caller(), reviewId))));

        routes.MapGet("/api/startups/{id:id}/reviews", StartupReviews).WithTags("Reviews").RequireAuthorization();

        var admin = routes.MapGroup("/api/admin/reviews").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapGet("/reported", async (IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).ListAsync()));
        admin.MapPost("/{reviewId:id}/hide", Hide);
    }

    private static async Task<Created<ReviewResponse>> Write(string id, ReviewInput body, ClaimsPrincipal user, IGrainFactory grains, IBackgroundJobClient jobs)
    {
        var review = await WriteAsync(id, body, user.Caller(), grains, jobs);
        return TypedResults.Created($"/api/needs/{id}/reviews", ReviewResponse.From(review));
    }

    /// <summary>Checks and writes a review, scheduling its reveal; shared with the pages.</summary>
    internal static async Task<ReviewView> WriteAsync(string id, ReviewInput body, Caller caller, IGrainFactory grains, IBackgroundJobClient jobs)
    {
        var c = new Checks();
        var ratings = new ReviewRatings(c.Whole("quality", body.Quality, 1, 5), c.Whole("timeliness", body.Timeliness, 1, 5),
            c.Whole("communication", body.Communication, 1, 5));
        var comment = c.Text("comment", body.Comment, ReviewRules.MaxComment, multiLine: true);
        c.ThrowIfFailed();
        var review = await grains.GetGrain<INeedReviewsGrain>(id).WriteAsync(caller, ratings, comment);
        // The grain also reveals on every read; the job makes the reveal (and the reputation) happen when nobody reads.
        if (!review.Revealed) jobs.Schedule<ReviewRevealJob>(j => j.RunAsync(id), review.WrittenAt + ReviewRules.RevealAfter + TimeSpan.FromMinutes(1));
        return review;
    }

    private static async Task<Ok<StartupReviewsResponse>> StartupReviews(string id, int? page, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var pageNumber = c.Whole("page", page ?? 1, 1, NeedsApi.MaxPage);
        c.ThrowIfFailed();
        var startup = grains.GetGrain<Grains.Profiles.IStartupGrain>(id);
        await startup.GetAsync(user.Caller()); // not found when there is no such startup
        var track = await startup.GetTrackRecordAsync();
        var refs = await grains.GetGrain<IStartupReviewsGrain>(id).PageAsync((pageNumber - 1) * PageSize, PageSize);
        var reviews = await Task.WhenAll(refs.Reviews.Select(r => grains.GetGrain<INeedReviewsGrain>(r.NeedId).GetPublicAsync(r.ReviewId)));
        return TypedResults.Ok(new StartupReviewsResponse(id, track.Rating, track.RatingCount, pageNumber, PageSize, refs.Total,
            [.. reviews.OfType<ReviewView>().Select(ReviewResponse.From)]));
    }

    private static async Task<Ok<ReviewResponse>> Hide(string reviewId, HideInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        var reason = c.Text("reason", body.Reason, MaxReason, multiLine: true);
        c.ThrowIfFailed();
        var needId = await FindNeedOfAsync(reviewId, grains);
        var hidden = await grains.GetGrain<INeedReviewsGrain>(needId).HideAsync(user.Caller(), reviewId, reason);
        await audit.RecordAsync(context, Audit.AuditActions.ReviewHidden, reviewId, reason);
        return TypedResults.Ok(ReviewResponse.From(hidden));
    }

    private static async Task<string> FindNeedOfAsync(string reviewId, IGrainFactory grains) =>
        await grains.GetGrain<IReviewLocatorGrain>(reviewId).GetNeedIdAsync() ?? throw MarketplaceException.NotFound("Review");
}
