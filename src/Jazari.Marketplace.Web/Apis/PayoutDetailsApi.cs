using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Where a startup (and an SME, for its refunds) is paid by bank: HTTP over <see cref="PayoutCommands"/>; the profile's owner only.</summary>
public static class PayoutDetailsApi
{
    public static void MapPayoutDetailsApi(this IEndpointRouteBuilder routes)
    {
        var startups = routes.MapGroup("/api/startups").WithTags("Startups").RequireAuthorization();
        startups.MapGet("/{id:id}/payout-details", (string id, ClaimsPrincipal user, PayoutCommands payouts) => Get(Roles.Startup, id, user, payouts));
        startups.MapPut("/{id:id}/payout-details", (string id, PayoutDetailsInput body, ClaimsPrincipal user, PayoutCommands payouts) => Set(Roles.Startup, id, body, user, payouts));
        startups.MapPost("/{id:id}/payout-details/report", (string id, ClaimsPrincipal user, PayoutCommands payouts) => Report(Roles.Startup, id, user, payouts));
        var smes = routes.MapGroup("/api/smes").WithTags("SMEs").RequireAuthorization();
        smes.MapGet("/{id:id}/payout-details", (string id, ClaimsPrincipal user, PayoutCommands payouts) => Get(Roles.Sme, id, user, payouts));
        smes.MapPut("/{id:id}/payout-details", (string id, PayoutDetailsInput body, ClaimsPrincipal user, PayoutCommands payouts) => Set(Roles.Sme, id, body, user, payouts));
        smes.MapPost("/{id:id}/payout-details/report", (string id, ClaimsPrincipal user, PayoutCommands payouts) => Report(Roles.Sme, id, user, payouts));
    }

    private static async Task<NoContent> Report(string kind, string id, ClaimsPrincipal user, PayoutCommands payouts)
    {
        await payouts.ReportAsync(user.Caller(), kind, id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PayoutDetailsResponse>> Get(string kind, string id, ClaimsPrincipal user, PayoutCommands payouts) =>
        TypedResults.Ok(await payouts.GetAsync(user.Caller(), kind, id) ?? throw MarketplaceException.NotFound("Payout details"));

    private static async Task<Ok<PayoutDetailsResponse>> Set(string kind, string id, PayoutDetailsInput body, ClaimsPrincipal user, PayoutCommands payouts) =>
        TypedResults.Ok(await payouts.SetAsync(user.Caller(), kind, id, body));
}
