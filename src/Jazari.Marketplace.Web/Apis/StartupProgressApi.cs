using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>
/// A startup's follow-up in its cohorts: mentor sessions, goals, self-reported figures and KPIs. Seen by the
/// startup itself, its assigned mentors, the managers of its cohorts' institutes and admins; anyone else gets 404.
/// </summary>
public static class StartupProgressApi
{
    public static void MapStartupProgressApi(this IEndpointRouteBuilder routes)
    {
        var mentors = routes.MapGroup("/api/mentors").WithTags("Mentors").RequireAuthorization(p => p.RequireRole(Roles.Mentor));
        mentors.MapPost("/{id:id}/sessions", LogSession);
        mentors.MapGet("/{id:id}/startups", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureMentorAsync(grains, user.Caller(), id);
            return TypedResults.Ok(await grains.GetGrain<IMentoringGrain>(id).ListAsync());
        });

        var startups = routes.MapGroup("/api/startups/{id:id}").WithTags("Startup progress").RequireAuthorization();
        startups.MapGet("/sessions", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureFollowerAsync(grains, user.Caller(), id);
            return TypedResults.Ok(await grains.GetGrain<IMentorSessionsGrain>(id).ListAsync());
        });
        startups.MapPost("/sessions/{sessionId:id}/rating", async (string id, string sessionId, RatingInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureStartupItselfAsync(grains, user.Caller(), id);
            var c = new Checks();
            var stars = c.Whole("stars", body.Stars, 1, 5);
            c.ThrowIfFailed();
            return TypedResults.Ok(await grains.GetGrain<IMentorSessionsGrain>(id).RateAsync(sessionId, stars));
        });
        startups.MapGet("/goals", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureFollowerAsync(grains, user.Caller(), id);
            return TypedResults.Ok((await grains.GetGrain<IStartupGoalsGrain>(id).ListAsync()).Select(GoalResponse.From));
        });
        startups.MapPost("/goals", async (string id, GoalInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureFollowerAsync(grains, user.Caller(), id);
            var c = new Checks();
            var plan = body.ToTemplate(c);
            c.ThrowIfFailed();
            var goal = await grains.GetGrain<IStartupGoalsGrain>(id).SetAsync(Ids.New("goal"), plan);
            return TypedResults.Created($"/api/startups/{id}/goals", GoalResponse.From(goal));
        });
        startups.MapPost("/goals/{goalId:id}/progress", async (string id, string goalId, ProgressInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureFollowerAsync(grains, user.Caller(), id);
            var c = new Checks();
            var on = c.Date("date", body.Date);
            if (body.Value is null or < 0) c.Error("value", "Required, not negative.");
            c.ThrowIfFailed();
            return TypedResults.Ok(GoalResponse.From(await grains.GetGrain<IStartupGoalsGrain>(id).RecordProgressAsync(goalId, on, body.Value!.Value)));
        });
        startups.MapPost("/figures", async (string id, FiguresInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureStartupItselfAsync(grains, user.Caller(), id);
            var c = new Checks();
            var figures = body.ToFigures(c);
            c.ThrowIfFailed();
            await grains.GetGrain<IStartupActivityGrain>(id).ReportFiguresAsync(figures);
            return TypedResults.Ok(figures);
        });
        startups.MapGet("/kpis", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await EnsureFollowerAsync(grains, user.Caller(), id);
            var activity = await grains.GetGrain<IStartupActivityGrain>(id).GetAsync();
            return TypedResults.Ok(new StartupKpisResponse(id, DashboardRow.From(id, "", activity.Kpis), activity.Months, activity.Figures));
        });
    }

    internal static async Task<Created<MentorSession>> LogSession(string id, SessionInput body, ClaimsPrincipal user, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var caller = user.Caller();
        await EnsureMentorAsync(grains, caller, id);
        var c = new Checks();
        var startupId = c.Id("startupId", body.StartupId);
        var date = c.Date("date", body.Date);
        if (!c.Failed && date > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) c.Error("date", "Must not be in the future.");
        var session = new MentorSession(Ids.New("session"), id, date, c.Whole("minutes", body.Minutes, 5, 600),
            c.Text("notes", body.Notes, 1000, multiLine: true), c.OptionalText("nextSteps", body.NextSteps, 500, multiLine: true) ?? "", null, time.GetUtcNow());
        c.ThrowIfFailed();
        if (!await grains.GetGrain<IMentoringGrain>(id).IsAssignedAsync(startupId)) throw MarketplaceException.NotFound("Startup");
        var logged = await grains.GetGrain<IMentorSessionsGrain>(startupId).LogAsync(session);
        return TypedResults.Created($"/api/startups/{startupId}/sessions", logged);
    }

    /// <summary>Only the mentor who owns the profile acts in its name.</summary>
    private static async Task EnsureMentorAsync(IGrainFactory grains, Caller caller, string mentorId)
    {
        if ((await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId != mentorId)
            throw MarketplaceException.NotFound("Mentor");
    }

    private static async Task EnsureStartupItselfAsync(IGrainFactory grains, Caller caller, string startupId)
    {
        if (caller.Role != Roles.Startup || (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId != startupId)
            throw MarketplaceException.NotFound("Startup");
    }

    /// <summary>The startup itself, a mentor assigned to it, a manager of one of its cohorts' institutes, or an admin.</summary>
    public static async Task EnsureFollowerAsync(IGrainFactory grains, Caller caller, string startupId)
    {
        if (caller.IsAdmin) return;
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        var allowed = caller.Role switch
        {
            Roles.Startup => account?.ProfileId == startupId,
            Roles.Mentor => account?.ProfileId is { } mentorId && await grains.GetGrain<IMentoringGrain>(mentorId).IsAssignedAsync(startupId),
            Roles.Manager => account is not null && (await grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Cohorts
                .Any(c => account.Institutes.Contains(c.InstituteId)),
            _ => false,
        };
        if (!allowed) throw MarketplaceException.NotFound("Startup");
    }
}
