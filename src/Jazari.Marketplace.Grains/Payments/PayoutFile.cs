namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// A bank file of payouts (keyed by its id, made by <see cref="IOpenPayoutFilesGrain"/>): what it holds, the fingerprint
/// of its lines (so it is downloaded again only as it was made), and whether it was marked paid, once, with the bank's
/// reference, or withdrawn (the bank refused it or it was lost: its payouts go in the next file).
/// </summary>
public interface IPayoutFileGrain : IGrainWithStringKey
{
    /// <summary>The file is being made: it exists, awaiting the bank, before any payout carries its id (a payout marked paid
    /// by hand meanwhile sees it). The same again changes nothing.</summary>
    Task ReserveAsync();
    /// <summary>Remembers the file's payouts, once; recording the file again changes nothing.</summary>
    Task<PayoutFileView> RecordAsync(IReadOnlyList<string> payoutIds, long totalMinor, string currency, string linesHash);
    Task<PayoutFileView?> GetAsync();
    /// <summary>Before its payouts are marked paid, the file takes the bank's reference: the same again changes nothing,
    /// another is refused, so two admins marking it at once with two references never each mark a part of it.</summary>
    Task<PayoutFileView> ClaimAsync(string bankReference);
    /// <summary>The file was executed by the bank: recorded once; the same reference again changes nothing, another is refused.</summary>
    Task<PayoutFileView> MarkPaidAsync(string bankReference);
    /// <summary>The file will not be executed (the bank refused it, it was lost): its payouts go in the next file. Refused
    /// once the file took a bank reference; the same again changes nothing.</summary>
    Task<PayoutFileView> WithdrawAsync(string reason);
}

[GenerateSerializer, Alias("jazari.payout-file-view")]
public sealed record PayoutFileView(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<string> PayoutIds,
    [property: Id(2)] long TotalMinor,
    [property: Id(3)] string Currency,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string? BankReference,
    [property: Id(6)] DateTimeOffset? PaidAt,
    [property: Id(7)] string? LinesHash = null,
    [property: Id(8)] DateTimeOffset? WithdrawnAt = null,
    [property: Id(9)] string? WithdrawnReason = null)
{
    /// <summary>Neither executed by the bank (marked paid) nor withdrawn: its payouts go in no other file.</summary>
    public bool Open => PaidAt is null && WithdrawnAt is null;
}

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
    /// <summary><see cref="PayoutFiles.LinesHash"/> of the file as made; null in files made before it was kept.</summary>
    [Id(6)] public string? LinesHash { get; set; }
    [Id(7)] public DateTimeOffset? WithdrawnAt { get; set; }
    /// <summary>At most 500 characters.</summary>
    [Id(8)] public string? WithdrawnReason { get; set; }
}

internal sealed class PayoutFileGrain(
    [PersistentState("payout-file", "marketplace")] IPersistentState<PayoutFileState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IPayoutFileGrain
{
    private PayoutFileState S => state.State;

    public async Task ReserveAsync()
    {
        if (state.RecordExists) return;
        S.CreatedAt = time.GetUtcNow();
        await state.SaveAsync();
    }

    public async Task<PayoutFileView> RecordAsync(IReadOnlyList<string> payoutIds, long totalMinor, string currency, string linesHash)
    {
        if (S.PayoutIds.Count > 0) return View();
        if (payoutIds.Count is 0 or > PayoutFiles.MaxPayouts) throw new ArgumentOutOfRangeException(nameof(payoutIds), payoutIds.Count, "A bank file holds 1 to 1000 payouts.");
        S.PayoutIds = [.. payoutIds];
        S.TotalMinor = totalMinor;
        S.Currency = currency;
        S.CreatedAt = time.GetUtcNow();
        S.LinesHash = linesHash;
        await state.SaveAsync();
        return View();
    }

    public Task<PayoutFileView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    public async Task<PayoutFileView> ClaimAsync(string bankReference)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Payout file");
        if (S.WithdrawnAt is not null) throw MarketplaceException.Conflict("This payout file was withdrawn: its payouts go in the next file.");
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

    public async Task<PayoutFileView> WithdrawAsync(string reason)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Payout file");
        if (S.BankReference is not null) throw MarketplaceException.Conflict("This payout file was marked paid: it cannot be withdrawn.");
        if (S.WithdrawnAt is not null) return View();
        S.WithdrawnAt = time.GetUtcNow();
        S.WithdrawnReason = reason;
        await state.SaveAsync();
        return View();
    }

    private PayoutFileView View() => new(this.GetPrimaryKeyString(), [.. S.PayoutIds], S.TotalMinor, S.Currency, S.CreatedAt, S.BankReference, S.PaidAt,
        S.LinesHash, S.WithdrawnAt, S.WithdrawnReason);
}

public static class PayoutFiles
{
    /// <summary>Payouts in one bank file (the oldest ready ones); the next ones go in the next file.</summary>
    public const int MaxPayouts = 1000;

    /// <summary>Bank files made and neither marked paid nor withdrawn, at most: beyond, the next one waits for them.</summary>
    public const int MaxOpen = 20;

    /// <summary>The key of the one <see cref="IOpenPayoutFilesGrain"/>.</summary>
    public const string OpenKey = "all";

    /// <summary>The id of the <paramref name="made"/>-th file of an installation (at most 35 characters: the file's
    /// MsgId in pain.001): never the same twice, so a bank refusing a repeated MsgId never refuses a new file.</summary>
    public static string Id(string salt, long made)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            salt + "\n#" + made.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return "pf-" + new string([.. bytes.Take(IdHashLength).Select(b => alphabet[b % alphabet.Length])]);
    }

    /// <summary>The characters of a file id after its <c>pf-</c>.</summary>
    public const int IdHashLength = 16;

    /// <summary>The fingerprint of a file's lines (each payout's id, amount, account holder and RIB), whatever their order.</summary>
    public static string LinesHash(IEnumerable<PayoutFileLine> lines) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => $"{l.PayoutId}\t{l.AmountMinor}\t{l.Holder}\t{l.Rib}").Order(StringComparer.Ordinal)))));
}

/// <summary>A payout as a bank file pays it: the amount, to this holder's RIB (and the need whose engagement holds it).</summary>
[GenerateSerializer, Alias("jazari.payout-file-line")]
public sealed record PayoutFileLine(
    [property: Id(0)] string PayoutId,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] string Holder,
    [property: Id(3)] string Rib,
    [property: Id(4)] string NeedId);
