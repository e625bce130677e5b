using Azure.Data.Tables;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The operations a programme, and each SME in it, has done, one row each in the <see cref="Table"/> table (partition:
/// the programme id, or <c>{programmeId}.{smeId}</c> for an SME's share; row: the operation id, <c>AmountMinor</c>: the
/// answer it got). Every operation is remembered for good, so an operation repeated however late moves money once,
/// and a reservation writes one small row whatever the number before it. Registered by the host.
/// </summary>
public sealed class ProgrammeOperationRows(TableServiceClient tables)
{
    public const string Table = "programmeoperations";
    private readonly Lazy<Task<TableClient>> table = new(async () =>
    {
        var client = tables.GetTableClient(Table);
        await client.CreateIfNotExistsAsync();
        return client;
    });

    /// <summary>The partition of a grain's operations: a grain key with a slash (programme/SME) takes a dot, which ids never hold.</summary>
    public static string Partition(string grainKey) => grainKey.Replace('/', '.');

    public async Task PutAsync(string partition, ProgrammeOperation operation) =>
        await (await table.Value).UpsertEntityAsync(Row(partition, operation), TableUpdateMode.Replace);

    /// <summary>Writes many operations, a hundred a transaction (the list a grain stored before operations were rows).</summary>
    public async Task PutAsync(string partition, IEnumerable<ProgrammeOperation> operations)
    {
        var client = await table.Value;
        foreach (var batch in operations.DistinctBy(o => o.OperationId).Chunk(100))
            await client.SubmitTransactionAsync(batch.Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(partition, o))));
    }

    /// <summary>The operation as first answered, or null when it was never done: one point read.</summary>
    public async Task<ProgrammeOperation?> FindAsync(string partition, string operationId)
    {
        var row = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(partition, operationId, ["AmountMinor"]);
        return row.HasValue && row.Value is { } found ? new ProgrammeOperation(operationId, found.GetInt64("AmountMinor") ?? 0) : null;
    }

    private static TableEntity Row(string partition, ProgrammeOperation operation) =>
        new(partition, operation.OperationId) { ["AmountMinor"] = operation.AmountMinor };
}
