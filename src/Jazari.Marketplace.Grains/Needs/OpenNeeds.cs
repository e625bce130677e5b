using Azure;
using Azure.Data.Tables;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The open needs of one category, newest first, for startups to browse. Each open need is one row of
/// the <see cref="OpenNeedRows.Table"/> table (partition: the category, row: the need), so publishing
/// writes one small row whatever the number of open needs, and nothing caps a category. The grain keeps
/// the category's rows in memory, sorted, read by one range query when it is activated, so page 1 and
/// page 50 are answered without storage.
/// </summary>
public interface IOpenNeedsGrain : IGrainWithStringKey
{
    Task AddAsync(OpenNeed need);
    Task RemoveAsync(string needId);
    /// <summary>Open needs (newest first) in the region, or all regions, from <paramref name="skip"/>, and how many match.</summary>
    Task<OpenNeedsPage> ListAsync(string? region, int skip, int take);
    /// <summary>
    /// Open needs (newest first) in the region, or all regions, that come after <paramref name="after"/> in that order
    /// (a need still open or not): the next page whatever was published or closed since the last one.
    /// </summary>
    Task<OpenNeedsPage> ListAfterAsync(string? region, OpenNeed after, int take);
}

[GenerateSerializer, Alias("jazari.open-need")]
public sealed record OpenNeed(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string Region,
    [property: Id(2)] DateTimeOffset PublishedAt);

[GenerateSerializer, Alias("jazari.open-needs-page")]
public sealed record OpenNeedsPage([property: Id(0)] IReadOnlyList<OpenNeed> Needs, [property: Id(1)] int Total);

/// <summary>
/// The list the grain stored before open needs became rows (at most 2,000 entries). Read once on activation,
/// written as rows, then cleared; nothing writes it any more.
/// </summary>
[GenerateSerializer, Alias("jazari.open-needs-state")]
public sealed class OpenNeedsState
{
    [Id(0)] public List<OpenNeed> Needs { get; set; } = [];
}

/// <summary>The table holding one row per open need; registered by the host (a <see cref="TableServiceClient"/>).</summary>
public sealed class OpenNeedRows(TableServiceClient tables)
{
    public const string Table = "openneeds";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    public Task<TableClient> ClientAsync() => table.Value;

    public static TableEntity Row(string category, OpenNeed need) => new(category, need.NeedId)
    {
        ["Region"] = need.Region,
        ["PublishedAt"] = need.PublishedAt,
    };

    public static OpenNeed Need(TableEntity row) =>
        new(row.RowKey, row.GetString("Region") ?? "", row.GetDateTimeOffset("PublishedAt") ?? DateTimeOffset.MinValue);
}

[Reentrant] // publishes of different needs run side by side: each writes its own row, then the sorted view
internal sealed class OpenNeedsGrain(
    [PersistentState("open-needs", "marketplace")] IPersistentState<OpenNeedsState> legacy,
    OpenNeedRows rows) : Grain, IOpenNeedsGrain
{
    private static readonly Comparer<OpenNeed> NewestFirst = Comparer<OpenNeed>.Create((a, b) =>
    {
        var byTime = b.PublishedAt.CompareTo(a.PublishedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.NeedId, b.NeedId);
    });

    private readonly SortedSet<OpenNeed> sorted = new(NewestFirst);
    private readonly Dictionary<string, OpenNeed> byId = [];
    private readonly Dictionary<string, int> perRegion = [];

    private string Category => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        var table = await rows.ClientAsync();
        if (legacy.State.Needs.Count > 0)
        {
            foreach (var batch in legacy.State.Needs.Chunk(100))
                await table.SubmitTransactionAsync(batch.Select(n => new TableTransactionAction(TableTransactionActionType.UpsertReplace, OpenNeedRows.Row(Category, n))), cancellation);
            await legacy.ClearStateAsync();
        }
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Category}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "Region", "PublishedAt"], cancellationToken: cancellation))
            Remember(OpenNeedRows.Need(row));
    }

    public async Task AddAsync(OpenNeed need)
    {
        if (byId.TryGetValue(need.NeedId, out var known) && known == need) return;
        await (await rows.ClientAsync()).UpsertEntityAsync(OpenNeedRows.Row(Category, need), TableUpdateMode.Replace);
        Forget(need.NeedId);
        Remember(need);
    }

    public async Task RemoveAsync(string needId)
    {
        if (!byId.ContainsKey(needId)) return;
        await (await rows.ClientAsync()).DeleteEntityAsync(Category, needId, ETag.All);
        Forget(needId);
    }

    public Task<OpenNeedsPage> ListAsync(string? region, int skip, int take)
    {
        var matching = region is null ? sorted : sorted.Where(n => n.Region == region);
        var total = region is null ? sorted.Count : perRegion.GetValueOrDefault(region);
        return Task.FromResult(new OpenNeedsPage([.. matching.Skip(Math.Max(0, skip)).Take(Math.Max(0, take))], total));
    }

    public Task<OpenNeedsPage> ListAfterAsync(string? region, OpenNeed after, int take)
    {
        IEnumerable<OpenNeed> later = sorted.Count == 0 || NewestFirst.Compare(after, sorted.Max) >= 0 ? []
            : sorted.GetViewBetween(after, sorted.Max).Where(n => NewestFirst.Compare(n, after) > 0);
        if (region is not null) later = later.Where(n => n.Region == region);
        var total = region is null ? sorted.Count : perRegion.GetValueOrDefault(region);
        return Task.FromResult(new OpenNeedsPage([.. later.Take(Math.Max(0, take))], total));
    }

    private void Remember(OpenNeed need)
    {
        byId[need.NeedId] = need;
        sorted.Add(need);
        perRegion[need.Region] = perRegion.GetValueOrDefault(need.Region) + 1;
    }

    private void Forget(string needId)
    {
        if (!byId.Remove(needId, out var old)) return;
        sorted.Remove(old);
        perRegion[old.Region]--;
    }
}
