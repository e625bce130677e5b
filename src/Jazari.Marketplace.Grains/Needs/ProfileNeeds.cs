using Azure.Data.Tables;

namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs one profile is involved in, newest first: the needs an SME posted, or the needs a startup bid on.
/// Keyed by the SME's or the startup's id; the need grain adds to it, the pages list it ("my needs", "my bids").
/// Each need is one row of <see cref="ProfileNeedRows"/>, so adding one writes one small row and none drops off;
/// the grain keeps the profile's rows in memory, sorted, read by one range query when it is activated.
/// </summary>
public interface IProfileNeedsGrain : IGrainWithStringKey
{
    /// <summary>Puts the need at the top (again, when it is already listed).</summary>
    Task AddAsync(string needId);
    Task<IReadOnlyList<string>> ListAsync(int take);
    /// <summary>Need ids, newest first, from <paramref name="skip"/> (a method of its own: hosts of the version before keep calling ListAsync).</summary>
    Task<IReadOnlyList<string>> PageAsync(int skip, int take);
}

/// <summary>
/// The list the grain stored before needs became rows (at most 500, newest first). Read once on activation, written
/// as rows, then cleared; nothing writes it any more.
/// </summary>
[GenerateSerializer, Alias("jazari.profile-needs-state")]
public sealed class ProfileNeedsState
{
    /// <summary>Need ids, newest first.</summary>
    [Id(0)] public List<string> NeedIds { get; set; } = [];
}

/// <summary>
/// One row per need of a profile in the <see cref="Table"/> table (partition: the profile, row: the need, <c>Order</c>:
/// its place, higher is newer). Registered by the host.
/// </summary>
public sealed class ProfileNeedRows(TableServiceClient tables)
{
    public const string Table = "profileneeds";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    public async Task PutAsync(string profileId, string needId, long order) =>
        await (await table.Value).UpsertEntityAsync(Row(profileId, needId, order), TableUpdateMode.Replace);

    /// <summary>Writes many needs of one profile, a hundred a transaction.</summary>
    public async Task PutAsync(string profileId, IEnumerable<(string NeedId, long Order)> needs)
    {
        var client = await table.Value;
        foreach (var batch in needs.DistinctBy(n => n.NeedId).Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(n => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(profileId, n.NeedId, n.Order))));
    }

    public async Task<List<(string NeedId, long Order)>> ListAsync(string profileId)
    {
        var needs = new List<(string, long)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {profileId}");
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "Order"]))
            needs.Add((row.RowKey, row.GetInt64("Order") ?? 0));
        return needs;
    }

    private static TableEntity Row(string profileId, string needId, long order) => new(profileId, needId) { ["Order"] = order };
}

internal sealed class ProfileNeedsGrain(
    [PersistentState("profile-needs", "marketplace")] IPersistentState<ProfileNeedsState> legacy,
    ProfileNeedRows rows) : Grain, IProfileNeedsGrain
{
    private readonly Dictionary<string, long> orderOf = [];
    private readonly SortedSet<(long Order, string NeedId)> newestFirst =
        new(Comparer<(long Order, string NeedId)>.Create((a, b) => a.Order != b.Order ? b.Order.CompareTo(a.Order) : string.CompareOrdinal(a.NeedId, b.NeedId)));

    private string ProfileId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        var stored = legacy.State.NeedIds;
        if (stored.Count > 0)
        {
            await rows.PutAsync(ProfileId, stored.Select((id, i) => (id, (long)(stored.Count - i))));
            await legacy.ClearStateAsync();
        }
        foreach (var (needId, order) in await rows.ListAsync(ProfileId)) Remember(needId, order);
    }

    public async Task AddAsync(string needId)
    {
        if (newestFirst.Count > 0 && newestFirst.Min.NeedId == needId) return;
        var order = newestFirst.Count == 0 ? 1 : newestFirst.Min.Order + 1;
        await rows.PutAsync(ProfileId, needId, order);
        Remember(needId, order);
    }

    public Task<IReadOnlyList<string>> ListAsync(int take) => PageAsync(0, take);

    public Task<IReadOnlyList<string>> PageAsync(int skip, int take) =>
        Task.FromResult<IReadOnlyList<string>>([.. newestFirst.Skip(Math.Max(0, skip)).Take(Math.Max(0, take)).Select(n => n.NeedId)]);

    private void Remember(string needId, long order)
    {
        if (orderOf.Remove(needId, out var was)) newestFirst.Remove((was, needId));
        orderOf[needId] = order;
        newestFirst.Add((order, needId));
    }
}
