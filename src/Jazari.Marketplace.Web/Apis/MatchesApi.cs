using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed record StartupMatch(string StartupId, string Name, double Score, IReadOnlyList<Reason> Reasons);
public sealed record NeedMatches(string NeedId, IReadOnlyList<StartupMatch> Matches);
public sealed record NeedMatch(string NeedId, string Name, double Score, IReadOnlyList<Reason> Reasons);
public sealed record StartupMatches(string StartupId, IReadOnlyList<NeedMatch> Matches);

/// <summary>Recommendations both ways, each with its reasons in the language asked for.</summary>
public static class MatchesApi
{
    public static void MapMatchesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/needs/{id:id}/matches", ForNeed).WithTags("Matching").RequireAuthorization();
        routes.MapGet("/api/startups/{id:id}/matches", ForStartup).WithTags("Matching").RequireAuthorization();
    }

    /// <summary>The startups that can take this need, best first: for its SME, admins and managers.</summary>
    private static async Task<Ok<NeedMatches>> ForNeed(string id, int? top, string? language, ClaimsPrincipal user, IGrainFactory grains)
    {
        var (count, lang) = Read(top, language);
        var caller = user.Caller();
        var need = await grains.GetGrain<INeedGrain>(id).GetAsync(caller);
        if (caller.Role is not (Roles.Admin or Roles.Manager) && (await ProfileIdAsync(grains, caller)) != need.SmeId)
            throw MarketplaceException.NotFound("Need");
        var matches = await grains.StartupsForNeedAsync(id, need.Details, count, lang ?? need.Details.Language);
        return TypedResults.Ok(new NeedMatches(id, [.. matches.Select(m => new StartupMatch(m.Id, m.Name, m.Score, m.Reasons))]));
    }

    /// <summary>The open needs this startup can take, best first: for that startup, its mentors, its cohorts' managers and admins.</summary>
    private static async Task<Ok<StartupMatches>> ForStartup(string id, int? top, string? language, ClaimsPrincipal user, IGrainFactory grains, StartupProgressCommands progress)
    {
        var (count, lang) = Read(top, language);
        var caller = user.Caller();
        await progress.EnsureFollowerAsync(caller, id);
        var card = await grains.GetGrain<IStartupGrain>(id).GetCardAsync() ?? throw MarketplaceException.NotFound("Startup");
        var matches = await grains.NeedsForStartupAsync(id, card, count, lang ?? card.Details.Languages.FirstOrDefault() ?? "fr");
        return TypedResults.Ok(new StartupMatches(id, [.. matches.Select(m => new NeedMatch(m.Id, m.Name, m.Score, m.Reasons))]));
    }

    private static (int Top, string? Language) Read(int? top, string? language)
    {
        var c = new Checks();
        var count = c.Whole("top", top ?? 10, 1, Matchmaker.MaxTop);
        if (language is not null) c.OneOf("language", language, Reference.Languages);
        c.ThrowIfFailed();
        return (count, language);
    }

    private static async Task<string?> ProfileIdAsync(IGrainFactory grains, Caller caller) =>
        (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId;
}
