using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>The data rights of Law 09-08 (export, erasure, consents): HTTP over <see cref="PrivacyCommands"/>.</summary>
public static class PrivacyApi
{
    public static void MapPrivacyApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/me").WithTags("Your data").RequireAuthorization();
        me.MapGet("/export", Export);
        me.MapPost("/erase", EraseMe);
        me.MapGet("/consents", Consents);
        me.MapPut("/consents", SetConsents);
        routes.MapPost("/api/admin/accounts/{id:id}/erase", EraseByAdmin).WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }

    private static async Task<JsonHttpResult<DataExport>> Export(ClaimsPrincipal user, PrivacyCommands privacy, HttpContext context, CancellationToken cancellation)
    {
        var caller = user.Caller();
        var export = await privacy.ExportAsync(caller, cancellation);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"jazari-data-{caller.AccountId}.json\"";
        return TypedResults.Json(export);
    }

    private static async Task<NoContent> EraseMe(EraseInput body, ClaimsPrincipal user, PrivacyCommands privacy)
    {
        await privacy.EraseMeAsync(user.Caller(), body);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> EraseByAdmin(string id, ClaimsPrincipal user, PrivacyCommands privacy)
    {
        await privacy.EraseAsync(user.Caller(), id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ConsentsResponse>> Consents(ClaimsPrincipal user, PrivacyCommands privacy) =>
        TypedResults.Ok(await privacy.ConsentsAsync(user.Caller()));

    private static async Task<Ok<ConsentsResponse>> SetConsents(ConsentsInput body, ClaimsPrincipal user, PrivacyCommands privacy) =>
        TypedResults.Ok(await privacy.SetConsentsAsync(user.Caller(), body));
}
