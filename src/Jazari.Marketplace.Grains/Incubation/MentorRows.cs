using Azure.Data.Tables;

namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>
/// The mentor directory, one row per mentor in the <see cref="Table"/> table (partition: the directory's key, row: the
/// mentor, <c>Assigned</c>: how many startups the mentor follows): a new mentor or a new assignment writes one small row
/// however many mentors the network has, and the directory reads them by one range query when it is activated.
/// Registered by the host.
/// </summary>
public sealed class MentorRows(TableServiceClient tables)
{
    public const string Table = "mentordirectory";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    public async Task PutAsync(string directory, MentorLoad mentor) =>
        await (await table.Value).UpsertEntityAsync(Row(directory, mentor), TableUpdateMode.Replace);

    /// <summary>Writes many mentors, a hundred a transaction (the list the directory stored before mentors were rows).</summary>
    public async Task PutAsync(string directory, IEnumerable<MentorLoad> mentors)
    {
        var client = await table.Value;
        foreach (var batch in mentors.DistinctBy(m => m.MentorId).Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(directory, m))));
    }

    public async Task<List<MentorLoad>> ListAsync(string directory)
    {
        var mentors = new List<MentorLoad>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {directory}");
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "Assigned"]))
            mentors.Add(new MentorLoad(row.RowKey, row.GetInt32("Assigned") ?? 0));
        return mentors;
    }

    private static TableEntity Row(string directory, MentorLoad mentor) => new(directory, mentor.MentorId) { ["Assigned"] = mentor.Assigned };
}
