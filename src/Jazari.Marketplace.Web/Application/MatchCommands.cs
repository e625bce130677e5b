using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Web.Application;

public sealed record StartupMatch(string StartupId, string Name, double Score, IReadOnlyList<Reason> Reasons);
public sealed record NeedMatches(string NeedId, IReadOnlyList<StartupMatch> Matches);
public sealed record NeedMatch(string NeedId, string Name, double Score, IReadOnlyList<Reason> Reasons);
public sealed record StartupMatchList(string StartupId, IReadOnlyList<NeedMatch> Matches);

/// <summary>Recommendations both ways, each with its reasons in the language asked for.</summary>
public sealed class MatchCommands(IGrainFactory grains, StartupProgressCommands progress)
{
    /// <summary>The startups that can take this need, best first: for its SME, admins and managers.</summary>
    public async Task<NeedMatches> ForNeedAsync(Caller caller, string needId, int? top, string? language)
    {
        var (count, lang) = Read(top, language);
        var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(caller);
        var allowed = caller.Role switch
        {
            Roles.Admin or Roles.Manager => true,
            Roles.Sme => (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId == need.SmeId,
            Roles.Startup or Roles.Mentor => false,
            _ => throw new InvalidOperationException($"Unknown role {caller.Role}."),
        };
        if (!allowed) throw MarketplaceException.NotFound("Need");
        var matches = await grains.StartupsForNeedAsync(needId, need.Details, count, lang ?? need.Details.Language);
        return new NeedMatches(needId, [.. matches.Select(m => new StartupMatch(m.Id, m.Name, m.Score, m.Reasons))]);
    }

    /// <summary>The open needs this startup can take, best first: for that startup, its mentors, its cohorts' managers and admins.</summary>
    public async Task<StartupMatchList> ForStartupAsync(Caller caller, string startupId, int? top, string? language)
    {
        var (count, lang) = Read(top, language);
        await progress.EnsureFollowerAsync(caller, startupId);
        var card = await grains.GetGrain<IStartupGrain>(startupId).GetCardAsync() ?? throw MarketplaceException.NotFound("Startup");
        var matches = await grains.NeedsForStartupAsync(startupId, card, count, lang ?? card.Details.Languages.FirstOrDefault() ?? "fr");
        return new StartupMatchList(startupId, [.. matches.Select(m => new NeedMatch(m.Id, m.Name, m.Score, m.Reasons))]);
    }

    private static (int Top, string? Language) Read(int? top, string? language) => Checks.Valid(c =>
    {
        var count = c.Whole("top", top ?? 10, 1, Matchmaker.MaxTop);
        if (language is not null) c.OneOf("language", language, Reference.Languages);
        return (count, language);
    });
}
