using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Co-funding programmes and SMEs' applications to them: HTTP over <see cref="ProgrammeCommands"/>.</summary>
public static class ProgrammesApi
{
    public static void MapProgrammesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/programmes").WithTags("Programmes").RequireAuthorization();
        api.MapGet("/", List);
        api.MapPost("/{id:id}/applications", Apply).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        // The programme's grain decides who decides: admins, and managers of an institute the programme names.
        var deciders = api.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin));
        deciders.MapGet("/{id:id}/applications", Applications);
        deciders.MapGet("/{id:id}/applications/{appId:id}", Application);
        deciders.MapPost("/{id:id}/applications/{appId:id}/decision", Decide);
        routes.MapGet("/api/smes/{id:id}/programmes", OfSme).WithTags("Programmes").RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Admin));
        routes.MapGet("/api/admin/programmes", ListForAdmin).WithTags("Programmes").RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }

    private static async Task<Ok<ProgrammeList>> List(ProgrammeCommands programmes) => TypedResults.Ok(await programmes.ListAsync());

    private static async Task<Ok<AdminProgrammeList>> ListForAdmin(ClaimsPrincipal user, ProgrammeCommands programmes) =>
        TypedResults.Ok(await programmes.ListForAdminAsync(user.Caller()));

    private static async Task<Created<ProgrammeApplicationResponse>> Apply(string id, ProgrammeApplicationInput body, ClaimsPrincipal user, ProgrammeCommands programmes)
    {
        var application = await programmes.ApplyAsync(user.Caller(), id, body);
        return TypedResults.Created($"/api/programmes/{id}/applications/{application.Id}", application);
    }

    private static async Task<Ok<IReadOnlyList<ProgrammeApplicationLine>>> Applications(string id, ClaimsPrincipal user, ProgrammeCommands programmes) =>
        TypedResults.Ok(await programmes.ApplicationsAsync(user.Caller(), id));

    private static async Task<Ok<ProgrammeApplicationResponse>> Application(string id, string appId, ClaimsPrincipal user, ProgrammeCommands programmes) =>
        TypedResults.Ok(await programmes.ApplicationAsync(user.Caller(), id, appId));

    private static async Task<Ok<ProgrammeDecisionResponse>> Decide(string id, string appId, ProgrammeDecisionInput body, ClaimsPrincipal user, ProgrammeCommands programmes) =>
        TypedResults.Ok(await programmes.DecideAsync(user.Caller(), id, appId, body));

    private static async Task<Ok<IReadOnlyList<ProgrammeApplicationResponse>>> OfSme(string id, ClaimsPrincipal user, ProgrammeCommands programmes) =>
        TypedResults.Ok(await programmes.OfSmeAsync(user.Caller(), id));
}
