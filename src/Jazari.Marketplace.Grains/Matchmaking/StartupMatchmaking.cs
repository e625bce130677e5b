using System.Diagnostics.Metrics;
using System.Text;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the startups, keyed by category: the startups indexed under it (see
/// <see cref="MatchCards.Shards(StartupDetails)"/>), held in memory as a matching index and rebuilt
/// from the startups' own grains when the shard is activated. Only the member ids are stored, one row each
/// (<see cref="ShardMembers"/>). A shard that fills up splits in two by a stable hash of the ids
/// (<see cref="MatchmakingShard"/>); it then forwards updates to the half an id belongs to and asks both
/// halves, so callers only ever know the category.
/// </summary>
public interface IStartupMatchmakingGrain : IMatchmakingShard
{
    Task UpsertAsync(string startupId, StartupCard card);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language);
}

/// <summary>What both directions of matchmaking shards answer: membership, and the hand-over when one splits.</summary>
public interface IMatchmakingShard : IGrainWithStringKey
{
    Task RemoveAsync(string id);
    /// <summary>The ids indexed in this shard and its halves (the weekly e-mail of open needs goes to each startup).</summary>
    Task<IReadOnlyList<string>> MembersAsync();
    /// <summary>Takes over members of the shard that split into this half (their cards are read from their grains).</summary>
    Task AdoptAsync(IReadOnlyList<string> ids);
}

[GenerateSerializer, Alias("jazari.matchmaking-state")]
public sealed class MatchmakingState
{
    /// <summary>Where members were stored before they became rows: moved to <see cref="ShardMembers"/> on activation, then emptied.</summary>
    [Id(0)] public List<string> Members { get; set; } = [];
    /// <summary>The shard was full and is split in two halves (<see cref="MatchmakingShard.Halves"/>); it holds no members any more.</summary>
    [Id(1)] public bool Split { get; set; }
}

