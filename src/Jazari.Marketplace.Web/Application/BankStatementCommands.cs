using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Statement reconciliation, for the API and the admin's bank statements page: the bank's statement (camt.053, or a
/// CSV export read through the bank's saved mapping) is read, each credit is matched by the payment reference in its
/// label to a transfer the marketplace awaits, and a credit of exactly the SME's share confirms its milestone through
/// the admin's own confirmation (<see cref="PaymentAdminCommands.ConfirmTransferAsync"/>: the engagement grain funds a
/// milestone once, whoever confirms first). Partial, excess and unknown credits are listed for a decision. A
/// statement already reconciled, and credits an earlier statement brought, confirm nothing again.
/// </summary>
public sealed class BankStatementCommands(IGrainFactory grains, PaymentAdminCommands payments, AuditTrail audit,
    [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    public const string Xml = "application/xml";
    public const string Csv = "text/csv";

    public static class Reasons
    {
        public const string UnknownReference = "unknown-reference";
        public const string Partial = "partial";
        public const string Excess = "excess";
        public const string AlreadyFunded = "already-funded";
        public const string NotAwaited = "not-awaited";
        public const string Currency = "currency";
        public static readonly IReadOnlyList<string> All = [UnknownReference, Partial, Excess, AlreadyFunded, NotAwaited, Currency];
    }

    /// <summary>Reads and reconciles a statement: <paramref name="contentType"/> says which format, <paramref name="mapping"/> names a saved CSV mapping.</summary>
    public async Task<StatementResponse> ReconcileAsync(Caller caller, byte[] body, string? contentType, string? mapping)
    {
        EnsureAdmin(caller);
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (body.Length == 0) throw MarketplaceException.Invalid("statement", "Required.");
        var file = media switch
        {
            Xml or "text/xml" => BankStatementFiles.Camt053(body),
            Csv => BankStatementFiles.Csv(body, await MappingAsync(mapping)),
            _ => throw MarketplaceException.Invalid("contentType", "Send a camt.053 statement as application/xml or a bank's CSV export as text/csv."),
        };
        var grain = grains.GetGrain<IBankStatementGrain>(file.Id);
        if (await grain.GetAsync() is { } known) return StatementResponse.From(known, repeated: true);
        var matched = new List<StatementMatch>();
        var unmatched = new List<StatementUnmatched>();
        var seenBefore = 0;
        foreach (var credit in file.Credits)
        {
            // The first statement to bring a credit handles it (again, if its upload was cut short); an overlapping one skips it.
            if (await grains.GetGrain<IBankCreditGrain>(credit.Key).ClaimAsync(file.Id) != file.Id) { seenBefore++; continue; }
            var (paymentId, reason) = await MatchAsync(caller, credit);
            if (reason is null) matched.Add(new StatementMatch(paymentId!, credit.AmountMinor, credit.BankReference));
            else unmatched.Add(new StatementUnmatched(credit.AmountMinor, credit.Currency, credit.Label, reason, credit.BankReference, paymentId));
        }
        var statement = await grain.RecordAsync(new BankStatement(file.Id, file.Account, file.Format, time.GetUtcNow(), matched.ToArray(), unmatched.ToArray(), seenBefore));
        await audit.RecordAsync(caller, AuditActions.BankStatementReconciled, file.Id,
            $"{file.Format} {file.Account}: {matched.Count} matched, {unmatched.Count} unmatched, {seenBefore} seen before");
        return StatementResponse.From(statement, repeated: false);
    }

    public async Task<StatementResponse> GetAsync(Caller caller, string statementId)
    {
        EnsureAdmin(caller);
        var statement = Ids.IsValid(statementId) ? await grains.GetGrain<IBankStatementGrain>(statementId).GetAsync() : null;
        return StatementResponse.From(statement ?? throw MarketplaceException.NotFound("Statement"), repeated: false);
    }

    public async Task<IReadOnlyList<BankStatementSummary>> LatestAsync(Caller caller)
    {
        EnsureAdmin(caller);
        return await grains.GetGrain<IBankStatementListGrain>(IBankStatementListGrain.Key).ListAsync();
    }

    public async Task<BankMappingResponse> SaveMappingAsync(Caller caller, string name, BankMappingInput input)
    {
        EnsureAdmin(caller);
        var mapping = input.ToMapping(name);
        var saved = await grains.GetGrain<IBankCsvMappingsGrain>(IBankCsvMappingsGrain.Key).SaveAsync(mapping);
        await audit.RecordAsync(caller, AuditActions.BankMappingSaved, saved.Name, $"amount {saved.CreditColumn ?? saved.AmountColumn}; label {string.Join("+", saved.LabelColumns)}");
        return BankMappingResponse.From(saved);
    }

    public async Task<IReadOnlyList<BankMappingResponse>> MappingsAsync(Caller caller)
    {
        EnsureAdmin(caller);
        return [.. (await grains.GetGrain<IBankCsvMappingsGrain>(IBankCsvMappingsGrain.Key).ListAsync()).Select(BankMappingResponse.From)];
    }

    private async Task<BankCsvMapping> MappingAsync(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw MarketplaceException.Invalid("mapping", "Name the saved mapping of the bank's CSV export.");
        var all = await grains.GetGrain<IBankCsvMappingsGrain>(IBankCsvMappingsGrain.Key).ListAsync();
        return all.FirstOrDefault(m => m.Name == name.Trim()) ?? throw MarketplaceException.Invalid("mapping", "No saved mapping has this name.");
    }

    /// <summary>The payment the credit's label names, and why it is not confirmed (null: confirmed, now or by this statement before).</summary>
    private async Task<(string? PaymentId, string? Reason)> MatchAsync(Caller caller, StatementCredit credit)
    {
        foreach (var id in PaymentReferences.Find(credit.Label))
        {
            if (await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() is not { } target) continue;
            var engagement = grains.GetGrain<IEngagementGrain>(target.NeedId);
            var view = await engagement.GetAsync(caller);
            if (view.Milestone(target.Index) is not { } m || m.PaymentId != id) continue;
            if (credit.Currency != view.Currency) return (id, Reasons.Currency);
            if (m.FundedAt is not null) return (id, m.PaymentExternalId == credit.BankReference ? null : Reasons.AlreadyFunded);
            if (m.Status != MilestoneStatus.AwaitingFunding || m.SmeShare == 0) return (id, Reasons.NotAwaited);
            if (credit.AmountMinor != m.SmeShare) return (id, credit.AmountMinor < m.SmeShare ? Reasons.Partial : Reasons.Excess);
            try
            {
                await payments.ConfirmTransferAsync(caller, id, new ConfirmPaymentInput { AmountMinor = credit.AmountMinor, BankReference = credit.BankReference });
                return (id, null);
            }
            catch (MarketplaceException e) when (e.Problem == Problem.Conflict)
            {
                // Confirmed meanwhile (an admin by hand, or the card): the grain funded it once; this credit waits for a decision.
                var now = (await engagement.GetAsync(caller)).Milestone(target.Index);
                return (id, now?.PaymentExternalId == credit.BankReference ? null : now?.FundedAt is not null ? Reasons.AlreadyFunded : Reasons.NotAwaited);
            }
        }
        return (null, credit.Currency != Reference.DefaultCurrency ? Reasons.Currency : Reasons.UnknownReference);
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Statement");
    }
}

/// <summary>A saved way to read one bank's CSV export (headers of its columns).</summary>
public sealed record BankMappingInput
{
    /// <summary>The field separator: <c>,</c> (default), <c>;</c> or <c>tab</c>.</summary>
    public string? Delimiter { get; init; }
    /// <summary>The decimal mark of amounts: <c>.</c> (default) or <c>,</c>.</summary>
    public string? DecimalMark { get; init; }
    /// <summary>A signed amount column (credits are the positive amounts)...</summary>
    public string? AmountColumn { get; init; }
    /// <summary>...or a column of credits only (empty on debit lines).</summary>
    public string? CreditColumn { get; init; }
    /// <summary>The columns whose text carries the SME's reference (joined).</summary>
    public IReadOnlyList<string?>? LabelColumns { get; init; }
    public string? BankReferenceColumn { get; init; }
    public string? CurrencyColumn { get; init; }
    public string? AccountColumn { get; init; }

    public BankCsvMapping ToMapping(string? name)
    {
        var c = new Checks();
        var id = c.Id("name", name);
        var delimiter = c.OneOf("delimiter", Delimiter ?? ",", [",", ";", "tab"]) switch { "tab" => '\t', var d => d[0] };
        var mark = c.OneOf("decimalMark", DecimalMark ?? ".", [".", ","])[0];
        if (delimiter == mark) c.Error("decimalMark", "The decimal mark cannot be the field separator.");
        var amount = c.OptionalText("amountColumn", AmountColumn, 100);
        var credit = c.OptionalText("creditColumn", CreditColumn, 100);
        if ((amount is null) == (credit is null)) c.Error("creditColumn", "Name either the credit column or the signed amount column.");
        var labels = c.List("labelColumns", LabelColumns, 5, 100, minItems: 1);
        var reference = c.OptionalText("bankReferenceColumn", BankReferenceColumn, 100);
        var currency = c.OptionalText("currencyColumn", CurrencyColumn, 100);
        var account = c.OptionalText("accountColumn", AccountColumn, 100);
        c.ThrowIfFailed();
        return new BankCsvMapping(id, delimiter, mark, amount, credit, labels.ToArray(), reference, currency, account);
    }
}

public sealed record BankMappingResponse(string Name, string Delimiter, string DecimalMark, string? AmountColumn, string? CreditColumn,
    IReadOnlyList<string> LabelColumns, string? BankReferenceColumn, string? CurrencyColumn, string? AccountColumn)
{
    public static BankMappingResponse From(BankCsvMapping m) => new(m.Name, m.Delimiter == '\t' ? "tab" : m.Delimiter.ToString(), m.DecimalMark.ToString(),
        m.AmountColumn, m.CreditColumn, m.LabelColumns, m.BankReferenceColumn, m.CurrencyColumn, m.AccountColumn);
}

public sealed record StatementMatchResponse(string PaymentId, long AmountMinor, string BankReference);

public sealed record StatementUnmatchedResponse(long AmountMinor, string Currency, string Label, string Reason, string BankReference, string? PaymentId);

/// <summary>A statement's reconciliation. <see cref="Repeated"/>: it had been reconciled before, nothing new was done
/// (its first result is read with <c>statementId</c>).</summary>
public sealed record StatementResponse(string StatementId, string Account, string Format, DateTimeOffset ReceivedAt, bool Repeated, int SeenBefore,
    IReadOnlyList<StatementMatchResponse> Matched, IReadOnlyList<StatementUnmatchedResponse> Unmatched)
{
    public static StatementResponse From(BankStatement s, bool repeated) => new(s.Id, s.Account, s.Format, s.ReceivedAt, repeated, repeated ? 0 : s.SeenBefore,
        repeated ? [] : [.. s.Matched.Select(m => new StatementMatchResponse(m.PaymentId, m.AmountMinor, m.BankReference))],
        repeated ? [] : [.. s.Unmatched.Select(u => new StatementUnmatchedResponse(u.AmountMinor, u.Currency, u.Label, u.Reason, u.BankReference, u.PaymentId))]);
}
