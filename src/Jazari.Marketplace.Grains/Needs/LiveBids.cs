namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs a startup has bid on that may still hold its live bid: what the limit of live bids per startup counts,
/// in one small state instead of reading every need the startup ever bid on. A bid takes its slot here before it is
/// written (<see cref="ReserveAsync"/>, atomic: this grain is the count's only writer), so requests at the same instant
/// cannot all pass. The reservation is held in memory: the bid's one write on the request stays its only one. Once
/// the bid is written the command counts it, in memory too (<see cref="ConfirmAsync"/>), and the bid's follow-up
/// stores the count (<see cref="AddAsync"/>); the command releases the slot when the write fails; one
/// neither confirmed nor released frees itself after <see cref="NeedSlots.ReservationTimeout"/>. A host that dies
/// between a bid's write and its follow-up forgets the reservation: until the follow-up runs again (the sweep), the
/// startup may place one bid over its limit.
/// Entries that stopped being live (withdrawn, decided, the need closed) are dropped when the count reaches the limit
/// and the command checks them. Bounded: entries are only added after a reservation found room.
/// </summary>
public interface ILiveBidsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for a bid on <paramref name="needId"/>; a need already counted is the same bid again (a retry).</summary>
    Task<NeedSlot> ReserveAsync(string needId, int limit);
    /// <summary>Counts the need in memory once its bid is written (the request); its follow-up stores it (<see cref="AddAsync"/>).</summary>
    Task ConfirmAsync(string needId);
    /// <summary>Counts the need, stored (the bid's follow-up): the reservation, if any, becomes the need's entry.</summary>
    Task AddAsync(string needId);
    /// <summary>Gives back a reservation whose bid was not written.</summary>
    Task ReleaseAsync(string needId);
    Task<IReadOnlyList<string>> ListAsync();
    Task ForgetAsync(IReadOnlyCollection<string> needIds);
}

[GenerateSerializer, Alias("jazari.live-bids-state")]
public sealed class LiveBidsState
{
    [Id(0)] public List<string> NeedIds { get; set; } = [];
}

internal sealed class LiveBidsGrain(
    [PersistentState("live-bids", "marketplace")] IPersistentState<LiveBidsState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : CountedNeedsGrain<LiveBidsState>(state, time, again: true), ILiveBidsGrain
{
    protected override List<string> Counted => State.State.NeedIds;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Startups that bid before this list existed: start from every need they bid on; the first check at the
        // limit drops the ones that are no longer live.
        if (!State.RecordExists)
            State.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. State.State.NeedIds]);
}

