using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>Where a payment, payout or dispute id (the key) belongs: its need and milestone. Written before the engagement names the id.</summary>
public interface IPaymentLookupGrain : IGrainWithStringKey
{
    Task SetAsync(PaymentTarget target);
    Task<PaymentTarget?> GetAsync();
}

[GenerateSerializer, Alias("jazari.payment-lookup-state")]
public sealed class PaymentLookupState
{
    [Id(0)] public PaymentTarget? Target { get; set; }
}

internal sealed class PaymentLookupGrain([PersistentState("payment-lookup", "marketplace")] IPersistentState<PaymentLookupState> state)
    : Grain, IPaymentLookupGrain
{
    public async Task SetAsync(PaymentTarget target)
    {
        if (state.State.Target == target) return;
        if (state.State.Target is not null) throw MarketplaceException.Conflict("This payment id already names another milestone.");
        state.State.Target = target;
        await state.SaveAsync();
    }

    public Task<PaymentTarget?> GetAsync() => Task.FromResult(state.State.Target);
}

/// <summary>
/// The payout orders waiting to be paid by bank (pending or held), at any national size: each order lives in a shard
/// (<see cref="IPayoutQueueShardGrain"/>) named by its creation day and a hash of its id, so a write touches one
/// small state; this grain (key <see cref="Key"/>) lists the shards that hold orders, and still holds the orders
/// stored before the queue was sharded (they leave as they are paid). Paid and declined orders leave the queue
/// (they stay in their engagement). Read and written through <see cref="PayoutQueue"/>.
/// </summary>
public interface IPayoutQueueGrain : IGrainWithStringKey
{
    public const string Key = "pending";
    Task RegisterShardAsync(string shard);
    Task UnregisterShardAsync(string shard);
    Task<IReadOnlyList<string>> ShardsAsync();
    /// <summary>The orders stored before sharding.</summary>
    Task<IReadOnlyList<PayoutOrder>> ListAsync();
    Task RemoveAsync(string payoutId);
    Task RenameBeneficiaryAsync(string beneficiaryId, string name);
}

[GenerateSerializer, Alias("jazari.payout-queue-state")]
public sealed class PayoutQueueState
{
    /// <summary>Orders stored before the queue was sharded; no more are added.</summary>
    [Id(0)] public List<PayoutOrder> Pending { get; set; } = [];
    /// <summary>The shards holding orders (a shard is listed before its first order is stored, and unlisted once empty).</summary>
    [Id(1)] public SortedSet<string> Shards { get; set; } = [];
}

internal sealed class PayoutQueueGrain([PersistentState("payout-queue", "marketplace")] IPersistentState<PayoutQueueState> state)
    : Grain, IPayoutQueueGrain
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

    public async Task RemoveAsync(string payoutId)
    {
        if (state.State.Pending.RemoveAll(p => p.Id == payoutId) > 0) await state.SaveAsync();
    }

    public async Task RenameBeneficiaryAsync(string beneficiaryId, string name)
    {
        if (PayoutQueueShardGrain.Rename(state.State.Pending, beneficiaryId, name)) await state.SaveAsync();
    }

    public Task<IReadOnlyList<PayoutOrder>> ListAsync() => Task.FromResult<IReadOnlyList<PayoutOrder>>([.. state.State.Pending]);
}

/// <summary>The waiting payout orders of one shard (key <c>yyyyMMdd-b</c>: the orders' creation day, UTC, and a bucket of their id).</summary>
public interface IPayoutQueueShardGrain : IGrainWithStringKey
{
    /// <summary>Stores the order, or its new status (held, then pending once released); the same order again changes nothing.</summary>
    Task PutAsync(PayoutOrder order);
    Task RemoveAsync(string payoutId);
    Task<IReadOnlyList<PayoutOrder>> ListAsync();
    Task RenameBeneficiaryAsync(string beneficiaryId, string name);
}

[GenerateSerializer, Alias("jazari.payout-queue-shard-state")]
public sealed class PayoutQueueShardState
{
    [Id(0)] public List<PayoutOrder> Orders { get; set; } = [];
}

