using System.Security.Claims;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Recommendations both ways: HTTP over <see cref="MatchCommands"/>.</summary>
public static class MatchesApi
{
    public static void MapMatchesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/needs/{id:id}/matches", ForNeed).WithTags("Matching").RequireAuthorization();
        routes.MapGet("/api/startups/{id:id}/matches", ForStartup).WithTags("Matching").RequireAuthorization();
    }

    private static async Task<Ok<NeedMatches>> ForNeed(string id, int? top, string? language, ClaimsPrincipal user, MatchCommands matches) =>
        TypedResults.Ok(await matches.ForNeedAsync(user.Caller(), id, top, language));

    private static async Task<Ok<StartupMatchList>> ForStartup(string id, int? top, string? language, ClaimsPrincipal user, MatchCommands matches) =>
        TypedResults.Ok(await matches.ForStartupAsync(user.Caller(), id, top, language));
}
