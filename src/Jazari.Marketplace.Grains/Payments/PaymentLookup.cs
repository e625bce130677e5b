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
/// The payout orders waiting for an admin to pay them by bank (one grain, key <see cref="Key"/>): an admin's work
/// list and the bank file. Paid orders leave the list (they stay in their engagement).
/// </summary>
public interface IPayoutQueueGrain : IGrainWithStringKey
{
    public const string Key = "pending";
    Task AddAsync(PayoutOrder order);
    Task RemoveAsync(string payoutId);
    Task<IReadOnlyList<PayoutOrder>> ListAsync();
    /// <summary>Erasure: the waiting orders of that beneficiary carry its pseudonym.</summary>
    Task RenameBeneficiaryAsync(string beneficiaryId, string name);
}

[GenerateSerializer, Alias("jazari.payout-queue-state")]
public sealed class PayoutQueueState
{
    [Id(0)] public List<PayoutOrder> Pending { get; set; } = [];
}

internal sealed class PayoutQueueGrain([PersistentState("payout-queue", "marketplace")] IPersistentState<PayoutQueueState> state)
    : Grain, IPayoutQueueGrain
{
    public const int MaxPending = 1000;

    public async Task AddAsync(PayoutOrder order)
    {
        if (state.State.Pending.Any(p => p.Id == order.Id)) return;
        if (state.State.Pending.Count >= MaxPending)
            throw MarketplaceException.Conflict($"{MaxPending} payout orders are waiting; pay some before more are released.");
        state.State.Pending.Add(order);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string payoutId)
    {
        if (state.State.Pending.RemoveAll(p => p.Id == payoutId) > 0) await state.SaveAsync();
    }

    public async Task RenameBeneficiaryAsync(string beneficiaryId, string name)
    {
        var pending = state.State.Pending;
        var changed = false;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].BeneficiaryId != beneficiaryId || pending[i].BeneficiaryName == name) continue;
            pending[i] = pending[i] with { BeneficiaryName = name };
            changed = true;
        }
        if (changed) await state.SaveAsync();
    }

    public Task<IReadOnlyList<PayoutOrder>> ListAsync() => Task.FromResult<IReadOnlyList<PayoutOrder>>([.. state.State.Pending]);
}

/// <summary>A startup's account at the card processor for payouts (a Stripe Connect account), keyed by startup id.</summary>
public interface IPayoutAccountGrain : IGrainWithStringKey
{
    Task<PayoutAccount?> GetAsync();
    /// <summary>Records the account created for the startup; the first one stays.</summary>
    Task<PayoutAccount> SetAccountAsync(string externalAccountId);
    /// <summary>The processor says whether payouts are enabled, as of <paramref name="asOf"/>: an older report than the last one applied changes nothing.</summary>
    Task<PayoutAccount?> UpdateAsync(string externalAccountId, bool payoutsEnabled, DateTimeOffset asOf);
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
}

internal sealed class PayoutAccountGrain([PersistentState("payout-account", "marketplace")] IPersistentState<PayoutAccountState> state)
    : Grain, IPayoutAccountGrain
{
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
}

/// <summary>A processor event (keyed by its id) already applied: a redelivered event is recognised and applied once.</summary>
public interface IProcessedEventGrain : IGrainWithStringKey
{
    Task<bool> IsDoneAsync();
    Task MarkDoneAsync();
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

    public async Task MarkDoneAsync()
    {
        if (state.State.DoneAt is not null) return;
        state.State.DoneAt = time.GetUtcNow();
        await state.SaveAsync();
    }
}
