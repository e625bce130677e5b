namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs of an SME that may be open: what the limit of open needs per SME counts, one per SME profile. A
/// publication takes its slot here before the need opens (<see cref="ReserveAsync"/>, atomic: this grain is the
/// count's only writer; held in memory, as <see cref="ILiveBidsGrain"/> does), is confirmed by the need's follow-up of
/// its publication (<see cref="AddAsync"/>, stored) or released when it fails; a slot left unconfirmed frees itself
/// after <see cref="NeedSlots.ReservationTimeout"/>.
/// Needs no longer open are dropped when the count reaches the limit and the command checks them.
/// </summary>
public interface ISmeOpenNeedsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot to publish the draft <paramref name="needId"/>.</summary>
    Task<NeedSlot> ReserveAsync(string needId, int limit);
    /// <summary>Counts the need in memory once it is open (the request); its follow-up stores it (<see cref="AddAsync"/>).</summary>
    Task ConfirmAsync(string needId);
    Task AddAsync(string needId);
    Task ReleaseAsync(string needId);
    Task ForgetAsync(IReadOnlyCollection<string> needIds);
}

[GenerateSerializer, Alias("jazari.sme-open-needs-state")]
public sealed class SmeOpenNeedsState
{
    [Id(0)] public List<string> NeedIds { get; set; } = [];
}

internal sealed class SmeOpenNeedsGrain(
    [PersistentState("sme-open-needs", "marketplace")] IPersistentState<SmeOpenNeedsState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISmeOpenNeedsGrain
{
    private readonly List<NeedSlotReservation> reserved = [];
    /// <summary>Needs counted by <see cref="ConfirmAsync"/> and not yet stored.</summary>
    private bool unsaved;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // SMEs that published before this count existed: start from every need they own; the first check at the
        // limit drops the ones that are not open.
        if (!state.RecordExists)
            state.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    // A draft being published is not open: counted already, it was a stale entry, not the same one again.
    public Task<NeedSlot> ReserveAsync(string needId, int limit) =>
        Task.FromResult(NeedSlots.Reserve(state.State.NeedIds, reserved, needId, limit, again: false, time.GetUtcNow()));

    public Task ConfirmAsync(string needId)
    {
        if (NeedSlots.Confirm(state.State.NeedIds, reserved, needId)) unsaved = true;
        return Task.CompletedTask;
    }

    public async Task AddAsync(string needId)
    {
        if (NeedSlots.Confirm(state.State.NeedIds, reserved, needId) | unsaved || !state.RecordExists) await SaveAsync();
    }

    public Task ReleaseAsync(string needId)
    {
        reserved.RemoveAll(r => r.NeedId == needId);
        return Task.CompletedTask;
    }

    public async Task ForgetAsync(IReadOnlyCollection<string> needIds)
    {
        if (NeedSlots.Forget(state.State.NeedIds, reserved, needIds) | unsaved || !state.RecordExists) await SaveAsync();
    }

    private async Task SaveAsync()
    {
        await state.SaveAsync();
        unsaved = false;
    }
}
