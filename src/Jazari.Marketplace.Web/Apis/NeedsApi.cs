using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed record NeedCreated(string Id, string Status);

/// <summary>Needs and their bids: SMEs post and award, startups browse and bid.</summary>
public static class NeedsApi
{
    public const int PageSize = 20;
    public const int MaxPage = 100;

    public static RouteGroupBuilder MapNeedsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/needs").WithTags("Needs").RequireAuthorization();
        api.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        api.MapGet("/", Browse);
        api.MapGet("/{id:id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(NeedResponse.From(await grains.GetGrain<INeedGrain>(id).GetAsync(user.Caller()))));
        api.MapPost("/{id:id}/publish", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(NeedResponse.From(await grains.GetGrain<INeedGrain>(id).PublishAsync(user.Caller()))));
        api.MapPost("/{id:id}/cancel", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(NeedResponse.From(await grains.GetGrain<INeedGrain>(id).CancelAsync(user.Caller()))));
        api.MapPost("/{id:id}/bids", Bid).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        api.MapPost("/{id:id}/bids/{bidId:id}/withdraw", async (string id, string bidId, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            await grains.GetGrain<INeedGrain>(id).WithdrawBidAsync(user.Caller(), bidId);
            return TypedResults.Ok(NeedResponse.From(await grains.GetGrain<INeedGrain>(id).GetAsync(user.Caller())));
        });
        api.MapPost("/{id:id}/bids/{bidId:id}/accept", async (string id, string bidId, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit) =>
        {
            var need = await grains.GetGrain<INeedGrain>(id).AcceptBidAsync(user.Caller(), bidId);
            await audit.RecordAsync(context, Audit.AuditActions.BidAccepted, id, $"bid {bidId}");
            return TypedResults.Ok(NeedResponse.From(need));
        });
        return api;
    }

    private static async Task<Created<NeedCreated>> Create(NeedInput body, ClaimsPrincipal user, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var c = new Checks();
        var details = body.ToDetails(c);
        NeedInput.CheckDeadline(c, details.Deadline, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var programmeId = body.ProgrammeId is null ? null : c.Id("programmeId", body.ProgrammeId);
        c.ThrowIfFailed();
        if (programmeId is not null && await grains.GetGrain<Grains.Payments.IProgrammeGrain>(programmeId).GetAsync() is null)
            throw MarketplaceException.Invalid("programmeId", "No such programme.");
        var caller = user.Caller();
        var smeId = await grains.ProfileOfAsync(caller, "SME");
        var need = await CreateNeedAsync(grains, caller, smeId, details, programmeId);
        return TypedResults.Created($"/api/needs/{need.Id}", new NeedCreated(need.Id, need.Status.Name()));
    }

    /// <summary>Creates a need, recorded first among the places of the owner's data (so export and erasure reach it); for the API and the pages.</summary>
    internal static async Task<NeedView> CreateNeedAsync(IGrainFactory grains, Caller owner, string smeId, NeedDetails details, string? programmeId = null)
    {
        var id = Ids.New("need");
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(owner.AccountId).TookPartAsync(Grains.Accounts.PartyOf.Need, id);
        return await grains.GetGrain<INeedGrain>(id).CreateAsync(owner, smeId, details, programmeId);
    }

    /// <summary>Places a bid, the need recorded first among the places of the bidder's data; for the API and the pages.</summary>
    internal static async Task<string> SubmitBidAsync(IGrainFactory grains, Caller bidder, string needId, string startupId, string startupName, BidOffer offer)
    {
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(bidder.AccountId).TookPartAsync(Grains.Accounts.PartyOf.Need, needId);
        return await grains.GetGrain<INeedGrain>(needId).SubmitBidAsync(bidder, startupId, startupName, offer);
    }

    private static async Task<Ok<NeedPage>> Browse(string? status, string? category, string? region, int? page, IGrainFactory grains)
    {
        var c = new Checks();
        if ((status ?? "open") != "open") c.Error("status", "Only open needs can be browsed.");
        if (category is not null) c.OneOf("category", category, Reference.Categories);
        if (region is not null) c.OneOf("region", region, Reference.Regions);
        var pageNumber = c.Whole("page", page ?? 1, 1, MaxPage);
        c.ThrowIfFailed();

        var take = pageNumber * PageSize;
        var shards = await Task.WhenAll((category is null ? Reference.Categories : [category])
            .Select(cat => grains.GetGrain<IOpenNeedsGrain>(cat).ListAsync(region, take)));
        var newest = shards.SelectMany(s => s.Needs).OrderByDescending(n => n.PublishedAt).ThenBy(n => n.NeedId)
            .Skip(take - PageSize).Take(PageSize);
        var listings = await Task.WhenAll(newest.Select(n => grains.GetGrain<INeedGrain>(n.NeedId).GetListingAsync()));
        var open = listings.Where(n => n?.Status == NeedStatus.Open).Select(n => NeedResponse.From(n!)).ToList();
        return TypedResults.Ok(new NeedPage(pageNumber, PageSize, shards.Sum(s => s.Total), open));
    }

    private static async Task<Created<CreatedId>> Bid(string id, BidInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var offer = body.ToOffer(c);
        c.ThrowIfFailed();
        var caller = user.Caller();
        var startupId = await grains.ProfileOfAsync(caller, "startup");
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(caller);
        var bidId = await SubmitBidAsync(grains, caller, id, startupId, startup.Details.Name, offer);
        return TypedResults.Created($"/api/needs/{id}", new CreatedId(bidId));
    }
}
