using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Matching;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the open needs, keyed by category (see <see cref="MatchCards.Shards(NeedDetails)"/>), for
/// startups looking for work: held in memory, rebuilt from the needs' grains on activation. Its members are
/// rows and it splits in two halves when full, as the startups' shards do (<see cref="MatchmakingShardGrain{TShard, TCard}"/>).
/// </summary>
public interface INeedMatchmakingGrain : IMatchmakingShard<NeedDetails>
{
    Task UpsertAsync(string needId, NeedDetails need);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language);
}

[Reentrant] // see MatchmakingShardGrain
internal sealed class NeedMatchmakingGrain(
    [PersistentState("need-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    ShardMembers rows,
    IGrainFactory grains) : MatchmakingShardGrain<INeedMatchmakingGrain, NeedDetails>(state, rows, grains, "needs"), INeedMatchmakingGrain
{
    private NeedIndex index = new();

    protected override async Task<NeedDetails?> ReadAsync(string id) =>
        await Grains.GetGrain<INeedGrain>(id).GetListingAsync() is { Status: NeedStatus.Open } need ? need.Details : null;

    protected override void Index(string id, NeedDetails need) => index.Upsert(MatchCards.Profile(id, need));

    protected override void Unindex(string id) => index.Remove(id);

    protected override void ClearIndex() => index = new();

    public async Task UpsertAsync(string needId, NeedDetails need)
    {
        if (!await JoinAsync(needId, need)) await Half(needId).UpsertAsync(needId, need);
    }

    public async Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language)
    {
        await SettledAsync();
        if (!IsSplit)
            return [.. index.TopFor(MatchCards.Profile(startupId, startup), top, language).Select(m => m.ToRecommendation())];
        return MatchCards.Merge(await Task.WhenAll(Halves().Select(h => h.TopForAsync(startupId, startup, top, language))), top);
    }
}
