using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Web.Jobs;

public sealed record MatchedStartup(string StartupId, string Name, string AccountId);

/// <summary>The startups a need is announced to, best first.</summary>
public sealed class StartupMatches(IGrainFactory grains)
{
    private static readonly Caller System = new(Auth.AdminToken.AccountId, Roles.Admin);

    /// <summary>
    /// THE MATCHING HOOK: replace this method's body with the matching engine's ranking once it lands.
    /// Until then: startups listing the need's category and serving its region, those naming the region
    /// before whole-country ones, whose minimum price fits the budget, and that have an account to write to.
    /// </summary>
    public async Task<IReadOnlyList<MatchedStartup>> ForNeedAsync(NeedView need, int take)
    {
        var listed = await grains.GetGrain<IStartupCatalogueGrain>(need.Details.Category).ListAsync();
        var candidates = listed.Where(s => s.Serves(need.Details.Region))
            .OrderByDescending(s => s.NamesRegion(need.Details.Region)).ThenBy(s => s.StartupId).Take(take * 4);
        var matches = new List<MatchedStartup>();
        foreach (var candidate in candidates)
        {
            var profile = await grains.GetGrain<IStartupGrain>(candidate.StartupId).GetAsync(System);
            if (profile.OwnerAccountId is null || profile.Details.PriceMinMinor > need.Details.BudgetMaxMinor) continue;
            matches.Add(new MatchedStartup(candidate.StartupId, profile.Details.Name, profile.OwnerAccountId));
            if (matches.Count == take) break;
        }
        return matches;
    }
}