internal sealed class StartupMatchmakingGrain(
    [PersistentState("startup-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    ShardMembers rows,
    IGrainFactory grains) : MatchmakingShardGrain<IStartupMatchmakingGrain>(state, rows, grains, "startups"), IStartupMatchmakingGrain
{
    private StartupIndex index = new();

    protected override async Task IndexAsync(IReadOnlyList<string> ids)
    {
        foreach (var batch in ids.Chunk(64))
        {
            var cards = await Task.WhenAll(batch.Select(id => Grains.GetGrain<IStartupGrain>(id).GetCardAsync()));
            for (var i = 0; i < batch.Length; i++)
                if (cards[i] is { } card) index.Upsert(MatchCards.Profile(batch[i], card));
        }
    }

    protected override void Unindex(string id) => index.Remove(id);

    protected override void ClearIndex() => index = new();

    public async Task UpsertAsync(string startupId, StartupCard card)
    {
        if (await JoinAsync(startupId)) index.Upsert(MatchCards.Profile(startupId, card));
        else await Half(startupId).UpsertAsync(startupId, card);
    }

    public async Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language)
    {
        if (!IsSplit)
            return [.. index.TopFor(MatchCards.Profile(needId, need), top, language).Select(m => m.ToRecommendation())];
        return MatchCards.Merge(await Task.WhenAll(Halves().Select(h => h.TopForAsync(needId, need, top, language))), top);
    }
}

/// <summary>
/// Membership and splitting of a matchmaking shard, for both directions. The members are rows of
/// <see cref="ShardMembers"/>; the grain's own state only says whether the shard is split.
/// </summary>
internal abstract class MatchmakingShardGrain<TShard>(IPersistentState<MatchmakingState> state, ShardMembers rows, IGrainFactory grains, string kind) : Grain
    where TShard : IMatchmakingShard
{
    private readonly HashSet<string> members = [];

    protected IGrainFactory Grains { get; } = grains;
    protected bool IsSplit => state.State.Split;
    private string Key => this.GetPrimaryKeyString();
    /// <summary>The rows' partition: table keys may not hold '/', so <c>iot/01</c> is <c>startups-iot.01</c>.</summary>
    private string Partition => $"{kind}-{Key.Replace('/', '.')}";

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        if (state.State.Split) return;
        if (state.State.Members.Count > 0) // stored by an earlier version: becomes rows
        {
            await rows.AddAsync(Partition, state.State.Members);
            state.State.Members = [];
            await state.WriteStateAsync();
        }
        var ids = await rows.ListAsync(Partition);
        members.UnionWith(ids);
        await IndexAsync(ids);
    }

    /// <summary>Reads the members' records from their grains and indexes them.</summary>
    protected abstract Task IndexAsync(IReadOnlyList<string> ids);
    protected abstract void Unindex(string id);
    protected abstract void ClearIndex();

    /// <summary>Makes the id a member of this shard (true: the caller indexes it here), or of a half when this shard is or becomes split (false).</summary>
    protected async Task<bool> JoinAsync(string id)
    {
        if (!state.State.Split && !members.Contains(id) && members.Count >= MatchmakingShard.MaxMembers) await SplitAsync();
        if (state.State.Split) return false;
        if (members.Add(id))
        {
            try { await rows.AddAsync(Partition, id); }
            catch { members.Remove(id); throw; }
        }
        return true;
    }

    public async Task RemoveAsync(string id)
    {
        if (state.State.Split)
        {
            await Half(id).RemoveAsync(id);
            return;
        }
        Unindex(id);
        if (members.Remove(id)) await rows.RemoveAsync(Partition, id);
    }

    public async Task<IReadOnlyList<string>> MembersAsync()
    {
        if (!state.State.Split) return [.. members];
        var halves = await Task.WhenAll(Halves().Select(h => h.MembersAsync()));
        return [.. halves.SelectMany(h => h)];
    }

    public async Task AdoptAsync(IReadOnlyList<string> ids)
    {
        if (state.State.Split)
        {
            await HandOverAsync(ids);
            return;
        }
        var added = ids.Where(members.Add).ToList();
        await rows.AddAsync(Partition, added);
        await IndexAsync(added);
    }

    /// <summary>
    /// Hands the members to the two halves, then stores that this shard is split, then deletes its own rows
    /// (a crash before the flag is stored splits again the same way; rows left after it are never read).
    /// </summary>
    private async Task SplitAsync()
    {
        var old = members.ToList();
        await HandOverAsync(old);
        state.State.Split = true;
        await state.WriteStateAsync();
        members.Clear();
        ClearIndex();
        MatchmakingShard.Splits.Add(1, new KeyValuePair<string, object?>("index", kind));
        await rows.RemoveAsync(Partition, old);
    }

    private Task HandOverAsync(IEnumerable<string> ids) =>
        Task.WhenAll(ids.GroupBy(id => MatchmakingShard.Half(Key, id)).Select(g => Grains.GetGrain<TShard>(g.Key).AdoptAsync([.. g])));

    protected TShard Half(string id) => Grains.GetGrain<TShard>(MatchmakingShard.Half(Key, id));

    protected IEnumerable<TShard> Halves() => MatchmakingShard.Halves(Key).Select(k => Grains.GetGrain<TShard>(k));
}

/// <summary>
/// Membership of a shard, shared by both directions. A shard keyed <c>iot</c> that reaches <see cref="MaxMembers"/>
/// splits into <c>iot/0</c> and <c>iot/1</c> by the first bit of a stable hash of each id; <c>iot/0</c> into
/// <c>iot/00</c> and <c>iot/01</c> by the second bit, and so on: nothing is ever left out for lack of room.
/// </summary>
internal static class MatchmakingShard
{
    public const int MaxMembers = 3000;

    private static readonly Meter Meter = new("Jazari.Marketplace");
    public static readonly Counter<long> Splits = Meter.CreateCounter<long>("jazari.matchmaking.splits", description: "Matchmaking shards split in two because they were full");

    /// <summary>The half of shard <paramref name="shard"/> that holds <paramref name="id"/>.</summary>
    public static string Half(string shard, string id) => Halves(shard)[(int)(StableHash(id) >> Depth(shard)) & 1];

    public static string[] Halves(string shard) => shard.Contains('/') ? [shard + "0", shard + "1"] : [shard + "/0", shard + "/1"];

    /// <summary>How many times the category's shard was halved to reach this one.</summary>
    public static int Depth(string shard) => shard.IndexOf('/') is var slash and >= 0 ? shard.Length - slash - 1 : 0;

    /// <summary>FNV-1a of the id's UTF-8 bytes, mixed: the same on every host and every run (string.GetHashCode is not).</summary>
    public static uint StableHash(string id)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(id)) hash = (hash ^ b) * 16777619u;
        hash ^= hash >> 16; // spread the last characters over every bit (murmur3's finaliser)
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        return hash ^ (hash >> 16);
    }
}
