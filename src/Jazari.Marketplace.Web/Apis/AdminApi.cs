using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Import;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>What only admins do (accounts, catalogue import): HTTP over <see cref="AdminCommands"/>.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        api.MapPost("/accounts", CreateAccount);
        api.MapPost("/import", Import);
        return api;
    }

    private static async Task<Created<CreatedId>> CreateAccount(AccountInput body, ClaimsPrincipal user, AdminCommands admin)
    {
        var id = await admin.CreateAccountAsync(user.Caller(), body);
        return TypedResults.Created($"/api/admin/accounts/{id}", new CreatedId(id));
    }

    private static async Task<Ok<ImportReport>> Import(CatalogueInput body, ClaimsPrincipal user, AdminCommands admin) =>
        TypedResults.Ok(await admin.ImportAsync(user.Caller(), body));
}
