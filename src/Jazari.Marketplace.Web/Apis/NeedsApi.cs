using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Needs and their bids over HTTP: each handler maps the request to <see cref="NeedCommands"/> or <see cref="BidCommands"/>.</summary>
public static class NeedsApi
{
    public const int PageSize = NeedCommands.PageSize;
    public const int MaxPage = NeedCommands.MaxPage;

    public static RouteGroupBuilder MapNeedsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/needs").WithTags("Needs").RequireAuthorization();
        api.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        api.MapGet("/", Browse);
        api.MapGet("/{id:id}", Get);
        // The SME's decisions and the bidder's are theirs alone: an admin reads every need and may cancel one (moderation), never edits,
        // publishes, accepts or withdraws in their place (403).
        api.MapPut("/{id:id}", UpdateDraft).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        api.MapPost("/{id:id}/publish", Publish).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        api.MapPost("/{id:id}/programme", JoinProgramme).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        api.MapPost("/{id:id}/cancel", Cancel);
        api.MapPost("/{id:id}/bids", Bid).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        api.MapPost("/{id:id}/bids/{bidId:id}/withdraw", Withdraw).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        api.MapPost("/{id:id}/bids/{bidId:id}/accept", Accept).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        return api;
    }

    private static async Task<Created<NeedCreated>> Create(NeedInput body, ClaimsPrincipal user, NeedCommands needs)
    {
        var need = await needs.CreateAsync(user.Caller(), body);
        return TypedResults.Created($"/api/needs/{need.Id}", new NeedCreated(need.Id, need.Status.Name()));
    }

    private static async Task<Ok<NeedPage>> Browse(string? status, string? category, string? region, int? page, string? after, NeedCommands needs) =>
        TypedResults.Ok(await needs.BrowseAsync(status, category, region, page, after));

    private static async Task<Ok<NeedResponse>> Get(string id, ClaimsPrincipal user, NeedCommands needs) =>
        TypedResults.Ok(NeedResponse.From(await needs.GetAsync(user.Caller(), id)));

    private static async Task<Ok<NeedResponse>> UpdateDraft(string id, NeedInput body, ClaimsPrincipal user, NeedCommands needs) =>
        TypedResults.Ok(NeedResponse.From(await needs.UpdateDraftAsync(user.Caller(), id, body)));

    private static async Task<Ok<NeedResponse>> JoinProgramme(string id, NeedProgrammeInput body, ClaimsPrincipal user, NeedCommands needs) =>
        TypedResults.Ok(NeedResponse.From(await needs.JoinProgrammeAsync(user.Caller(), id, body)));

    private static async Task<Ok<NeedResponse>> Publish(string id, ClaimsPrincipal user, NeedCommands needs) =>
        TypedResults.Ok(NeedResponse.From(await needs.PublishAsync(user.Caller(), id)));

    private static async Task<Ok<NeedResponse>> Cancel(string id, ClaimsPrincipal user, NeedCommands needs) =>
        TypedResults.Ok(NeedResponse.From(await needs.CancelAsync(user.Caller(), id)));

    private static async Task<Created<CreatedId>> Bid(string id, BidInput body, ClaimsPrincipal user, BidCommands bids) =>
        TypedResults.Created($"/api/needs/{id}", new CreatedId(await bids.SubmitAsync(user.Caller(), id, body)));

    private static async Task<Ok<NeedResponse>> Withdraw(string id, string bidId, ClaimsPrincipal user, BidCommands bids) =>
        TypedResults.Ok(NeedResponse.From(await bids.WithdrawAsync(user.Caller(), id, bidId)));

    private static async Task<Ok<NeedResponse>> Accept(string id, string bidId, ClaimsPrincipal user, BidCommands bids) =>
        TypedResults.Ok(NeedResponse.From(await bids.AcceptAsync(user.Caller(), id, bidId)));
}
