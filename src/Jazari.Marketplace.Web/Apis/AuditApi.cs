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
        AuditTrail trail, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, CancellationToken cancellation)
    {
        // An empty filter (?actor=&action=) is no filter.
        actor = string.IsNullOrWhiteSpace(actor) ? null : actor;
        action = string.IsNullOrWhiteSpace(action) ? null : action;
        from = string.IsNullOrWhiteSpace(from) ? null : from;
        to = string.IsNullOrWhiteSpace(to) ? null : to;
        var c = new Checks();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var last = to is null ? today : c.Date("to", to);
        if (!c.Failed && last.Year < AuditTrail.FirstYear) { c.Error("to", $"Must be a date from {AuditTrail.FirstYear} on."); last = today; }
        var first = from is null ? last.AddDays(-6) : c.Date("from", from);
        if (!c.Failed && first.Year < AuditTrail.FirstYear) c.Error("from", $"Must be a date from {AuditTrail.FirstYear} on.");
        if (!c.Failed && first > last) c.Error("from", "Must not be after 'to'.");
        if (!c.Failed && last.DayNumber - first.DayNumber >= AuditTrail.MaxDays) c.Error("from", $"At most {AuditTrail.MaxDays} days at a time.");
        if (actor is not null) c.Text("actor", actor, 100);
        if (action is not null) c.OneOf("action", action, AuditActions.All);
        var pageNumber = c.Whole("page", page ?? 1, 1, AuditTrail.MaxPage);
        c.ThrowIfFailed();
        return TypedResults.Ok(await trail.QueryAsync(first, last, actor, action, pageNumber, cancellation));
    }
}