internal sealed class PayoutQueueShardGrain(
    [PersistentState("payout-queue-shard", "marketplace")] IPersistentState<PayoutQueueShardState> state,
    IGrainFactory grains,
    ILogger<PayoutQueueShardGrain> logger) : Grain, IPayoutQueueShardGrain
{
    /// <summary>An order takes up to about 560 bytes (a 200-character Arabic name): a full shard stays under the 256 KiB a state may take.</summary>
    public const int MaxOrders = 400;

    private string Shard => this.GetPrimaryKeyString();

    public async Task PutAsync(PayoutOrder order)
    {
        var orders = state.State.Orders;
        var at = orders.FindIndex(p => p.Id == order.Id);
        if (at >= 0)
        {
            if (orders[at] == order || (orders[at].Status == order.Status && orders[at].BeneficiaryName == order.BeneficiaryName)) return;
            orders[at] = order;
            await state.SaveAsync();
            return;
        }
        if (orders.Count >= MaxOrders)
        {
            PayoutQueue.Refused.Add(1);
            logger.LogError("Payout queue shard {Shard} is full ({Count} orders): {PayoutId} refused", Shard, orders.Count, order.Id);
            throw new MarketplaceException(Problem.Conflict, $"Too many payout orders were created on {order.CreatedAt:yyyy-MM-dd} for the bank queue; pay some of them first.");
        }
        // Listed before it is stored: a crash in between leaves an empty shard listed (harmless), never an order unlisted.
        if (orders.Count == 0) await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).RegisterShardAsync(Shard);
        orders.Add(order);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string payoutId)
    {
        if (state.State.Orders.RemoveAll(p => p.Id == payoutId) == 0) return;
        await state.SaveAsync();
        if (state.State.Orders.Count == 0) await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).UnregisterShardAsync(Shard);
    }

    public Task<IReadOnlyList<PayoutOrder>> ListAsync() => Task.FromResult<IReadOnlyList<PayoutOrder>>([.. state.State.Orders]);

    public async Task RenameBeneficiaryAsync(string beneficiaryId, string name)
    {
        if (Rename(state.State.Orders, beneficiaryId, name)) await state.SaveAsync();
    }

    internal static bool Rename(List<PayoutOrder> orders, string beneficiaryId, string name)
    {
        var changed = false;
        for (var i = 0; i < orders.Count; i++)
        {
            if (orders[i].BeneficiaryId != beneficiaryId || orders[i].BeneficiaryName == name) continue;
            orders[i] = orders[i] with { BeneficiaryName = name };
            changed = true;
        }
        return changed;
    }
}

/// <summary>
/// The payout queue as one list: an order goes to the shard of its creation day and id's bucket (<see cref="Buckets"/>
/// a day, each at most <see cref="PayoutQueueShardGrain.MaxOrders"/>: about 38,000 orders created a day, with no
/// bound on the days); reading fans out to the listed shards, a few at a time.
/// </summary>
public static class PayoutQueue
{
    public const int Buckets = 96;

    /// <summary>Orders refused because their shard was full (the caller got a 409 with the reason).</summary>
    public static readonly System.Diagnostics.Metrics.Counter<long> Refused =
        new System.Diagnostics.Metrics.Meter("Jazari.Marketplace.Payouts").CreateCounter<long>("jazari.payout_queue.refused");

    public static string ShardOf(PayoutOrder order)
    {
        var hash = 2166136261u; // FNV-1a: the same on every host and run
        foreach (var c in order.Id) hash = (hash ^ c) * 16777619u;
        return $"{order.CreatedAt.UtcDateTime:yyyyMMdd}-{hash % Buckets:00}";
    }

    public static Task PutAsync(IGrainFactory grains, PayoutOrder order) => grains.GetGrain<IPayoutQueueShardGrain>(ShardOf(order)).PutAsync(order);

    public static async Task RemoveAsync(IGrainFactory grains, PayoutOrder order)
    {
        await grains.GetGrain<IPayoutQueueShardGrain>(ShardOf(order)).RemoveAsync(order.Id);
        await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).RemoveAsync(order.Id);
    }

    /// <summary>Every waiting order, oldest first.</summary>
    public static async Task<List<PayoutOrder>> ListAsync(IGrainFactory grains)
    {
        var queue = grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key);
        var all = new List<PayoutOrder>(await queue.ListAsync());
        foreach (var batch in (await queue.ShardsAsync()).Chunk(16))
            foreach (var orders in await Task.WhenAll(batch.Select(s => grains.GetGrain<IPayoutQueueShardGrain>(s).ListAsync())))
                all.AddRange(orders);
        return [.. all.DistinctBy(p => p.Id).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)];
    }

    public static async Task RenameBeneficiaryAsync(IGrainFactory grains, string beneficiaryId, string name)
    {
        var queue = grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key);
        await queue.RenameBeneficiaryAsync(beneficiaryId, name);
        foreach (var shard in await queue.ShardsAsync())
            await grains.GetGrain<IPayoutQueueShardGrain>(shard).RenameBeneficiaryAsync(beneficiaryId, name);
    }
}

