using Azure.Data.Tables;

namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>
/// Where each account's data lives (needs owned or bid on, cohorts applied to), one row each in the <see cref="Table"/>
/// table (partition: the account, row: <c>need:{id}</c> or <c>cohort:{id}</c>): taking part in one more writes one small
/// row however many an account has, and export and erasure read them by one range query. Registered by the host.
/// </summary>
public sealed class PlaceRows(TableServiceClient tables)
{
    public const string Table = "accountplaces";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    public async Task AddAsync(string accountId, PartyOf kind, string id) =>
        await (await table.Value).UpsertEntityAsync(new TableEntity(accountId, RowKey(kind, id)), TableUpdateMode.Replace);

    /// <summary>Writes many places of one account, a hundred a transaction (the list an account stored before places were rows).</summary>
    public async Task AddAsync(string accountId, PartyOf kind, IEnumerable<string> ids)
    {
        var client = await table.Value;
        foreach (var batch in ids.Distinct().Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(id =>
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(accountId, RowKey(kind, id)))));
    }

    public async Task<AccountPlaces> ListAsync(string accountId)
    {
        var needs = new List<string>();
        var cohorts = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId}");
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"]))
        {
            if (row.RowKey.StartsWith(NeedPrefix, StringComparison.Ordinal)) needs.Add(row.RowKey[NeedPrefix.Length..]);
            else if (row.RowKey.StartsWith(CohortPrefix, StringComparison.Ordinal)) cohorts.Add(row.RowKey[CohortPrefix.Length..]);
        }
        return new AccountPlaces(needs, cohorts);
    }

    private const string NeedPrefix = "need:", CohortPrefix = "cohort:";

    private static string RowKey(PartyOf kind, string id) => (kind == PartyOf.Need ? NeedPrefix : CohortPrefix) + id;
}
