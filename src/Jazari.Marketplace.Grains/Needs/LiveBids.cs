namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs a startup has bid on that may still hold its live bid: what the limit of live bids per startup counts,
/// in one small state instead of reading every need the startup ever bid on. A bid takes its slot here before it is
/// written (<see cref="ReserveAsync"/>, atomic: this grain is the count's only writer), so requests at the same instant
/// cannot all pass; the command confirms it once written (<see cref="AddAsync"/>, also the bid's follow-up) or releases
/// it when the write fails; a slot neither confirmed nor released frees itself after <see cref="NeedSlots.ReservationTimeout"/>.
/// Entries that stopped being live (withdrawn, decided, the need closed) are dropped when the count reaches the limit
/// and the command checks them. Bounded: entries are only added after a reservation found room.
/// </summary>
public interface ILiveBidsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for a bid on <paramref name="needId"/>; a need already counted is the same bid again (a retry).</summary>
    Task<NeedSlot> ReserveAsync(string needId, int limit);
    /// <summary>Counts the need (the bid was written): the reservation, if any, becomes the need's entry.</summary>
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
    /// <summary>Slots taken by bids being written, not yet confirmed.</summary>
    [Id(1)] public List<NeedSlotReservation> Reserved { get; set; } = [];
}

internal sealed class LiveBidsGrain(
    [PersistentState("live-bids", "marketplace")] IPersistentState<LiveBidsState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ILiveBidsGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Startups that bid before this list existed: start from every need they bid on; the first check at the
        // limit drops the ones that are no longer live.
        if (!state.RecordExists)
            state.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    public async Task<NeedSlot> ReserveAsync(string needId, int limit)
    {
        var slot = NeedSlots.Reserve(state.State.NeedIds, state.State.Reserved, needId, limit, again: true, time.GetUtcNow());
        if (slot.Reserved || !state.RecordExists) await state.SaveAsync();
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

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.NeedIds]);

    public async Task ForgetAsync(IReadOnlyCollection<string> needIds)
    {
        if (NeedSlots.Forget(state.State.NeedIds, state.State.Reserved, needIds) || !state.RecordExists) await state.SaveAsync();
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
    /// <summary>A reservation neither confirmed nor released (the writing request died) is dropped after this.</summary>
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(2);

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

    internal static bool Confirm(List<string> counted, List<NeedSlotReservation> reserved, string needId)
    {
        var changed = reserved.RemoveAll(r => r.NeedId == needId) > 0;
        if (counted.Contains(needId)) return changed;
        counted.Add(needId);
        return true;
    }

    /// <summary>Drops needs found no longer counting; one reserved again meanwhile keeps its reservation.</summary>
    internal static bool Forget(List<string> counted, List<NeedSlotReservation> reserved, IReadOnlyCollection<string> needIds) =>
        counted.RemoveAll(id => needIds.Contains(id) && !reserved.Exists(r => r.NeedId == id)) > 0;
}