/// <summary>A startup's account at the card processor for payouts (a Stripe Connect account), keyed by startup id.</summary>
public interface IPayoutAccountGrain : IGrainWithStringKey
{
    Task<PayoutAccount?> GetAsync();
    /// <summary>Records the account created for the startup; the first one stays.</summary>
    Task<PayoutAccount> SetAccountAsync(string externalAccountId);
    /// <summary>The processor says whether payouts are enabled, as of <paramref name="asOf"/>: an older report than the last one applied changes nothing.</summary>
    Task<PayoutAccount?> UpdateAsync(string externalAccountId, bool payoutsEnabled, DateTimeOffset asOf);
    /// <summary>A release of this need waits for payouts to be enabled (kept until <see cref="DoneWaitingAsync"/>; at most
    /// <see cref="PayoutAccountGrain.MaxWaiting"/>, the oldest dropped first: the sweep and the engagement's activation still raise it).</summary>
    Task WaitAsync(string needId);
    /// <summary>The needs whose releases wait for payouts to be enabled.</summary>
    Task<IReadOnlyList<string>> WaitingAsync();
    /// <summary>The need's release was transferred: it waits no more.</summary>
    Task DoneWaitingAsync(string needId);
}

[GenerateSerializer, Alias("jazari.payout-account")]
public sealed record PayoutAccount(
    [property: Id(0)] string ExternalAccountId,
    [property: Id(1)] bool PayoutsEnabled,
    [property: Id(2)] DateTimeOffset? UpdatedAsOf);

[GenerateSerializer, Alias("jazari.payout-account-state")]
public sealed class PayoutAccountState
{
    [Id(0)] public PayoutAccount? Account { get; set; }
    [Id(1)] public List<string> WaitingNeeds { get; set; } = [];
}

internal sealed class PayoutAccountGrain([PersistentState("payout-account", "marketplace")] IPersistentState<PayoutAccountState> state)
    : Grain, IPayoutAccountGrain
{
    public const int MaxWaiting = 64;

    public Task<PayoutAccount?> GetAsync() => Task.FromResult(state.State.Account);

    public async Task<PayoutAccount> SetAccountAsync(string externalAccountId)
    {
        if (state.State.Account is { } known) return known;
        state.State.Account = new PayoutAccount(externalAccountId, false, null);
        await state.SaveAsync();
        return state.State.Account;
    }

    public async Task<PayoutAccount?> UpdateAsync(string externalAccountId, bool payoutsEnabled, DateTimeOffset asOf)
    {
        var known = state.State.Account;
        if (known is not null && known.ExternalAccountId != externalAccountId) return known;
        if (known?.UpdatedAsOf is { } last && last > asOf) return known;
        if (known is not null && known.PayoutsEnabled == payoutsEnabled && known.UpdatedAsOf == asOf) return known;
        state.State.Account = new PayoutAccount(externalAccountId, payoutsEnabled, asOf);
        await state.SaveAsync();
        return state.State.Account;
    }

    public async Task WaitAsync(string needId)
    {
        var waiting = state.State.WaitingNeeds ??= [];
        if (waiting.Contains(needId)) return;
        if (waiting.Count >= MaxWaiting) waiting.RemoveAt(0);
        waiting.Add(needId);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> WaitingAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.WaitingNeeds ?? []]);

    public async Task DoneWaitingAsync(string needId)
    {
        if (state.State.WaitingNeeds?.Remove(needId) == true) await state.SaveAsync();
    }
}

/// <summary>A processor event (keyed by its id) already applied: a redelivered event is recognised and applied once.</summary>
public interface IProcessedEventGrain : IGrainWithStringKey
{
    Task<bool> IsDoneAsync();
    Task MarkDoneAsync();
    /// <summary>Marks it done and answers true the first time only: of two calls at once, exactly one gets true.</summary>
    Task<bool> ClaimAsync();
}

[GenerateSerializer, Alias("jazari.processed-event-state")]
public sealed class ProcessedEventState
{
    [Id(0)] public DateTimeOffset? DoneAt { get; set; }
}

internal sealed class ProcessedEventGrain(
    [PersistentState("processed-event", "marketplace")] IPersistentState<ProcessedEventState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IProcessedEventGrain
{
    public Task<bool> IsDoneAsync() => Task.FromResult(state.State.DoneAt is not null);

    public Task MarkDoneAsync() => ClaimAsync();

    public async Task<bool> ClaimAsync()
    {
        if (state.State.DoneAt is not null) return false;
        state.State.DoneAt = time.GetUtcNow();
        await state.SaveAsync();
        return true;
    }
}
