using System.Security.Claims;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Reviews after the work on a need: HTTP over <see cref="ReviewCommands"/>.</summary>
public static class ReviewsApi
{
    public static void MapReviewsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/needs/{id:id}/reviews").WithTags("Reviews").RequireAuthorization();
        api.MapGet("/", List);
        api.MapPost("/", Write);
        api.MapPost("/{reviewId:id}/answer", Answer);
        api.MapPost("/{reviewId:id}/report", Report);

        routes.MapGet("/api/startups/{id:id}/reviews", StartupReviews).WithTags("Reviews").RequireAuthorization();

        var admin = routes.MapGroup("/api/admin/reviews").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapGet("/reported", Reported);
        admin.MapPost("/{reviewId:id}/hide", Hide);
    }

    private static async Task<Ok<NeedReviewsResponse>> List(string id, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.ListAsync(user.Caller(), id));

    private static async Task<Created<ReviewResponse>> Write(string id, ReviewInput body, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Created($"/api/needs/{id}/reviews", await reviews.WriteAsync(user.Caller(), id, body));

    private static async Task<Ok<ReviewResponse>> Answer(string id, string reviewId, AnswerInput body, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.AnswerAsync(user.Caller(), id, reviewId, body));

    private static async Task<Ok<Reported>> Report(string id, string reviewId, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.ReportAsync(user.Caller(), id, reviewId));

    private static async Task<Ok<StartupReviewsResponse>> StartupReviews(string id, int? page, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.StartupReviewsAsync(user.Caller(), id, page));

    private static async Task<Ok<IReadOnlyList<ReportedReview>>> Reported(ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.ReportedAsync(user.Caller()));

    private static async Task<Ok<ReviewResponse>> Hide(string reviewId, HideInput body, ClaimsPrincipal user, ReviewCommands reviews) =>
        TypedResults.Ok(await reviews.HideAsync(user.Caller(), reviewId, body));
}
