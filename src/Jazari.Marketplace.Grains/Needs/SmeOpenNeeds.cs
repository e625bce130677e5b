namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs of an SME that may be open: what the limit of open needs per SME counts, one per SME profile. A
/// publication takes its slot here before the need opens (<see cref="ReserveAsync"/>, atomic: this grain is the
/// count's only writer), is confirmed once open (<see cref="AddAsync"/>, also the need's follow-up of its publication)
/// or released when it fails; a slot left unconfirmed frees itself after <see cref="NeedSlots.ReservationTimeout"/>.
/// Needs no longer open are dropped when the count reaches the limit and the command checks them.
/// </summary>
public interface ISmeOpenNeedsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot to publish the draft <paramref name="needId"/>.</summary>
    Task<NeedSlot> ReserveAsync(string needId, int limit);
    Task AddAsync(string needId);
    Task ReleaseAsync(string needId);
    Task ForgetAsync(IReadOnlyCollection<string> needIds);
}

[GenerateSerializer, Alias("jazari.sme-open-needs-state")]
public sealed class SmeOpenNeedsState
{
    [Id(0)] public List<string> NeedIds { get; set; } = [];
    [Id(1)] public List<NeedSlotReservation> Reserved { get; set; } = [];
}

internal sealed class SmeOpenNeedsGrain(
    [PersistentState("sme-open-needs", "marketplace")] IPersistentState<SmeOpenNeedsState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISmeOpenNeedsGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // SMEs that published before this count existed: start from every need they own; the first check at the
        // limit drops the ones that are not open.
        if (!state.RecordExists)
            state.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    public async Task<NeedSlot> ReserveAsync(string needId, int limit)
    {
        // A draft being published is not open: counted already, it was a stale entry, not the same one again.
        var slot = NeedSlots.Reserve(state.State.NeedIds, state.State.Reserved, needId, limit, again: false, time.GetUtcNow());
        await state.SaveAsync();
        return slot;
    }

    public async Task AddAsync(string needId)
    {
        if (NeedSlots.Confirm(state.State.NeedIds, state.State.Reserved, needId) || !state.RecordExists) await state.SaveAsync();
    }

    public async Task ReleaseAsync(string needId)
    {
        if (state.State.Reserved.RemoveAll(r => r.NeedId == needId) > 0) await state.SaveAsync();
    }

    public async Task ForgetAsync(IReadOnlyCollection<string> needIds)
    {
        if (NeedSlots.Forget(state.State.NeedIds, state.State.Reserved, needIds) || !state.RecordExists) await state.SaveAsync();
    }
}
