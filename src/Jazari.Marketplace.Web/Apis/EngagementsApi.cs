using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>
/// The engagement of an awarded need: funding, delivery, approval and release of each milestone, disputes, and
/// its ledger (<see cref="EngagementCommands"/>). Seen by the SME, the awarded startup, admins and the managers of
/// the institutes its disputes name as mediators; anyone else gets 404. Funding, approving and cancelling are the SME's,
/// delivering the startup's, opening a dispute either party's.
/// </summary>
public static class EngagementsApi
{
    public static void MapEngagementsApi(this IEndpointRouteBuilder routes)
    {
        var needs = routes.MapGroup("/api/needs/{id:id}").WithTags("Engagements").RequireAuthorization();
        needs.MapGet("/engagement", Get);
        needs.MapGet("/ledger", Ledger);
        // The parties' decisions are theirs alone: an admin reads the engagement and settles disputes, never acts in a party's place (403).
        needs.MapPost("/milestones/{index:int}/fund", Fund).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        needs.MapPost("/milestones/{index:int}/deliver", Deliver).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        needs.MapPost("/milestones/{index:int}/approve", Approve).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        needs.MapPost("/milestones/{index:int}/dispute", Dispute).RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Startup));
        needs.MapPost("/engagement/cancel", Cancel).RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Startup));
        routes.MapPost("/api/disputes/{id:id}/accept-mediators", AcceptMediators).WithTags("Engagements").RequireAuthorization(p => p.RequireRole(Roles.Sme));
        routes.MapPost("/api/disputes/{id:id}/resolve", Resolve).WithTags("Engagements").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Manager));
    }

    private static async Task<Ok<EngagementResponse>> Get(string id, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.GetAsync(user.Caller(), id));

    private static async Task<Ok<LedgerResponse>> Ledger(string id, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.LedgerAsync(user.Caller(), id));

    private static async Task<Ok<FundResponse>> Fund(string id, int index, FundInput body, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.FundAsync(user.Caller(), id, index, body));

    private static async Task<Ok<EngagementResponse>> Deliver(string id, int index, DeliverInput body, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.DeliverAsync(user.Caller(), id, index, body));

    private static async Task<Ok<EngagementResponse>> Approve(string id, int index, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.ApproveAsync(user.Caller(), id, index));

    private static async Task<Ok<EngagementResponse>> Dispute(string id, int index, DisputeInput body, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.DisputeAsync(user.Caller(), id, index, body));

    private static async Task<Ok<EngagementResponse>> Cancel(string id, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.CancelAsync(user.Caller(), id));

    private static async Task<Ok<EngagementResponse>> AcceptMediators(string id, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.AcceptMediatorsAsync(user.Caller(), id));

    private static async Task<Ok<EngagementResponse>> Resolve(string id, ResolveInput body, ClaimsPrincipal user, EngagementCommands engagements) =>
        TypedResults.Ok(await engagements.ResolveAsync(user.Caller(), id, body));
}
