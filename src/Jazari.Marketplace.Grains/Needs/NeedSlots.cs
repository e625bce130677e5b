namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// A count of needs limited per account (live bids per startup, open needs per SME), kept by the one grain that owns it.
/// Reservations and the needs counted by a request live in memory; the follow-up of the need's or bid's write stores
/// the count (<see cref="AddAsync"/>), so the request makes no write here.
/// </summary>
internal abstract class CountedNeedsGrain<TState>(IPersistentState<TState> state, TimeProvider time, bool again) : Grain
    where TState : class, new()
{
    /// <summary>Slots taken by needs or bids being written, not yet counted.</summary>
    private readonly List<NeedSlotReservation> reserved = [];
    /// <summary>Needs counted by <see cref="ConfirmAsync"/> and not yet stored.</summary>
    private bool unsaved;

    protected IPersistentState<TState> State { get; } = state;

    /// <summary>The stored list of counted needs.</summary>
    protected abstract List<string> Counted { get; }

    public Task<NeedSlot> ReserveAsync(string needId, int limit) =>
        Task.FromResult(NeedSlots.Reserve(Counted, reserved, needId, limit, again, time.GetUtcNow()));

    public Task ConfirmAsync(string needId)
    {
        if (NeedSlots.Confirm(Counted, reserved, needId)) unsaved = true;
        return Task.CompletedTask;
    }

    public async Task AddAsync(string needId)
    {
        if (NeedSlots.Confirm(Counted, reserved, needId) | unsaved || !State.RecordExists) await SaveAsync();
    }

    public Task ReleaseAsync(string needId)
    {
        reserved.RemoveAll(r => r.NeedId == needId);
        return Task.CompletedTask;
    }

    public async Task ForgetAsync(IReadOnlyCollection<string> needIds)
    {
        if (NeedSlots.Forget(Counted, reserved, needIds) | unsaved || !State.RecordExists) await SaveAsync();
    }

    private async Task SaveAsync()
    {
        await State.SaveAsync();
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
