using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>The audit trail of sensitive actions, for admins: newest first, filtered by actor, action and days.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/admin/audit", Read).WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));

    private static async Task<Ok<AuditPage>> Read(string? actor, string? action, string? from, string? to, int? page,
        AuditTrail trail, CancellationToken cancellation) =>
        TypedResults.Ok((await trail.ReadAsync(actor, action, from, to, page, cancellation)).Page);
}
