using System.Diagnostics.Metrics;
using System.Text;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Matching;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// One shard of the startups, keyed by category: the startups indexed under it (see
/// <see cref="MatchCards.Shards(StartupDetails)"/>), held in memory as a matching index and rebuilt
/// from the startups' own grains when the shard is activated. Only the member ids are stored, one row each
/// (<see cref="ShardMembers"/>). A shard that fills up splits in two by a stable hash of the ids
/// (<see cref="MatchmakingShard"/>); it then forwards updates to the half an id belongs to and asks both
/// halves, so callers only ever know the category.
/// </summary>
public interface IStartupMatchmakingGrain : IMatchmakingShard<StartupCard>
{
    Task UpsertAsync(string startupId, StartupCard card);
    Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language);
    /// <summary>
    /// The startups of this shard (and its halves) whose name contains <paramref name="text"/> (ignoring case and
    /// accents), by name: their public fields only, for a manager looking for a startup to invite.
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

/// <summary>Comparing names as people type them: case and accents (French é, Arabic short vowels) do not count.</summary>
public static class Names
{
    public static bool Contains(string name, string text) =>
        System.Globalization.CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, text,
            System.Globalization.CompareOptions.IgnoreCase | System.Globalization.CompareOptions.IgnoreNonSpace) >= 0;
}

/// <summary>What both directions of matchmaking shards answer: membership, and the hand-over when one splits.</summary>
public interface IMatchmakingShard<TCard> : IGrainWithStringKey
{
    Task RemoveAsync(string id);
    /// <summary>The ids indexed in this shard and its halves (the weekly e-mail of open needs goes to each startup).</summary>
    Task<IReadOnlyList<string>> MembersAsync();
    /// <summary>Takes over members of the shard that split into this half, with what the shard knew of them.</summary>
    Task AdoptAsync(IReadOnlyDictionary<string, TCard> members);
}

[GenerateSerializer, Alias("jazari.matchmaking-state")]
public sealed class MatchmakingState
{
    /// <summary>Where members were stored before they became rows: moved to <see cref="ShardMembers"/> on activation, then emptied.</summary>
    [Id(0)] public List<string> Members { get; set; } = [];
    /// <summary>The shard was full and is split in two halves (<see cref="MatchmakingShard.Halves"/>); it holds no members any more.</summary>
    [Id(1)] public bool Split { get; set; }
}

[Reentrant] // see MatchmakingShardGrain
internal sealed class StartupMatchmakingGrain(
    [PersistentState("startup-matchmaking", "marketplace")] IPersistentState<MatchmakingState> state,
    ShardMembers rows,
    IGrainFactory grains) : MatchmakingShardGrain<IStartupMatchmakingGrain, StartupCard>(state, rows, grains, "startups"), IStartupMatchmakingGrain
{
    private StartupIndex index = new();
    /// <summary>The indexed startups' public fields, by id: what a search by name reads.</summary>
    private readonly Dictionary<string, StartupFound> named = new(StringComparer.Ordinal);

    protected override async Task<StartupCard?> ReadAsync(string id) => await Grains.GetGrain<IStartupGrain>(id).GetCardAsync();

    protected override void Index(string id, StartupCard card)
    {
        index.Upsert(MatchCards.Profile(id, card));
        var d = card.Details;
        named[id] = new StartupFound(id, d.Name, d.City, d.Region, d.Categories);
    }

    protected override void Unindex(string id)
    {
        index.Remove(id);
        named.Remove(id);
    }

    protected override void ClearIndex()
    {
        index = new();
        named.Clear();
    }

    public async Task UpsertAsync(string startupId, StartupCard card)
    {
        if (!await JoinAsync(startupId, card)) await Half(startupId).UpsertAsync(startupId, card);
    }

    public async Task<IReadOnlyList<Recommendation>> TopForAsync(string needId, NeedDetails need, int top, string language)
    {
        await SettledAsync();
        if (!IsSplit)
            return [.. index.TopFor(MatchCards.Profile(needId, need), top, language).Select(m => m.ToRecommendation())];
        return MatchCards.Merge(await Task.WhenAll(Halves().Select(h => h.TopForAsync(needId, need, top, language))), top);
    }

    public async Task<IReadOnlyList<StartupFound>> FindByNameAsync(string text, int top)
    {
        await SettledAsync();
        var found = IsSplit
            ? (await Task.WhenAll(Halves().Select(h => h.FindByNameAsync(text, top)))).SelectMany(f => f)
            : named.Values.Where(s => Names.Contains(s.Name, text));
        return [.. found.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal).Take(top)];
    }
}

