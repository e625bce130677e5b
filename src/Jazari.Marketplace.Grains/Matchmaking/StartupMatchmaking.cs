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
    /// <summary>
    /// The startups of this shard whose name contains <paramref name="text"/> (ignoring case and accents), by name:
    /// their public fields only, for a manager looking for a startup to invite.
    /// </summary>
    Task<IReadOnlyList<StartupFound>> FindByNameAsync(string text, int top);
}

/// <summary>A startup found by its name: what its public profile shows of it anyway.</summary>
[GenerateSerializer, Alias("jazari.startup-found")]
public sealed record StartupFound(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string City,
    [property: Id(3)] string Region,
    [property: Id(4)] IReadOnlyList<string> Categories);

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
    /// <summary>The indexed startups' public fields, by id: what a search by name reads.</summary>
    private readonly Dictionary<string, StartupFound> named = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        foreach (var batch in state.State.Members.Chunk(64))
        {
            var cards = await Task.WhenAll(batch.Select(id => grains.GetGrain<IStartupGrain>(id).GetCardAsync()));
            for (var i = 0; i < batch.Length; i++)
                if (cards[i] is { } card) Index(batch[i], card);
        }
    }

    public async Task UpsertAsync(string startupId, StartupCard card)
    {
        if (!await MatchmakingShard.JoinAsync(state, startupId, log, this.GetPrimaryKeyString())) return;
        Index(startupId, card);
    }

    private void Index(string startupId, StartupCard card)
    {
        index.Upsert(MatchCards.Profile(startupId, card));
        var d = card.Details;
        named[startupId] = new StartupFound(startupId, d.Name, d.City, d.Region, d.Categories);
    }

    public async Task RemoveAsync(string startupId)
    {
        index.Remove(startupId);
        named.Remove(startupId);
        await MatchmakingShard.LeaveAsync(state, startupId);
    }

    public Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language) =>
        Task.FromResult<IReadOnlyList<Recommendation>>(
            [.. index.TopFor(MatchCards.Profile(needId, need), top, language).Select(m => m.ToRecommendation())]);

    public Task<IReadOnlyList<string>> MembersAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Members]);

    public Task<IReadOnlyList<StartupFound>> FindByNameAsync(string text, int top) =>
        Task.FromResult<IReadOnlyList<StartupFound>>([.. named.Values.Where(s => Names.Contains(s.Name, text))
            .OrderBy(s => s.Name, StringComparer.Ordinal).Take(top)]);
}

/// <summary>Comparing names as people type them: case and accents (French é, Arabic short vowels) do not count.</summary>
public static class Names
{
    public static bool Contains(string name, string text) =>
        System.Globalization.CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, text,
            System.Globalization.CompareOptions.IgnoreCase | System.Globalization.CompareOptions.IgnoreNonSpace) >= 0;
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
