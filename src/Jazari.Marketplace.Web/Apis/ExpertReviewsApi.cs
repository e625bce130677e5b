using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Expert opinions on bids or on a delivered milestone: HTTP over <see cref="ExpertReviewCommands"/>.</summary>
public static class ExpertReviewsApi
{
    public static void MapExpertReviewsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/needs/{id:id}/expert-reviews", Request).WithTags("Expert opinions").RequireAuthorization(p => p.RequireRole(Roles.Sme));
        // The review's grain decides who reads it: its SME, its mentor, its institutes' managers, admins (never the startups).
        var api = routes.MapGroup("/api/expert-reviews").WithTags("Expert opinions")
            .RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Mentor, Roles.Manager, Roles.Admin));
        api.MapGet("/", Queue);
        api.MapGet("/{id:id}", Get);
        api.MapGet("/{id:id}/suggestions", Suggestions).RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin));
        api.MapPost("/{id:id}/assign", Assign).RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin));
        api.MapPost("/{id:id}/opinion", Answer).RequireAuthorization(p => p.RequireRole(Roles.Mentor));
    }

    private static async Task<Created<ExpertReviewCreated>> Request(string id, ExpertReviewInput body, ClaimsPrincipal user, ExpertReviewCommands reviews)
    {
        var created = await reviews.RequestAsync(user.Caller(), id, body);
        return TypedResults.Created($"/api/expert-reviews/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<ExpertReviewResponse>>> Queue(ClaimsPrincipal user, ExpertReviewCommands reviews) =>
        TypedResults.Ok(await reviews.QueueAsync(user.Caller()));

    private static async Task<Ok<ExpertReviewResponse>> Get(string id, ClaimsPrincipal user, ExpertReviewCommands reviews) =>
        TypedResults.Ok(await reviews.GetAsync(user.Caller(), id));

    private static async Task<Ok<IReadOnlyList<ExpertSuggestion>>> Suggestions(string id, string? language, ClaimsPrincipal user, ExpertReviewCommands reviews)
    {
        if (language is not null) Checks.Valid(c => c.OneOf("language", language, Reference.Languages));
        return TypedResults.Ok(await reviews.SuggestAsync(user.Caller(), id, language));
    }

    private static async Task<Ok<ExpertReviewResponse>> Assign(string id, ExpertAssignInput body, ClaimsPrincipal user, ExpertReviewCommands reviews) =>
        TypedResults.Ok(await reviews.AssignAsync(user.Caller(), id, body));

    private static async Task<Ok<ExpertReviewResponse>> Answer(string id, ExpertOpinionInput body, ClaimsPrincipal user, ExpertReviewCommands reviews) =>
        TypedResults.Ok(await reviews.AnswerAsync(user.Caller(), id, body));
}