/// <summary>
/// Membership and splitting of a matchmaking shard, for both directions. The members are rows of
/// <see cref="ShardMembers"/>; the grain's own state only says whether the shard is split.
/// The grains are reentrant, so joins write their rows side by side and a split shard forwards without queueing
/// (the category's shard is on every update's path); every call waits for a split under way to end first.
/// </summary>
internal abstract class MatchmakingShardGrain<TShard, TCard>(IPersistentState<MatchmakingState> state, ShardMembers rows, IGrainFactory grains, string kind) : Grain
    where TShard : IMatchmakingShard<TCard>
    where TCard : class
{
    /// <summary>The members and what is indexed of each (null: its record is gone), handed to the halves on a split.</summary>
    private readonly Dictionary<string, TCard?> members = [];
    private Task? splitting;

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
        foreach (var batch in (await rows.ListAsync(Partition)).Chunk(64))
        {
            var cards = await Task.WhenAll(batch.Select(ReadAsync));
            for (var i = 0; i < batch.Length; i++) Keep(batch[i], cards[i]);
        }
    }

    /// <summary>A member's record, from its grain (which answers interleaved: this may run inside its own update).</summary>
    protected abstract Task<TCard?> ReadAsync(string id);
    protected abstract void Index(string id, TCard card);
    protected abstract void Unindex(string id);
    protected abstract void ClearIndex();

    private void Keep(string id, TCard? card)
    {
        members[id] = card;
        if (card is not null) Index(id, card);
    }

    /// <summary>Makes the id a member of this shard and indexes it (true), or leaves it to a half when this shard is or becomes split (false).</summary>
    protected async Task<bool> JoinAsync(string id, TCard card)
    {
        await SettledAsync();
        if (!state.State.Split && !members.ContainsKey(id) && members.Count >= MatchmakingShard.MaxMembers) await (splitting ??= SplitAsync());
        if (state.State.Split) return false;
        if (!members.ContainsKey(id))
        {
            members[id] = null;
            try { await rows.AddAsync(Partition, id); }
            catch { members.Remove(id); throw; }
            await SettledAsync(); // a split that started while the row was written did not hand this member over:
            if (state.State.Split) return false; // its half takes it
        }
        Keep(id, card);
        return true;
    }

    /// <summary>Waits for a split under way, if any.</summary>
    protected async Task SettledAsync()
    {
        if (splitting is { } split) await split;
    }

    public async Task RemoveAsync(string id)
    {
        await SettledAsync();
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
        await SettledAsync();
        if (!state.State.Split) return [.. members.Keys];
        var halves = await Task.WhenAll(Halves().Select(h => h.MembersAsync()));
        return [.. halves.SelectMany(h => h)];
    }

    public async Task AdoptAsync(IReadOnlyDictionary<string, TCard> adopted)
    {
        await SettledAsync();
        if (state.State.Split)
        {
            await HandOverAsync(adopted);
            return;
        }
        await rows.AddAsync(Partition, adopted.Keys);
        foreach (var (id, card) in adopted) Keep(id, card);
    }

    /// <summary>
    /// Hands the members to the two halves, then stores that this shard is split, then deletes its own rows
    /// (a crash before the flag is stored splits again the same way; rows left after it are never read).
    /// </summary>
    private async Task SplitAsync()
    {
        var old = members.Where(m => m.Value is not null).ToDictionary(m => m.Key, m => m.Value!);
        try
        {
            await HandOverAsync(old);
            state.State.Split = true;
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Split = false;
            splitting = null; // the next join tries again, the same way
            throw;
        }
        members.Clear();
        ClearIndex();
        MatchmakingShard.Splits.Add(1, new KeyValuePair<string, object?>("index", kind));
        await rows.RemoveAsync(Partition, old.Keys);
    }

    private Task HandOverAsync(IReadOnlyDictionary<string, TCard> handed) =>
        Task.WhenAll(handed.GroupBy(m => MatchmakingShard.Half(Key, m.Key))
            .Select(g => Grains.GetGrain<TShard>(g.Key).AdoptAsync(g.ToDictionary(m => m.Key, m => m.Value))));

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
