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
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ILiveBidsGrain
{
    /// <summary>Slots taken by bids being written, not yet confirmed by their follow-up.</summary>
    private readonly List<NeedSlotReservation> reserved = [];
    /// <summary>Needs counted by <see cref="ConfirmAsync"/> and not yet stored.</summary>
    private bool unsaved;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Startups that bid before this list existed: start from every need they bid on; the first check at the
        // limit drops the ones that are no longer live.
        if (!state.RecordExists)
            state.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    public Task<NeedSlot> ReserveAsync(string needId, int limit) =>
        Task.FromResult(NeedSlots.Reserve(state.State.NeedIds, reserved, needId, limit, again: true, time.GetUtcNow()));

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

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.NeedIds]);

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

/// <summary>A slot of an account's limit held for a need while the need or its bid is written.</summary>
[GenerateSerializer, Alias("jazari.need-slot-reservation")]
public sealed record NeedSlotReservation([property: Id(0)] string NeedId, [property: Id(1)] DateTimeOffset At);

/// <summary>
/// The answer to a reservation: <see cref="Taken"/> when the need may go ahead, <see cref="Reserved"/> when a new slot
/// was taken for it (to confirm or release); refused, <see cref="Counted"/> lists the confirmed needs filling the limit,
/// for the command to check which no longer count.
/// </summary>
[GenerateSerializer, Alias("jazari.need-slot")]
public sealed record NeedSlot([property: Id(0)] bool Taken, [property: Id(1)] bool Reserved, [property: Id(2)] IReadOnlyList<string> Counted);

/// <summary>The counting rules both limits share (live bids per startup, open needs per SME), on the grain's own lists.</summary>
public static class NeedSlots
{
    /// <summary>
    /// A reservation neither confirmed nor released is dropped after this: long enough for a follow-up waiting behind
    /// others to confirm it (a request that failed released it already).
    /// </summary>
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(10);

    /// <param name="again">Whether a need already counted is the same one again (a bid retried) rather than stale.</param>
    internal static NeedSlot Reserve(List<string> counted, List<NeedSlotReservation> reserved, string needId, int limit, bool again, DateTimeOffset now)
    {
        reserved.RemoveAll(r => now - r.At >= ReservationTimeout);
        if (again && counted.Contains(needId)) return new(true, false, []);
        counted.Remove(needId);
        if (reserved.Exists(r => r.NeedId == needId)) return new(true, false, []);
        if (counted.Count + reserved.Count >= limit) return new(false, false, [.. counted]);
        reserved.Add(new NeedSlotReservation(needId, now));
        return new(true, true, []);
    }

    /// <summary>Counts the need, its reservation (if any) ended; true when the count changed (to be stored).</summary>
    internal static bool Confirm(List<string> counted, List<NeedSlotReservation> reserved, string needId)
    {
        reserved.RemoveAll(r => r.NeedId == needId);
        if (counted.Contains(needId)) return false;
        counted.Add(needId);
        return true;
    }

    /// <summary>Drops needs found no longer counting; one reserved again meanwhile keeps its reservation.</summary>
    internal static bool Forget(List<string> counted, List<NeedSlotReservation> reserved, IReadOnlyCollection<string> needIds) =>
        counted.RemoveAll(id => needIds.Contains(id) && !reserved.Exists(r => r.NeedId == id)) > 0;
}
