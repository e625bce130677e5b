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
/// milestone once, whoever confirms first). Each debit naming a payout of our bank file (its end-to-end id or its
/// <c>JAZARI PO-…</c> reference) of exactly the payout's amount marks it paid with the entry's bank reference, through
/// the admin's own mark-paid (<see cref="PaymentAdminCommands.MarkPaidAsync"/>: paid once, whoever marks first).
/// Partial, excess and unknown credits, and debits of another amount, of a payout already paid or naming none, are
/// listed for a decision. A statement already reconciled, and entries an earlier statement brought, move nothing again.
/// </summary>
public sealed class BankStatementCommands(IGrainFactory grains, PaymentAdminCommands payments, AuditTrail audit, PaymentSettings settings,
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
        /// <summary>A transfer for a funding request that lapsed, the programme granting another share since: it no longer covers the SME's.</summary>
        public const string Lapsed = "lapsed";
        /// <summary>A debit naming none of our payouts (a bank's fee, a transfer made by hand...).</summary>
        public const string UnknownDebit = "unknown-debit";
        /// <summary>A debit naming a payout with another amount than the payout's.</summary>
        public const string PayoutAmount = "payout-amount";
        /// <summary>A debit naming a payout already marked paid with another bank reference (by hand, or by another debit).</summary>
        public const string PayoutPaid = "payout-paid";
        /// <summary>A debit naming a payout held for review or declined, or waiting after its beneficiary's RIB changed: not ours
        /// to mark paid.</summary>
        public const string PayoutNotReady = "payout-not-ready";
        /// <summary>A debit naming a payout, in another currency.</summary>
        public const string PayoutCurrency = "payout-currency";
        /// <summary>A debit by which the bank sent back a credit (an SME's transfer returned), with the payment it names.</summary>
        public const string CreditReversed = "credit-reversed";
        /// <summary>A credit by which the bank returned one of our debits (a payout the beneficiary's bank refused), with the payout it names.</summary>
        public const string PayoutReturned = "payout-returned";
        /// <summary>A second entry of one statement with the bank reference of another: the first was handled, not this one.</summary>
        public const string DuplicateReference = "duplicate-reference";
        /// <summary>A debit of a payout by a bank file an admin withdrew (the bank executed it all the same): the payout is
        /// marked paid, and listed so the admin stops its newer file if that one was sent too.</summary>
        public const string WithdrawnFilePaid = "withdrawn-file-paid";
        public static readonly IReadOnlyList<string> Credits = [UnknownReference, Partial, Excess, AlreadyFunded, NotAwaited, Currency, Lapsed, PayoutReturned];
        public static readonly IReadOnlyList<string> Debits = [UnknownDebit, PayoutAmount, PayoutPaid, PayoutNotReady, PayoutCurrency, CreditReversed, WithdrawnFilePaid];
        public static readonly IReadOnlyList<string> All = [.. Credits, .. Debits, DuplicateReference];
    }

    /// <summary>Candidate references tried per entry at most (each is a look-up).</summary>
    private const int MaxCandidates = 8;

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
        // Only the platform's own account holds the SMEs' transfers and pays the payouts: a statement of any other
        // (a startup's, a personal one uploaded by mistake) must fund and pay nothing.
        if (file.NamedAccounts.FirstOrDefault(a => !settings.Bank.IsThisAccount(a)) is { } foreign)
            throw MarketplaceException.Invalid("statement", $"The statement is of the account {foreign}, not of the platform's account: nothing was reconciled.");
        var grain = grains.GetGrain<IBankStatementGrain>(file.Id);
        if (await grain.GetAsync() is { } known) return StatementResponse.From(known, repeated: true);
        var matched = new List<StatementMatch>();
        var paidOut = new List<StatementMatch>();
        var unmatched = new List<StatementUnmatched>();
        var seenBefore = 0;
        var handled = new HashSet<string>();
        static StatementUnmatched Unmatched(StatementEntry e, string reason, string? id) => new(e.AmountMinor, e.Currency, e.Label, reason, e.BankReference, id, e.Debit);
        foreach (var entry in file.Credits.Concat(file.Debits))
        {
            // The first statement to bring an entry handles it (again, if its upload was cut short); an overlapping one skips it.
            if (await grains.GetGrain<IBankCreditGrain>(entry.Key).ClaimAsync(file.Id) != file.Id) { seenBefore++; continue; }
            // Two entries of one statement with one bank reference (a bank reusing it): the first is handled, the second
            // listed, never reported as the first's match.
            if (!handled.Add(entry.Key)) { unmatched.Add(Unmatched(entry, Reasons.DuplicateReference, null)); continue; }
            if (entry.Reversal)
            {
                // The bank took back a credit or returned a payout: an admin decides what follows. A credit sent back holds
                // its milestone's payouts meanwhile (the escrow may not hold that money); nothing else is undone here.
                var (named, target) = await NamedAsync(entry.Debit ? PaymentReferences.Find(entry.Label) : PayoutReferences.Find($"{entry.Label} {entry.BankReference}"));
                if (entry.Debit && target is not null) // listed at once with the held ones, also when a cut upload is sent again
                    foreach (var held in await grains.GetGrain<IEngagementGrain>(target.NeedId).FundingReversedAsync(named!)) await PayoutQueue.PutAsync(grains, held);
                unmatched.Add(Unmatched(entry, entry.Debit ? Reasons.CreditReversed : Reasons.PayoutReturned, named));
                continue;
            }
            var (id, reason) = entry.Debit ? await PayOutAsync(caller, entry) : await MatchAsync(caller, entry);
            if (reason is null) (entry.Debit ? paidOut : matched).Add(new StatementMatch(id!, entry.AmountMinor, entry.BankReference));
            else unmatched.Add(Unmatched(entry, reason, id));
        }
        // The payouts paid are kept with the credits matched: their ids (po-…, rf-…) tell them from payments (pay-…).
        var now = time.GetUtcNow();
        var statement = await grain.RecordAsync(new BankStatement(file.Id, file.Account, file.Format, now,
            [.. matched, .. paidOut], unmatched.ToArray(), seenBefore));
        // The same file sent twice at once: both handled its entries (each moves money once), the first recorded wins, and
        // the other answers it as a repeat; one audit entry, named by the statement.
        var repeated = statement.ReceivedAt != now;
        await audit.RecordOnceAsync(caller, $"aud-statement-{file.Id}", statement.ReceivedAt, AuditActions.BankStatementReconciled, file.Id,
            $"{file.Format} {file.Account}: {matched.Count} matched, {paidOut.Count} payouts paid, {unmatched.Count} unmatched, {seenBefore} seen before");
        return StatementResponse.From(statement, repeated);
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

    /// <summary>The first of the named payments or payouts the marketplace knows, with its engagement's milestone.</summary>
    private async Task<(string? Id, PaymentTarget? Target)> NamedAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids.Take(MaxCandidates))
            if (await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() is { } target) return (id, target);
        return (null, null);
    }

    /// <summary>The payment the credit's label names, and why it is not confirmed (null: confirmed, now or by this statement before).</summary>
    private async Task<(string? PaymentId, string? Reason)> MatchAsync(Caller caller, StatementEntry credit)
    {
        foreach (var id in PaymentReferences.Find(credit.Label).Take(MaxCandidates))
        {
            if (await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() is not { } target) continue;
            var engagement = grains.GetGrain<IEngagementGrain>(target.NeedId);
            var view = await engagement.GetAsync(caller);
            if (view.Milestone(target.Index) is not { } m || m.PaymentId != id) continue;
            if (credit.Currency != view.Currency) return (id, Reasons.Currency);
            if (m.FundedAt is not null) return (id, m.PaymentExternalId == credit.BankReference && credit.AmountMinor == m.SmeShare ? null : Reasons.AlreadyFunded);
            // A lapsed request's transfer, made in time and read late, is taken if the programme grants the same share again.
            var share = m.Funding.Count > 0 ? m.SmeShare : m.FundingLapsedAt is not null ? m.LapsedSmeMinor : 0;
            if (m.Status != MilestoneStatus.AwaitingFunding || share == 0) return (id, Reasons.NotAwaited);
            if (credit.AmountMinor != share) return (id, credit.AmountMinor < share ? Reasons.Partial : Reasons.Excess);
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
            catch (MarketplaceException e) when (e.Problem == Problem.Invalid && m.Funding.Count == 0)
            {
                return (id, Reasons.Lapsed); // the programme grants another share now: an admin settles it with the SME
            }
        }
        return (null, credit.Currency != Reference.DefaultCurrency ? Reasons.Currency : Reasons.UnknownReference);
    }

    /// <summary>
    /// The payout the debit names (by its end-to-end id or reference, in its label or its bank reference), and why it is
    /// not marked paid (null: marked paid with this debit's bank reference, now or by this statement's upload before).
    /// The amount is checked first: a debit of another amount is listed whatever the payout's status.
    /// </summary>
    private async Task<(string? PayoutId, string? Reason)> PayOutAsync(Caller caller, StatementEntry debit)
    {
        var text = $"{debit.Label} {debit.BankReference}";
        // The bank files the debit names, when the bank echoes them (the end-to-end id carries the file): ours, made before.
        var files = new List<PayoutFileView>();
        foreach (var named in PayoutReferences.Files(text).Take(4 * MaxCandidates)) // "pf" occurs inside other ids too
            if (await grains.GetGrain<IPayoutFileGrain>(named).GetAsync() is { } made && files.Count < MaxCandidates) files.Add(made);
        foreach (var id in PayoutReferences.Find(text).Take(MaxCandidates))
        {
            // The file that paid it: one named that holds it. Listed for the admin when an admin had withdrawn that file
            // (also when a cut upload is sent again).
            var byFile = files.FirstOrDefault(f => f.PayoutIds.Contains(id));
            string? PaidByThis() => byFile?.WithdrawnAt is not null ? Reasons.WithdrawnFilePaid : null;
            if (await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() is not { } target) continue;
            var engagement = grains.GetGrain<IEngagementGrain>(target.NeedId);
            if ((await engagement.GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == id) is not { } payout) continue;
            if (debit.Currency != payout.Currency) return (id, Reasons.PayoutCurrency);
            if (debit.AmountMinor != payout.AmountMinor) return (id, Reasons.PayoutAmount);
            if (payout.Status == PayoutStatus.Paid) return (id, payout.BankReference == debit.BankReference ? PaidByThis() : Reasons.PayoutPaid);
            // Held or declined since its file was made: paid all the same when the debit names that file.
            if (payout.Status != PayoutStatus.Pending && byFile is null) return (id, Reasons.PayoutNotReady);
            // Waiting after its beneficiary's RIB changed, and in no file of ours: money sent to that RIB is for the admin to decide.
            if (byFile is null && PayoutHolds.WaitsUntil(payout.CreatedAt,
                    await grains.GetGrain<IPayoutDetailsGrain>(payout.BeneficiaryId).GetAsync(Caller.Marketplace), time.GetUtcNow()) is not null)
                return (id, Reasons.PayoutNotReady);
            try
            {
                var paid = await payments.MarkPaidAsync(caller, id, new PayoutPaidInput { BankReference = debit.BankReference }, byStatement: true, byFile?.Id);
                return (id, paid.BankReference == debit.BankReference ? PaidByThis() : Reasons.PayoutPaid);
            }
            catch (MarketplaceException e) when (e.Problem == Problem.Conflict)
            {
                // Marked paid meanwhile with another reference (an admin by hand, or the file's id), or held: paid once; this debit waits for a decision.
                var now = (await engagement.GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == id);
                return (id, now is { Status: PayoutStatus.Paid } ? (now.BankReference == debit.BankReference ? PaidByThis() : Reasons.PayoutPaid) : Reasons.PayoutNotReady);
            }
        }
        return (null, Reasons.UnknownDebit);
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
        // A refused value (empty, or any other) is reported by OneOf; the default stands in until the refusal is thrown.
        var delimiter = c.OneOf("delimiter", Delimiter ?? ",", [",", ";", "tab"]) switch { "tab" => '\t', [var d] => d, _ => ',' };
        var mark = c.OneOf("decimalMark", DecimalMark ?? ".", [".", ","]) is [var m] ? m : '.';
        if (delimiter == mark && !c.Failed) c.Error("decimalMark", "The decimal mark cannot be the field separator.");
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

/// <summary>A payout of our bank file that a debit of the statement marked paid, with the debit's bank reference.</summary>
public sealed record StatementPaidOutResponse(string PayoutId, long AmountMinor, string BankReference);

/// <summary>An entry left for a decision. <see cref="Direction"/>: credit (money in; <see cref="PaymentId"/> when it names a
/// payment) or debit (money out; <see cref="PayoutId"/> when it names a payout). Amounts are positive either way.</summary>
public sealed record StatementUnmatchedResponse(long AmountMinor, string Currency, string Label, string Reason, string BankReference, string? PaymentId,
    string Direction, string? PayoutId);

/// <summary>A statement's reconciliation. <see cref="Repeated"/>: it had been reconciled before, nothing new was done
/// (its first result is read with <c>statementId</c>).</summary>
public sealed record StatementResponse(string StatementId, string Account, string Format, DateTimeOffset ReceivedAt, bool Repeated, int SeenBefore,
    IReadOnlyList<StatementMatchResponse> Matched, IReadOnlyList<StatementUnmatchedResponse> Unmatched, IReadOnlyList<StatementPaidOutResponse> PaidOut)
{
    public const string Credit = "credit";
    public const string Debit = "debit";

    public static StatementResponse From(BankStatement s, bool repeated) => new(s.Id, s.Account, s.Format, s.ReceivedAt, repeated, repeated ? 0 : s.SeenBefore,
        repeated ? [] : [.. s.Matched.Where(m => !IsPayout(m.PaymentId)).Select(m => new StatementMatchResponse(m.PaymentId, m.AmountMinor, m.BankReference))],
        repeated ? [] : [.. s.Unmatched.Select(UnmatchedOf)],
        repeated ? [] : [.. s.Matched.Where(m => IsPayout(m.PaymentId)).Select(m => new StatementPaidOutResponse(m.PaymentId, m.AmountMinor, m.BankReference))]);

    /// <remarks>Entries recorded before their side was kept: the side their reason implies.</remarks>
    private static StatementUnmatchedResponse UnmatchedOf(StatementUnmatched u)
    {
        var debit = u.Debit ?? BankStatementCommands.Reasons.Debits.Contains(u.Reason);
        var payout = u.PaymentId is { } id && IsPayout(id);
        return new(u.AmountMinor, u.Currency, u.Label, u.Reason, u.BankReference, payout ? null : u.PaymentId, debit ? Debit : Credit, payout ? u.PaymentId : null);
    }

    /// <summary>A payout's id (release <c>po-…</c>, refund <c>rf-…</c>), not a payment's (<c>pay-…</c>).</summary>
    private static bool IsPayout(string id) => id.StartsWith("po-", StringComparison.Ordinal) || id.StartsWith("rf-", StringComparison.Ordinal);
}
