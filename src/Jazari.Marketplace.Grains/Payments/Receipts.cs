namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The receipt numbers of one year (keyed by the year): consecutive, without gaps, one per receipt (a confirmed
/// funding's payment id or a payout's id). One grain per year hands them out one at a time, so receipts confirmed at
/// the same moment get consecutive numbers; asking again for the same receipt gives its number again (the last
/// <see cref="Remembered"/> receipts are remembered: a retry comes soon after; the receipt keeps its number itself).
/// </summary>
public interface IReceiptNumbersGrain : IGrainWithIntegerKey
{
    public const int Remembered = 2000;
    Task<int> AllocateAsync(string receiptId);
}

[GenerateSerializer, Alias("jazari.receipt-numbers-state")]
public sealed class ReceiptNumbersState
{
    [Id(0)] public int Last { get; set; }
    [Id(1)] public Dictionary<string, int> Numbers { get; set; } = [];
}

internal sealed class ReceiptNumbersGrain([PersistentState("receipt-numbers", "marketplace")] IPersistentState<ReceiptNumbersState> state)
    : Grain, IReceiptNumbersGrain
{
    public async Task<int> AllocateAsync(string receiptId)
    {
        if (state.State.Numbers.TryGetValue(receiptId, out var known)) return known;
        var number = state.State.Last + 1;
        state.State.Numbers[receiptId] = number;
        state.State.Last = number;
        if (state.State.Numbers.Count > IReceiptNumbersGrain.Remembered)
            foreach (var old in state.State.Numbers.Where(n => n.Value <= number - IReceiptNumbersGrain.Remembered).Select(n => n.Key).ToList())
                state.State.Numbers.Remove(old);
        try
        {
            await state.SaveAsync();
        }
        catch
        {
            // Not stored: the number stays free for the next receipt (no gap).
            state.State.Numbers.Remove(receiptId);
            state.State.Last = number - 1;
            throw;
        }
        return number;
    }
}

/// <summary>A receipt's number and when it was issued.</summary>
[GenerateSerializer, Alias("jazari.receipt-number")]
public sealed record ReceiptNumber(
    [property: Id(0)] int Year,
    [property: Id(1)] int Sequence,
    [property: Id(2)] DateTimeOffset IssuedAt)
{
    /// <summary>The number printed on the receipt, e.g. JZ-2026-000123.</summary>
    public string Text => $"JZ-{Year}-{Sequence:000000}";
}

/// <summary>
/// The number of one receipt (keyed by the confirmed funding's payment id or the payout's id), allocated once from its
/// year's <see cref="IReceiptNumbersGrain"/> and kept: issuing it again returns the same number.
/// </summary>
public interface IReceiptGrain : IGrainWithStringKey
{
    /// <summary>Allocates the number in <paramref name="year"/> (of the confirmation, in Moroccan time) the first time; afterwards returns it.</summary>
    Task<ReceiptNumber> IssueAsync(int year);
    Task<ReceiptNumber?> GetAsync();
}

[GenerateSerializer, Alias("jazari.receipt-state")]
public sealed class ReceiptState
{
    [Id(0)] public ReceiptNumber? Number { get; set; }
}

internal sealed class ReceiptGrain(
    [PersistentState("receipt", "marketplace")] IPersistentState<ReceiptState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IReceiptGrain
{
    public async Task<ReceiptNumber> IssueAsync(int year)
    {
        if (state.State.Number is { } known) return known;
        var sequence = await grains.GetGrain<IReceiptNumbersGrain>(year).AllocateAsync(this.GetPrimaryKeyString());
        state.State.Number = new ReceiptNumber(year, sequence, time.GetUtcNow());
        await state.SaveAsync();
        return state.State.Number;
    }

    public Task<ReceiptNumber?> GetAsync() => Task.FromResult(state.State.Number);
}
