namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// A bank file of payouts (keyed by its id, derived from the payouts it holds, so the same set downloaded again is the
/// same file): what it holds, and whether it was marked paid, once, with the bank's reference.
/// </summary>
public interface IPayoutFileGrain : IGrainWithStringKey
{
    /// <summary>Remembers the file's payouts; recording the same file again changes nothing.</summary>
    Task<PayoutFileView> RecordAsync(IReadOnlyList<string> payoutIds, long totalMinor, string currency);
    Task<PayoutFileView?> GetAsync();
    /// <summary>Before its payouts are marked paid, the file takes the bank's reference: the same again changes nothing,
    /// another is refused, so two admins marking it at once with two references never each mark a part of it.</summary>
    Task<PayoutFileView> ClaimAsync(string bankReference);
    /// <summary>The file was executed by the bank: recorded once; the same reference again changes nothing, another is refused.</summary>
    Task<PayoutFileView> MarkPaidAsync(string bankReference);
}

[GenerateSerializer, Alias("jazari.payout-file-view")]
public sealed record PayoutFileView(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<string> PayoutIds,
    [property: Id(2)] long TotalMinor,
    [property: Id(3)] string Currency,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string? BankReference,
    [property: Id(6)] DateTimeOffset? PaidAt);

[GenerateSerializer, Alias("jazari.payout-file-state")]
public sealed class PayoutFileState
{
    /// <summary>At most <see cref="PayoutFiles.MaxPayouts"/> ids (about 20 bytes each).</summary>
    [Id(0)] public List<string> PayoutIds { get; set; } = [];
    [Id(1)] public long TotalMinor { get; set; }
    [Id(2)] public string Currency { get; set; } = Reference.DefaultCurrency;
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public string? BankReference { get; set; }
    [Id(5)] public DateTimeOffset? PaidAt { get; set; }
}

internal sealed class PayoutFileGrain(
    [PersistentState("payout-file", "marketplace")] IPersistentState<PayoutFileState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IPayoutFileGrain
{
    private PayoutFileState S => state.State;

    public async Task<PayoutFileView> RecordAsync(IReadOnlyList<string> payoutIds, long totalMinor, string currency)
    {
        if (state.RecordExists) return View();
        if (payoutIds.Count is 0 or > PayoutFiles.MaxPayouts) throw new ArgumentOutOfRangeException(nameof(payoutIds), payoutIds.Count, "A bank file holds 1 to 1000 payouts.");
        S.PayoutIds = [.. payoutIds];
        S.TotalMinor = totalMinor;
        S.Currency = currency;
        S.CreatedAt = time.GetUtcNow();
        await state.SaveAsync();
        return View();
    }

    public Task<PayoutFileView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    public async Task<PayoutFileView> ClaimAsync(string bankReference)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Payout file");
        if (S.BankReference is { } known)
            return known == bankReference ? View() : throw MarketplaceException.Conflict($"This payout file was already marked paid with reference {known}.");
        S.BankReference = bankReference;
        await state.SaveAsync();
        return View();
    }

    public async Task<PayoutFileView> MarkPaidAsync(string bankReference)
    {
        await ClaimAsync(bankReference);
        if (S.PaidAt is not null) return View();
        S.PaidAt = time.GetUtcNow();
        await state.SaveAsync();
        return View();
    }

    private PayoutFileView View() => new(this.GetPrimaryKeyString(), [.. S.PayoutIds], S.TotalMinor, S.Currency, S.CreatedAt, S.BankReference, S.PaidAt);
}

public static class PayoutFiles
{
    /// <summary>Payouts in one bank file (the oldest ready ones); the next ones go in the next file.</summary>
    public const int MaxPayouts = 1000;

    /// <summary>The file's id from its payouts (at most 35 characters: the file's MsgId in pain.001).</summary>
    public static string Id(IEnumerable<string> payoutIds)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', payoutIds.Order(StringComparer.Ordinal))));
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return "pf-" + new string([.. bytes.Take(16).Select(b => alphabet[b % alphabet.Length])]);
    }
}
