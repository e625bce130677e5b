using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Web.Jobs;

public sealed record MatchedStartup(string StartupId, string Name, string AccountId);

/// <summary>The startups a need is announced to, best first: the matching engine's ranking.</summary>
public sealed class StartupMatches(IGrainFactory grains)
{
    private static readonly Caller System = NeedNotices.System;

    /// <summary>
    /// The best-matching startups that can take the need (the matchmaking hook), keeping those with an
    /// account to write to; imported startups nobody has claimed have none.
    /// </summary>
    public async Task<IReadOnlyList<MatchedStartup>> ForNeedAsync(NeedView need, int take)
    {
        var ranked = await grains.StartupsForNeedAsync(need.Id, need.Details, Math.Min(Matchmaker.MaxTop, take * 3), need.Details.Language);
        var matches = new List<MatchedStartup>();
        foreach (var candidate in ranked)
        {
            var profile = await grains.GetGrain<IStartupGrain>(candidate.Id).GetAsync(System);
            if (profile.OwnerAccountId is null) continue;
            matches.Add(new MatchedStartup(candidate.Id, profile.Details.Name, profile.OwnerAccountId));
            if (matches.Count == take) break;
        }
        return matches;
    }
}
