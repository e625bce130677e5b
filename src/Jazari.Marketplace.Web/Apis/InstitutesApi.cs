using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>The Jazari institutes and the ministry's report: HTTP over <see cref="InstituteCommands"/>.</summary>
public static class InstitutesApi
{
    public static void MapInstitutesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/institutes").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/", Create);
        admin.MapGet("/", List);
        routes.MapGet("/api/reports/institutes", Report).WithTags("Reports")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Manager));
    }

    private static async Task<Created<CreatedId>> Create(InstituteInput body, ClaimsPrincipal user, InstituteCommands institutes)
    {
        var id = await institutes.CreateAsync(user.Caller(), body);
        return TypedResults.Created($"/api/admin/institutes/{id}", new CreatedId(id));
    }

    private static async Task<Ok<List<InstituteResponse>>> List(InstituteCommands institutes) => TypedResults.Ok(await institutes.ListAsync());

    private static async Task<Ok<MinistryReport>> Report(ClaimsPrincipal user, InstituteCommands institutes) =>
        TypedResults.Ok(await institutes.ReportAsync(user.Caller()));
}
