namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs of an SME that may be open: what the limit of open needs per SME counts, one per SME profile. A
/// publication takes its slot here before the need opens (<see cref="ReserveAsync"/>, atomic: this grain is the
/// count's only writer; in memory, see <see cref="CountedNeedsGrain{TState}"/>), is counted once the need is open
/// (<see cref="ConfirmAsync"/>) and stored by the publication's follow-up (<see cref="AddAsync"/>), or released when
/// the publication fails; a slot left unconfirmed frees itself after <see cref="NeedSlots.ReservationTimeout"/>.
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
    [FromKeyedServices(Clock.Key)] TimeProvider time) : CountedNeedsGrain<SmeOpenNeedsState>(state, time, again: false), ISmeOpenNeedsGrain
{
    // A draft being published is not open: counted already, it was a stale entry, not the same one again (again: false).
    protected override List<string> Counted => State.State.NeedIds;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // SMEs that published before this count existed: start from every need they own; the first check at the
        // limit drops the ones that are not open.
        if (!State.RecordExists)
            State.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }
}
