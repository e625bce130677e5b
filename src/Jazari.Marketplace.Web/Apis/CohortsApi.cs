using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Cohorts of an institute and a startup's invitations: HTTP over <see cref="CohortCommands"/>.</summary>
public static class CohortsApi
{
    public static void MapCohortsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/cohorts").WithTags("Cohorts").RequireAuthorization();
        var managers = api.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin));
        // Managers of other institutes and mentors may be a cohort's evaluators: the cohort grain checks who is.
        var scorers = api.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin, Roles.Mentor));
        managers.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Manager));
        managers.MapGet("/", List);
        api.MapGet("/open", OpenCalls).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        api.MapGet("/{id:id}", Get);
        api.MapPost("/{id:id}/applications", Apply).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        managers.MapPost("/{id:id}/evaluators", InviteEvaluator);
        managers.MapGet("/{id:id}/evaluators", Evaluators);
        scorers.MapGet("/{id:id}/applications", Rank);
        api.MapGet("/{id:id}/applications/{appId:id}", GetApplication);
        scorers.MapPost("/{id:id}/applications/{appId:id}/scores", Score);
        managers.MapPost("/{id:id}/applications/{appId:id}/decision", Decide);
        managers.MapPost("/{id:id}/members", Invite);
        managers.MapGet("/{id:id}/startups", FindStartups);
        managers.MapGet("/{id:id}/invitations", CohortInvitations);
        managers.MapPost("/{id:id}/mentors", AssignMentor);
        managers.MapGet("/{id:id}/mentors/suggestions", Suggest);
        managers.MapGet("/{id:id}/dashboard", Dashboard);

        var mine = routes.MapGroup("/api/me/invitations").WithTags("Cohorts").RequireAuthorization(p => p.RequireRole(Roles.Startup));
        mine.MapGet("/", MyInvitations);
        mine.MapPost("/{invitationId:id}/accept", Accept);
        mine.MapPost("/{invitationId:id}/decline", Decline);

        routes.MapGet("/api/me/cohorts", MyCohorts).WithTags("Cohorts").RequireAuthorization(p => p.RequireRole(Roles.Startup));
        routes.MapPost("/api/me/cohorts/{id:id}/leave", Leave).WithTags("Cohorts").RequireAuthorization(p => p.RequireRole(Roles.Startup));

        var evaluations = routes.MapGroup("/api/me/evaluations").WithTags("Cohorts").RequireAuthorization(p => p.RequireRole(Roles.Mentor, Roles.Manager));
        evaluations.MapGet("/", MyEvaluations);
        evaluations.MapPost("/{cohortId:id}/accept", (string cohortId, ClaimsPrincipal user, EvaluatorCommands evaluators) => AnswerEvaluation(cohortId, true, user, evaluators));
        evaluations.MapPost("/{cohortId:id}/decline", (string cohortId, ClaimsPrincipal user, EvaluatorCommands evaluators) => AnswerEvaluation(cohortId, false, user, evaluators));
    }

    private static async Task<Created<CreatedId>> Create(CohortInput body, ClaimsPrincipal user, CohortCommands cohorts)
    {
        var id = await cohorts.CreateAsync(user.Caller(), body);
        return TypedResults.Created($"/api/cohorts/{id}", new CreatedId(id));
    }

    private static async Task<Ok<List<CohortResponse>>> List(ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.ListAsync(user.Caller()));

    private static async Task<Ok<List<OpenCallResponse>>> OpenCalls(ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.OpenCallsAsync(user.Caller()));

    private static async Task<Ok<List<StartupCandidate>>> FindStartups(string id, string? name, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.FindStartupsAsync(user.Caller(), id, name));

    private static async Task<Ok<CohortResponse>> Get(string id, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.GetAsync(user.Caller(), id));

    private static async Task<Created<CreatedId>> Apply(string id, ApplicationInput body, ClaimsPrincipal user, CohortCommands cohorts)
    {
        var appId = await cohorts.ApplyAsync(user.Caller(), id, body);
        return TypedResults.Created($"/api/cohorts/{id}/applications/{appId}", new CreatedId(appId));
    }

    /// <summary>202 for every address: the invitation waits for its owner's answer.</summary>
    private static async Task<Accepted<EvaluatorInvitationResponse>> InviteEvaluator(string id, EvaluatorInput body, ClaimsPrincipal user, EvaluatorCommands evaluators) =>
        TypedResults.Accepted($"/api/cohorts/{id}/evaluators", await evaluators.InviteAsync(user.Caller(), id, body));

    private static async Task<Ok<List<EvaluatorInvitationResponse>>> Evaluators(string id, ClaimsPrincipal user, EvaluatorCommands evaluators) =>
        TypedResults.Ok(await evaluators.SentAsync(user.Caller(), id));

    private static async Task<Ok<List<EvaluatorInvitationResponse>>> MyEvaluations(ClaimsPrincipal user, EvaluatorCommands evaluators) =>
        TypedResults.Ok(await evaluators.MineAsync(user.Caller()));

    private static async Task<Ok<EvaluatorInvitationResponse>> AnswerEvaluation(string cohortId, bool accept, ClaimsPrincipal user, EvaluatorCommands evaluators) =>
        TypedResults.Ok(await evaluators.AnswerAsync(user.Caller(), cohortId, accept));

    private static async Task<Ok<List<ApplicationResponse>>> Rank(string id, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.RankAsync(user.Caller(), id));

    private static async Task<Ok<ApplicationView>> GetApplication(string id, string appId, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.GetApplicationAsync(user.Caller(), id, appId));

    private static async Task<Ok<ApplicationResponse>> Score(string id, string appId, ScoreInput body, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.ScoreAsync(user.Caller(), id, appId, body));

    private static async Task<Ok<DecisionResponse>> Decide(string id, string appId, DecisionInput body, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.DecideAsync(user.Caller(), id, appId, body));

    private static async Task<Accepted<InvitationSent>> Invite(string id, MemberInput body, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Accepted($"/api/cohorts/{id}/invitations", await cohorts.InviteAsync(user.Caller(), id, body));

    private static async Task<Ok<List<InvitationResponse>>> CohortInvitations(string id, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.CohortInvitationsAsync(user.Caller(), id));

    private static async Task<Ok> AssignMentor(string id, MentorAssignmentInput body, ClaimsPrincipal user, CohortCommands cohorts)
    {
        await cohorts.AssignMentorAsync(user.Caller(), id, body);
        return TypedResults.Ok();
    }

    private static async Task<Ok<IReadOnlyList<MentorSuggestion>>> Suggest(string id, string? startupId, int? top, string? language,
        ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.SuggestAsync(user.Caller(), id, startupId, top, language));

    private static async Task<IResult> Dashboard(string id, HttpRequest request, ClaimsPrincipal user, CohortCommands cohorts)
    {
        var dashboard = await cohorts.DashboardAsync(user.Caller(), id);
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains(DashboardExports.Xlsx, StringComparison.OrdinalIgnoreCase))
            return TypedResults.File(DashboardExports.ToXlsx(dashboard), DashboardExports.Xlsx, $"{id}.xlsx");
        if (accept.Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase))
            return TypedResults.File(DashboardExports.ToCsv(dashboard), DashboardExports.Csv + "; charset=utf-8", $"{id}.csv");
        return TypedResults.Ok(dashboard);
    }

    private static async Task<Ok<List<MemberCohortResponse>>> MyCohorts(ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.MyCohortsAsync(user.Caller()));

    private static async Task<NoContent> Leave(string id, ClaimsPrincipal user, CohortCommands cohorts)
    {
        await cohorts.LeaveAsync(user.Caller(), id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<InvitationResponse>>> MyInvitations(ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.MyInvitationsAsync(user.Caller()));

    private static async Task<Ok<InvitationResponse>> Accept(string invitationId, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.AnswerInvitationAsync(user.Caller(), invitationId, accept: true));

    private static async Task<Ok<InvitationResponse>> Decline(string invitationId, ClaimsPrincipal user, CohortCommands cohorts) =>
        TypedResults.Ok(await cohorts.AnswerInvitationAsync(user.Caller(), invitationId, accept: false));
}
