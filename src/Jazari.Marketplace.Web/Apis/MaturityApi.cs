using System.Security.Claims;
using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Digital maturity (self-assessment, plan, drafts) and the public impact figures: HTTP over <see cref="MaturityCommands"/>.</summary>
public static class MaturityApi
{
    public static void MapMaturityApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/assessments/questionnaire", Questionnaire).WithTags("Maturity").AllowAnonymous();
        var smes = routes.MapGroup("/api/smes/{id:id}").WithTags("Maturity");
        smes.MapPost("/assessments", Assess).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        smes.MapGet("/assessments", List).RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Admin));
        smes.MapPost("/assessments/{assessmentId:id}/recommendations/{index:int}/draft", Draft).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        smes.MapPost("/reassessment-invitations", Invite).RequireAuthorization(p => p.RequireRole(Roles.Admin));
        routes.MapGet("/api/impact", Impact).WithTags("Maturity").AllowAnonymous();
    }

    private static Ok<QuestionnaireResponse> Questionnaire(string? language, MaturityCommands maturity) =>
        TypedResults.Ok(maturity.QuestionnaireIn(language));

    private static async Task<Created<AssessmentResponse>> Assess(string id, string? language, AssessmentInput body, ClaimsPrincipal user, MaturityCommands maturity)
    {
        var assessment = await maturity.AssessAsync(user.Caller(), id, body, language);
        return TypedResults.Created($"/api/smes/{id}/assessments", assessment);
    }

    private static async Task<Ok<AssessmentList>> List(string id, string? language, ClaimsPrincipal user, MaturityCommands maturity) =>
        TypedResults.Ok(await maturity.ListAsync(user.Caller(), id, language));

    private static async Task<Created<DraftResponse>> Draft(string id, string assessmentId, int index, string? language, ClaimsPrincipal user,
        MaturityCommands maturity, DraftInput? body = null)
    {
        var draft = await maturity.DraftAsync(user.Caller(), id, assessmentId, index, body, language);
        return TypedResults.Created($"/api/needs/{draft.Id}", draft);
    }

    private static async Task<Accepted<ReassessmentInvitationResponse>> Invite(string id, ClaimsPrincipal user, MaturityCommands maturity, Jobs.MaturityJobs jobs)
    {
        var invitation = await maturity.InviteAsync(user.Caller(), id);
        jobs.QueueInvitations(id);
        return TypedResults.Accepted((string?)null, invitation);
    }

    private static async Task<IResult> Impact(string? region, string? sector, string? programmeId, HttpRequest request, MaturityCommands maturity)
    {
        var impact = await maturity.ImpactAsync(region, sector, programmeId);
        return request.Headers.Accept.ToString().Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase)
            ? TypedResults.File(Encoding.UTF8.GetBytes(maturity.Csv(impact)), DashboardExports.Csv + "; charset=utf-8", "impact.csv")
            : TypedResults.Ok(impact);
    }
}
