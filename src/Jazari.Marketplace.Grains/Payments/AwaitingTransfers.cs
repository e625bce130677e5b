using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>A bank transfer the marketplace waits for: an SME chose to fund a milestone by transfer, and no admin has
/// confirmed it yet. Titles are cut to <see cref="AwaitingTransfers.TitleLength"/> characters (a bounded shard).</summary>
[GenerateSerializer, Alias("jazari.awaiting-transfer")]
public sealed record AwaitingTransfer(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Index,
    [property: Id(3)] string Title,
    [property: Id(4)] string Milestone,
    [property: Id(5)] string SmeId,
    [property: Id(6)] long AmountMinor,
    [property: Id(7)] string Currency,
    [property: Id(8)] DateTimeOffset RequestedAt);

/// <summary>
/// The awaited transfers of one shard (key <c>yyyyMMdd-b</c>: the day the SME asked to pay, UTC, and a bucket of the
/// payment id), as the payout queue shards its orders: a write touches one small state, and any number of transfers
/// fit (<see cref="AwaitingTransfers.Buckets"/> shards a day). The registry (<see cref="IAwaitingTransfersGrain"/>)
/// lists the shards that hold some.
/// </summary>
public interface IAwaitingTransfersShardGrain : IGrainWithStringKey
{
    /// <summary>Stores the transfer (again: changes nothing).</summary>
    Task PutAsync(AwaitingTransfer transfer);
    Task RemoveAsync(string paymentId);
    Task<IReadOnlyList<AwaitingTransfer>> ListAsync();
}

/// <summary>The shards holding awaited transfers (key <see cref="Key"/>).</summary>
public interface IAwaitingTransfersGrain : IGrainWithStringKey
{
    public const string Key = "awaiting";
    Task RegisterShardAsync(string shard);
    Task UnregisterShardAsync(string shard);
    Task<IReadOnlyList<string>> ShardsAsync();
}

[GenerateSerializer, Alias("jazari.awaiting-transfers-shard-state")]
public sealed class AwaitingTransfersShardState
{
    [Id(0)] public List<AwaitingTransfer> Transfers { get; set; } = [];
}

[GenerateSerializer, Alias("jazari.awaiting-transfers-state")]
public sealed class AwaitingTransfersState
{
    [Id(0)] public SortedSet<string> Shards { get; set; } = [];
}

internal sealed class AwaitingTransfersGrain([PersistentState("awaiting-transfers", "marketplace")] IPersistentState<AwaitingTransfersState> state)
    : Grain, IAwaitingTransfersGrain
{
    public async Task RegisterShardAsync(string shard)
    {
        if (state.State.Shards.Add(shard)) await state.SaveAsync();
    }

    public async Task UnregisterShardAsync(string shard)
    {
        if (state.State.Shards.Remove(shard)) await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ShardsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Shards]);
}

internal sealed class AwaitingTransfersShardGrain(
    [PersistentState("awaiting-transfers-shard", "marketplace")] IPersistentState<AwaitingTransfersShardState> state,
    IGrainFactory grains,
    ILogger<AwaitingTransfersShardGrain> logger) : Grain, IAwaitingTransfersShardGrain
{
    /// <summary>A transfer takes up to about 800 bytes (two 120-character Arabic titles): a full shard stays under the 256 KiB a state may take.</summary>
    public const int MaxTransfers = 250;

    public async Task PutAsync(AwaitingTransfer transfer)
    {
        var transfers = state.State.Transfers;
        if (transfers.Any(t => t.PaymentId == transfer.PaymentId)) return;
        if (transfers.Count >= MaxTransfers)
        {
            // Only the admins' list misses it: the transfer is still confirmed by its reference when it arrives.
            logger.LogError("Awaiting transfers shard {Shard} is full: {PaymentId} not listed", this.GetPrimaryKeyString(), transfer.PaymentId);
            return;
        }
        // Listed before it is stored: a crash in between leaves an empty shard listed (harmless), never a transfer unlisted.
        if (transfers.Count == 0) await grains.GetGrain<IAwaitingTransfersGrain>(IAwaitingTransfersGrain.Key).RegisterShardAsync(this.GetPrimaryKeyString());
        transfers.Add(transfer);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string paymentId)
    {
        if (state.State.Transfers.RemoveAll(t => t.PaymentId == paymentId) == 0) return;
        await state.SaveAsync();
        if (state.State.Transfers.Count == 0)
            await grains.GetGrain<IAwaitingTransfersGrain>(IAwaitingTransfersGrain.Key).UnregisterShardAsync(this.GetPrimaryKeyString());
    }

    public Task<IReadOnlyList<AwaitingTransfer>> ListAsync() => Task.FromResult<IReadOnlyList<AwaitingTransfer>>([.. state.State.Transfers]);
}

/// <summary>The awaited bank transfers as one list, kept by the engagements' follow-ups (<c>SyncAsync</c>).</summary>
public static class AwaitingTransfers
{
    public const int Buckets = 32;
    public const int TitleLength = 120;

    /// <summary>The shard of a transfer asked on <paramref name="requestedAt"/>: the same for its listing and its removal.</summary>
    public static string ShardOf(string paymentId, DateTimeOffset requestedAt)
    {
        var hash = 2166136261u; // FNV-1a: the same on every host and run
        foreach (var c in paymentId) hash = (hash ^ c) * 16777619u;
        return $"{requestedAt.UtcDateTime:yyyyMMdd}-{hash % Buckets:00}";
    }

    public static Task PutAsync(IGrainFactory grains, AwaitingTransfer transfer) =>
        grains.GetGrain<IAwaitingTransfersShardGrain>(ShardOf(transfer.PaymentId, transfer.RequestedAt)).PutAsync(transfer);

    public static Task RemoveAsync(IGrainFactory grains, string paymentId, DateTimeOffset requestedAt) =>
        grains.GetGrain<IAwaitingTransfersShardGrain>(ShardOf(paymentId, requestedAt)).RemoveAsync(paymentId);

    /// <summary>Every awaited transfer, the oldest first.</summary>
    public static async Task<List<AwaitingTransfer>> ListAsync(IGrainFactory grains)
    {
        var all = new List<AwaitingTransfer>();
        foreach (var batch in (await grains.GetGrain<IAwaitingTransfersGrain>(IAwaitingTransfersGrain.Key).ShardsAsync()).Chunk(16))
            foreach (var transfers in await Task.WhenAll(batch.Select(s => grains.GetGrain<IAwaitingTransfersShardGrain>(s).ListAsync())))
                all.AddRange(transfers);
        return [.. all.OrderBy(t => t.RequestedAt).ThenBy(t => t.PaymentId)];
    }

    public static string Cut(string text) => Texts.Cut(text, TitleLength);
}
