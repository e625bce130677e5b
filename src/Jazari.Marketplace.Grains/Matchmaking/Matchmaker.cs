using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// Asks the shards a need or a startup belongs to and merges their answers. This is also the hook
/// follow-up jobs call to tell the best-matching startups about a new need.
/// </summary>
public static class Matchmaker
{
    public const int MaxTop = 50;

    public static async Task<IReadOnlyList<Recommendation>> StartupsForNeedAsync(this IGrainFactory grains,
        string needId, NeedDetails need, int top, string language)
    {
        var answers = await Task.WhenAll(MatchCards.Shards(need)
            .Select(shard => grains.GetGrain<IStartupMatchmakingGrain>(shard).TopForAsync(needId, need, top, language)));
        return MatchCards.Merge(answers, top);
    }

    public static async Task<IReadOnlyList<Recommendation>> NeedsForStartupAsync(this IGrainFactory grains,
        string startupId, StartupCard startup, int top, string language)
    {
        var answers = await Task.WhenAll(MatchCards.Shards(startup.Details)
            .Select(shard => grains.GetGrain<INeedMatchmakingGrain>(shard).TopForAsync(startupId, startup, top, language)));
        return MatchCards.Merge(answers, top);
    }
}
