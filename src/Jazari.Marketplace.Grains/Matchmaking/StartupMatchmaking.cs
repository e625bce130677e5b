using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Matching;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the startups, keyed by category: the startups indexed under it (see
/// <see cref="MatchCards.Shards(StartupDetails)"/>), held in memory as a matching index and rebuilt
/// from the startups' own grains when the shard is activated. Only the member ids are stored.
/// </summary>
public interface IStartupMatchmakingGrain : IGrainWithStringKey
{
    Task UpsertAsync(string startupId, StartupCard card);
    Task RemoveAsync(string startupId);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language);
    /// <summary>The startups indexed in this shard (the weekly e-mail of open needs goes to each).</summary>
    Task<IReadOnlyList<string>> MembersAsync();
}

[GenerateSerializer, Alias("jazari.matchmaking-state")]
public sealed class MatchmakingState
{
    /// <summary>At most <see cref="MatchmakingShard.MaxMembers"/> ids, which keeps the state under the size bound.</summary>
    [Id(0)] public List<string> Members { get; set; } = [];
}

internal sealed class StartupMatchmakingGrain(
    [PersistentState("startup-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    IGrainFactory grains,
    ILogger<StartupMatchmakingGrain> log) : Grain, IStartupMatchmakingGrain
{
    private readonly StartupIndex index = new();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        foreach (var batch in state.State.Members.Chunk(64))
        {
            var cards = await Task.WhenAll(batch.Select(id => grains.GetGrain<IStartupGrain>(id).GetCardAsync()));
            for (var i = 0; i < batch.Length; i++)
                if (cards[i] is { } card) index.Upsert(MatchCards.Profile(batch[i], card));
        }
    }

    public async Task UpsertAsync(string startupId, StartupCard card)
    {
        if (!await MatchmakingShard.JoinAsync(state, startupId, log, this.GetPrimaryKeyString())) return;
        index.Upsert(MatchCards.Profile(startupId, card));
    }

    public async Task RemoveAsync(string startupId)
    {
        index.Remove(startupId);
        await MatchmakingShard.LeaveAsync(state, startupId);
    }

    public Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language) =>
        Task.FromResult<IReadOnlyList<Recommendation>>(
            [.. index.TopFor(MatchCards.Profile(needId, need), top, language).Select(m => m.ToRecommendation())]);

    public Task<IReadOnlyList<string>> MembersAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Members]);
}

/// <summary>Membership of a shard, shared by both directions.</summary>
internal static class MatchmakingShard
{
    public const int MaxMembers = 3000;

    /// <summary>Stores the id as a member; false when the shard is full (the member is then not indexed here).</summary>
    public static async Task<bool> JoinAsync(IPersistentState<MatchmakingState> state, string id, ILogger log, string shard)
    {
        if (state.State.Members.Contains(id)) return true;
        if (state.State.Members.Count >= MaxMembers)
        {
            log.LogWarning("Matchmaking shard {Shard} is full ({Max}); {Id} is not indexed in it", shard, MaxMembers, id);
            return false;
        }
        state.State.Members.Add(id);
        await state.SaveAsync();
        return true;
    }

    public static async Task LeaveAsync(IPersistentState<MatchmakingState> state, string id)
    {
        if (state.State.Members.Remove(id)) await state.SaveAsync();
    }
}
