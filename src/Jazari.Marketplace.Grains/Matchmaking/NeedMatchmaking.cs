using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the open needs, keyed by category (see <see cref="MatchCards.Shards(NeedDetails)"/>), for
/// startups looking for work: held in memory, rebuilt from the needs' grains on activation. Its members are
/// rows and it splits in two halves when full, as the startups' shards do (<see cref="MatchmakingShardGrain{TShard}"/>).
/// </summary>
public interface INeedMatchmakingGrain : IMatchmakingShard
{
    Task UpsertAsync(string needId, NeedDetails need);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language);
}

internal sealed class NeedMatchmakingGrain(
    [PersistentState("need-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    ShardMembers rows,
    IGrainFactory grains) : MatchmakingShardGrain<INeedMatchmakingGrain>(state, rows, grains, "needs"), INeedMatchmakingGrain
{
    private NeedIndex index = new();

    protected override async Task IndexAsync(IReadOnlyList<string> ids)
    {
        foreach (var batch in ids.Chunk(64))
        {
            var needs = await Task.WhenAll(batch.Select(id => Grains.GetGrain<INeedGrain>(id).GetListingAsync()));
            foreach (var need in needs)
                if (need is { Status: NeedStatus.Open }) index.Upsert(MatchCards.Profile(need.Id, need.Details));
        }
    }

    protected override void Unindex(string id) => index.Remove(id);

    protected override void ClearIndex() => index = new();

    public async Task UpsertAsync(string needId, NeedDetails need)
    {
        if (await JoinAsync(needId)) index.Upsert(MatchCards.Profile(needId, need));
        else await Half(needId).UpsertAsync(needId, need);
    }

    public async Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language)
    {
        if (!IsSplit)
            return [.. index.TopFor(MatchCards.Profile(startupId, startup), top, language).Select(m => m.ToRecommendation())];
        return MatchCards.Merge(await Task.WhenAll(Halves().Select(h => h.TopForAsync(startupId, startup, top, language))), top);
    }
}
