using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>A startup's follow-up in its cohorts: HTTP over <see cref="StartupProgressCommands"/>.</summary>
public static class StartupProgressApi
{
    public static void MapStartupProgressApi(this IEndpointRouteBuilder routes)
    {
        var mentors = routes.MapGroup("/api/mentors").WithTags("Mentors").RequireAuthorization(p => p.RequireRole(Roles.Mentor));
        mentors.MapPost("/{id:id}/sessions", LogSession);
        mentors.MapGet("/{id:id}/startups", Mentored);

        var startups = routes.MapGroup("/api/startups/{id:id}").WithTags("Startup progress").RequireAuthorization();
        startups.MapGet("/sessions", Sessions);
        startups.MapPost("/sessions/{sessionId:id}/rating", RateSession);
        startups.MapGet("/goals", Goals);
        startups.MapPost("/goals", SetGoal);
        startups.MapPost("/goals/{goalId:id}/progress", RecordProgress);
        startups.MapDelete("/goals/{goalId:id}", RemoveGoal);
        startups.MapPost("/figures", ReportFigures);
        startups.MapGet("/kpis", Kpis);
    }

    private static async Task<Created<MentorSession>> LogSession(string id, SessionInput body, ClaimsPrincipal user, StartupProgressCommands progress)
    {
        var logged = await progress.LogSessionAsync(user.Caller(), id, body);
        return TypedResults.Created($"/api/startups/{body.StartupId}/sessions", logged);
    }

    private static async Task<Ok<IReadOnlyList<MentoredStartup>>> Mentored(string id, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.MentoredAsync(user.Caller(), id));

    private static async Task<Ok<IReadOnlyList<MentorSession>>> Sessions(string id, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.SessionsAsync(user.Caller(), id));

    private static async Task<Ok<MentorSession>> RateSession(string id, string sessionId, RatingInput body, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.RateSessionAsync(user.Caller(), id, sessionId, body));

    private static async Task<Ok<List<GoalResponse>>> Goals(string id, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.GoalsAsync(user.Caller(), id));

    private static async Task<Created<GoalResponse>> SetGoal(string id, GoalInput body, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Created($"/api/startups/{id}/goals", await progress.SetGoalAsync(user.Caller(), id, body));

    private static async Task<NoContent> RemoveGoal(string id, string goalId, ClaimsPrincipal user, StartupProgressCommands progress)
    {
        await progress.RemoveGoalAsync(user.Caller(), id, goalId);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<GoalResponse>> RecordProgress(string id, string goalId, ProgressInput body, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.RecordProgressAsync(user.Caller(), id, goalId, body));

    private static async Task<Ok<MonthlyFigures>> ReportFigures(string id, FiguresInput body, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.ReportFiguresAsync(user.Caller(), id, body));

    private static async Task<Ok<StartupKpisResponse>> Kpis(string id, ClaimsPrincipal user, StartupProgressCommands progress) =>
        TypedResults.Ok(await progress.KpisAsync(user.Caller(), id));
}
