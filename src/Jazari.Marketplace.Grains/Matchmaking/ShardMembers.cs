using Azure;
using Azure.Data.Tables;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>
/// The members of the matchmaking shards, one row each in the <see cref="Table"/> table (partition: the index and
/// the shard, row: the member): joining a shard writes one small row, however many members it has, and a shard
/// reads its members by one range query when it is activated. Registered by the host.
/// </summary>
public sealed class ShardMembers(TableServiceClient tables)
{
    public const string Table = "matchshards";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    public async Task AddAsync(string shard, string id) =>
        await (await table.Value).UpsertEntityAsync(new TableEntity(shard, id), TableUpdateMode.Replace);

    public async Task RemoveAsync(string shard, string id) =>
        await (await table.Value).DeleteEntityAsync(shard, id, ETag.All);

    /// <summary>Writes many members of one shard, a hundred a transaction.</summary>
    public async Task AddAsync(string shard, IEnumerable<string> ids)
    {
        var client = await table.Value;
        foreach (var batch in ids.Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(shard, id))));
    }

    public async Task RemoveAsync(string shard, IEnumerable<string> ids)
    {
        var client = await table.Value;
        foreach (var batch in ids.Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(id => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(shard, id), ETag.All)));
    }

    public async Task<List<string>> ListAsync(string shard)
    {
        var members = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard}");
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"]))
            members.Add(row.RowKey);
        return members;
    }
}
