using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Matching;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the open needs, keyed by category (see <see cref="MatchCards.Shards(NeedDetails)"/>), for
/// startups looking for work: held in memory, rebuilt from the needs' grains on activation.
/// </summary>
public interface INeedMatchmakingGrain : IGrainWithStringKey
{
    Task UpsertAsync(string needId, NeedDetails need);
    Task RemoveAsync(string needId);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language);
}

internal sealed class NeedMatchmakingGrain(
    [PersistentState("need-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    IGrainFactory grains,
    ILogger<NeedMatchmakingGrain> log) : Grain, INeedMatchmakingGrain
{
    private readonly NeedIndex index = new();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        foreach (var batch in state.State.Members.Chunk(64))
        {
            var needs = await Task.WhenAll(batch.Select(id => grains.GetGrain<INeedGrain>(id).GetListingAsync()));
            foreach (var need in needs)
                if (need is { Status: NeedStatus.Open }) index.Upsert(MatchCards.Profile(need.Id, need.Details));
        }
    }

    public async Task UpsertAsync(string needId, NeedDetails need)
    {
        if (!await MatchmakingShard.JoinAsync(state, needId, log, this.GetPrimaryKeyString())) return;
        index.Upsert(MatchCards.Profile(needId, need));
    }

    public async Task RemoveAsync(string needId)
    {
        index.Remove(needId);
        await MatchmakingShard.LeaveAsync(state, needId);
    }

    public Task<IReadOnlyList<Recommendation>> TopForAsync(string startupId, StartupCard startup, int top, string language) =>
        Task.FromResult<IReadOnlyList<Recommendation>>(
            [.. index.TopFor(MatchCards.Profile(startupId, startup), top, language).Select(m => m.ToRecommendation())]);
}
