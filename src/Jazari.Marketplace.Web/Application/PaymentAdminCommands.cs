using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>What admins do with money, for the API and the admin's payments page: confirm a transfer seen on the
/// platform's account, list the payout orders (and their bank file), mark one paid, create a co-funding programme.
/// The grains check the caller is an admin; each action is audited here, once.</summary>
public sealed class PaymentAdminCommands(IGrainFactory grains, PaymentMoves moves, AuditTrail audit, PaymentSettings settings,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public static readonly IReadOnlyList<string> PayoutColumns =
        ["payoutId", "kind", "beneficiaryKind", "beneficiaryId", "beneficiaryName", "amount", "currency", "needId", "milestone", "createdAt",
         "holder", "rib", "amountMinor", "reference"];

    /// <summary>An admin saw the SME's transfer: the amount must be the SME's share exactly. One write of the engagement;
    /// the need's status, the e-mails and the rest follow from its event.</summary>
    public async Task<EngagementResponse> ConfirmTransferAsync(Caller caller, string paymentId, ConfirmPaymentInput input)
    {
        var c = new Checks();
        if (input.AmountMinor is null or < 1) c.Error("amountMinor", "Required, at least 1.");
        var reference = c.Text("bankReference", input.BankReference, 100);
        c.ThrowIfFailed();
        var id = paymentId.Trim().ToLowerInvariant(); // the reference the SME quoted is the id in capitals
        var target = (Ids.IsValid(id) ? await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payment");
        var e = await grains.GetGrain<IEngagementGrain>(target.NeedId).ConfirmFundingAsync(caller, id, moves.ConfirmedByAdmin.Method, input.AmountMinor!.Value, reference);
        // Named by the funding it records: the same request repeated after a crash between the two writes adds the entry it lacks.
        await audit.RecordOnceAsync(caller, $"aud-confirmed-{id}", e.Milestones[target.Index].FundedAt!.Value, AuditActions.PaymentConfirmed, id,
            $"{Payments.Money.Format(input.AmountMinor.Value)} {e.Currency}; bank {reference}"); // in MAD, as the admin typed it
        return EngagementResponse.From(e, caller);
    }

    /// <summary>The bank transfers SMEs chose to pay by and no admin has confirmed yet, the oldest first, with their SME's name.</summary>
    public async Task<IReadOnlyList<AwaitingTransferResponse>> AwaitingTransfersAsync(Caller caller)
    {
        EnsureAdmin(caller);
        var transfers = await AwaitingTransfers.ListAsync(grains);
        var names = new Dictionary<string, string>();
        foreach (var smeId in transfers.Select(t => t.SmeId).Distinct())
        {
            try { names[smeId] = (await grains.GetGrain<Grains.Profiles.ISmeGrain>(smeId).GetAsync(Caller.Marketplace)).Details.Name; }
            catch (MarketplaceException) { names[smeId] = smeId; } // no profile (any more): its id
        }
        return [.. transfers.Select(t => new AwaitingTransferResponse(t.PaymentId, BankTransferRail.Reference(t.PaymentId), t.NeedId, t.Index, t.Title,
            t.Milestone, t.SmeId, names[t.SmeId], t.AmountMinor, t.Currency, t.RequestedAt))];
    }

    /// <summary>The payout orders waiting to be paid by bank, oldest first, each with its beneficiary's account and
    /// where it stands (ready for the bank, held for review, awaiting the beneficiary's RIB). <paramref name="status"/>:
    /// pending (all of them) or held.</summary>
    public async Task<IReadOnlyList<PayoutLine>> PendingPayoutsAsync(Caller caller, string? status = null)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        var wanted = c.OneOf("status", status ?? "pending", ["pending", "held"]);
        c.ThrowIfFailed();
        var (lines, _, _) = await QueueAsync(caller);
        return [.. wanted == "held" ? lines.Where(l => l.Order.Status == PayoutStatus.Held) : lines];
    }

    /// <summary>The waiting payouts and the bank files awaiting the bank, from one reading of the payout queue (the
    /// admin's Payments page shows both), each file checked against the accounts it was made with.</summary>
    public async Task<(IReadOnlyList<PayoutLine> Payouts, IReadOnlyList<PayoutFileSummary> Files)> WaitingAsync(Caller caller)
    {
        var (lines, files, details) = await QueueAsync(caller);
        var summaries = new List<PayoutFileSummary>();
        foreach (var file in files) summaries.Add(PayoutFileSummary.From(file) with { AccountChanged = await AccountChangedAsync(caller, file, details) });
        return (lines, summaries);
    }

    /// <summary>The payout queue read once: its lines (with the file each is in), the open files, and the payout details
    /// read for them, by beneficiary.</summary>
    private async Task<(IReadOnlyList<PayoutLine> Lines, IReadOnlyList<PayoutFileView> Files, Dictionary<string, PayoutDetailsView?> Details)> QueueAsync(Caller caller)
    {
        EnsureAdmin(caller);
        var orders = await PayoutQueue.ListAsync(grains);
        var details = new Dictionary<string, PayoutDetailsView?>();
        foreach (var beneficiary in orders.Select(o => o.BeneficiaryId).Distinct())
            details[beneficiary] = await grains.GetGrain<IPayoutDetailsGrain>(beneficiary).GetAsync(Caller.Marketplace);
        var files = await OpenFilesAsync(caller, orders);
        var filed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var payoutId in file.PayoutIds) filed.TryAdd(payoutId, file.Id);
        var now = time.GetUtcNow();
        return ([.. orders.Select(o => new PayoutLine(o, details[o.BeneficiaryId], now, filed.GetValueOrDefault(o.Id)))], files, details);
    }

    /// <summary>Whether the file's lines (holders, RIBs, amounts) are no longer those it was made with: an account changed,
    /// or its owner removed it as not theirs. Such a file must not reach the bank. The details already read are reused.</summary>
    private async Task<bool> AccountChangedAsync(Caller caller, PayoutFileView file, Dictionary<string, PayoutDetailsView?> details) =>
        file.LinesHash is not null && AccountChanged(file, await PayoutsNowAsync(caller, file, details));

    private static bool AccountChanged(PayoutFileView file, IEnumerable<BankPayout> now) =>
        file.LinesHash is { } made && PayoutFiles.LinesHash(now.Select(p => p.Line)) != made;

    /// <summary>The file's payouts with the accounts recorded now: what a download would carry. Each beneficiary's details
    /// are read once, reusing those in <paramref name="details"/>.</summary>
    private async Task<List<BankPayout>> PayoutsNowAsync(Caller caller, PayoutFileView file, Dictionary<string, PayoutDetailsView?> details)
    {
        var payouts = new List<BankPayout>();
        foreach (var order in await OrdersAsync(caller, file))
        {
            if (!details.TryGetValue(order.BeneficiaryId, out var account))
                details[order.BeneficiaryId] = account = await grains.GetGrain<IPayoutDetailsGrain>(order.BeneficiaryId).GetAsync(Caller.Marketplace);
            payouts.Add(new BankPayout(order, account?.Holder ?? "", account?.Rib ?? "", file.Id));
        }
        return payouts;
    }

    /// <summary>The bank files made and neither marked paid nor withdrawn, the oldest first.</summary>
    public async Task<IReadOnlyList<PayoutFileSummary>> OpenBankFilesAsync(Caller caller) => (await WaitingAsync(caller)).Files;

    /// <summary>The open files; one none of whose payouts is listed as waiting leaves them once each is confirmed paid or
    /// declined in its engagement (the list may have been read before a file was made, its payouts not yet listed).</summary>
    private async Task<IReadOnlyList<PayoutFileView>> OpenFilesAsync(Caller caller, IEnumerable<PayoutOrder> waiting)
    {
        var listed = waiting.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var open = grains.GetGrain<IOpenPayoutFilesGrain>(PayoutFiles.OpenKey);
        var files = new List<PayoutFileView>();
        foreach (var file in await open.ListAsync())
        {
            if (!file.PayoutIds.Any(listed.Contains) && (await OrdersAsync(caller, file)).All(o => o.Status is PayoutStatus.Paid or PayoutStatus.Declined))
                await open.CloseAsync(file.Id);
            else files.Add(file);
        }
        return files;
    }

    /// <summary>The payout orders of a file as their engagements hold them now.</summary>
    private async Task<IReadOnlyList<PayoutOrder>> OrdersAsync(Caller caller, PayoutFileView file)
    {
        var engagements = new Dictionary<string, EngagementView>();
        var orders = new List<PayoutOrder>();
        foreach (var payoutId in file.PayoutIds)
        {
            var target = await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() ?? throw MarketplaceException.NotFound("Payout");
            if (!engagements.TryGetValue(target.NeedId, out var engagement))
                engagements[target.NeedId] = engagement = await grains.GetGrain<IEngagementGrain>(target.NeedId).GetAsync(caller);
            orders.Add(engagement.Payouts.FirstOrDefault(p => p.Id == payoutId) ?? throw MarketplaceException.NotFound("Payout"));
        }
        return orders;
    }

    /// <summary>The payouts of the next bank file: ready (pending, not held, with a valid RIB, in no file awaiting the
    /// bank), the oldest first, at most <see cref="PayoutFiles.MaxPayouts"/>. Each engagement checks its payout's holds
    /// again as it goes in (a RIB given after the payout was ordered may be the other side's).</summary>
    public async Task<(PayoutFileView File, IReadOnlyList<BankPayout> Payouts)> NextBankFileAsync(Caller caller)
    {
        var waiting = await PendingPayoutsAsync(caller);
        var ready = waiting.Where(l => l.Ready).Take(PayoutFiles.MaxPayouts).Select(l => new BankPayout(l.Order, l.Details!.Holder, l.Details.Rib)).ToList();
        // Made by the one grain of open files: a download at the same moment cannot put these payouts in a second file.
        var made = ready.Count == 0 ? new PayoutFileMade(null, [])
            : await grains.GetGrain<IOpenPayoutFilesGrain>(PayoutFiles.OpenKey).OpenAsync([.. ready.Select(p => p.Line)]);
        foreach (var order in made.Orders)
        {
            if (order.Status == PayoutStatus.Held) await PayoutQueue.PutAsync(grains, order); // held now: listed for an admin's review
            else if (order.Status is PayoutStatus.Paid or PayoutStatus.Declined) await PayoutQueue.RemoveAsync(grains, order); // the queue's copy was stale
        }
        if (made.File is not { } file)
            throw waiting.Any(l => l.FileId is not null) || ready.Count > 0
                ? MarketplaceException.Conflict("No new payout is ready for the bank: the others are in bank files that await the bank, on Payments, to download again, mark paid or withdraw.")
                : MarketplaceException.Conflict("No payout is ready for the bank: none is pending with a valid RIB and not held.");
        var accounts = ready.ToDictionary(p => p.Order.Id, StringComparer.Ordinal);
        return (file, [.. made.Orders.Where(o => o.FileId == file.Id && o.Status == PayoutStatus.Pending)
            .Select(o => new BankPayout(o, accounts[o.Id].Holder, accounts[o.Id].Rib, file.Id))]);
    }

    /// <summary>What a bank file is: open, paid or withdrawn (with the reason).</summary>
    public async Task<PayoutFileSummary> BankFileSummaryAsync(Caller caller, string fileId)
    {
        EnsureAdmin(caller);
        var file = (Ids.IsValid(fileId) ? await grains.GetGrain<IPayoutFileGrain>(fileId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout file");
        return PayoutFileSummary.From(file);
    }

    /// <summary>A bank file awaiting the bank, again, as it was made (same id, payouts, amounts, holders and RIBs): refused
    /// once it is marked paid or withdrawn, when a payout of it is no longer ready for the bank (paid, held or declined
    /// since), or when a holder or RIB of its payouts changed since (withdraw it: the next file carries the new account).</summary>
    public async Task<(PayoutFileView File, IReadOnlyList<BankPayout> Payouts)> BankFileAsync(Caller caller, string fileId)
    {
        EnsureAdmin(caller);
        var file = (Ids.IsValid(fileId) ? await grains.GetGrain<IPayoutFileGrain>(fileId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout file");
        if (file.WithdrawnAt is not null) throw MarketplaceException.Conflict("This payout file was withdrawn: its payouts go in the next file.");
        if (file.BankReference is { } reference) throw MarketplaceException.Conflict($"This payout file was already marked paid with reference {reference}.");
        var payouts = await PayoutsNowAsync(caller, file, []);
        if (payouts.Any(p => p.Order.Status != PayoutStatus.Pending))
            throw MarketplaceException.Conflict("A payout of this file is no longer ready for the bank (paid, held or declined since it was made): mark the file paid or withdraw it.");
        if (AccountChanged(file, payouts))
            throw MarketplaceException.Conflict("The account of a payout of this file changed since it was made: withdraw the file, then download the next one.");
        return (file, payouts);
    }

    /// <summary>A bank file as an ISO 20022 pain.001.001.03 credit transfer, created when it was made, to be executed today.</summary>
    public (string FileId, byte[] Xml) Pain001File((PayoutFileView File, IReadOnlyList<BankPayout> Payouts) f) =>
        (f.File.Id, Pain001.Write(f.File.Id, f.Payouts, settings.Bank, f.File.CreatedAt, time.GetUtcNow()));

    /// <summary>A bank file as CSV (UTF-8 with its mark, for spreadsheets).</summary>
    public static (string FileId, byte[] Csv) CsvFile((PayoutFileView File, IReadOnlyList<BankPayout> Payouts) f) => (f.File.Id, PayoutsCsv(f.Payouts));

    /// <summary>The bank will not execute a file (it refused it, or it was lost before it was sent): its payouts go in the
    /// next file. Refused once the file was marked paid, or when one of its payouts was paid (a statement's debit: the
    /// bank executed it), unless the debit named another file; audited once.</summary>
    public async Task<PayoutFileSummary> WithdrawFileAsync(Caller caller, string fileId, PayoutReviewInput input)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        var reason = c.Text("reason", input.Reason, 500);
        c.ThrowIfFailed();
        var grain = grains.GetGrain<IPayoutFileGrain>(fileId);
        var made = (Ids.IsValid(fileId) ? await grain.GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout file");
        // A payout a statement showed paid by another file (a withdrawn one the bank executed all the same) says nothing of this one.
        if (made.WithdrawnAt is null && (await OrdersAsync(caller, made)).Any(o => o.Status == PayoutStatus.Paid && (o.PaidByFileId is null || o.PaidByFileId == fileId)))
            throw MarketplaceException.Conflict("A payout of this file was paid already: the bank executed it; mark the file paid instead.");
        var file = await grain.WithdrawAsync(reason);
        await audit.RecordOnceAsync(caller, $"aud-withdrawn-{file.Id}", file.WithdrawnAt!.Value, AuditActions.PayoutFileWithdrawn, file.Id,
            $"{file.PayoutIds.Count} payouts; {file.TotalMinor} {file.Currency}; reason: {file.WithdrawnReason}");
        return PayoutFileSummary.From(file);
    }

    public static byte[] PayoutsCsv(IEnumerable<BankPayout> payouts)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', PayoutColumns)).Append("\r\n");
        foreach (var b in payouts)
        {
            var p = b.Order;
            csv.Append(string.Join(',', new object?[] { p.Id, p.Kind.Name(), p.BeneficiaryKind, p.BeneficiaryId, p.BeneficiaryName,
                Money.Format(p.AmountMinor), p.Currency, p.NeedId, p.Index, p.CreatedAt.ToString("O"), b.Holder, b.Rib, p.AmountMinor, b.Reference }
                .Select(DashboardExports.CsvField))).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>
    /// The bank executed a file: each of its payouts is marked paid with the bank's reference, then the file. Once: a
    /// payout already paid (by this file or on its own) is left as it is, and the same file again moves nothing.
    /// </summary>
    public async Task<PayoutFileResponse> MarkFilePaidAsync(Caller caller, string fileId, PayoutPaidInput input)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        var reference = c.Text("bankReference", input.BankReference, 100);
        c.ThrowIfFailed();
        var fileGrain = grains.GetGrain<IPayoutFileGrain>(fileId);
        // The file takes the reference first: a second admin's other reference is refused before any payout is marked.
        var file = Ids.IsValid(fileId) ? await fileGrain.ClaimAsync(reference) : throw MarketplaceException.NotFound("Payout file");
        var paidNow = 0;
        foreach (var payoutId in file.PayoutIds)
        {
            var target = await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() ?? throw MarketplaceException.NotFound("Payout");
            var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
            var payout = (await grain.GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == payoutId);
            // Paid by this file already: a repeat after a crash finishes what that payout's first marking left undone.
            // Held after this file was made (a RIB given since): the bank paid it with the file all the same.
            if (payout is null || !(payout.Status is PayoutStatus.Pending or PayoutStatus.Held
                || (payout.Status == PayoutStatus.Paid && payout.BankReference == reference))) continue;
            var paid = await grain.MarkPayoutPaidAsync(caller, payoutId, reference, inBankFile: true, byFile: fileId);
            await PayoutQueue.RemoveAsync(grains, paid);
            await RecordPaidAsync(caller, paid, $"bank {reference}; file {fileId}");
            if (payout.Status != PayoutStatus.Paid) paidNow++;
        }
        file = await fileGrain.MarkPaidAsync(reference);
        return new PayoutFileResponse(file.Id, file.PayoutIds.Count, file.TotalMinor, file.Currency, paidNow, file.BankReference!, file.PaidAt!.Value);
    }

    /// <summary>An admin paid a payout order from the platform's bank account (or <paramref name="byStatement"/>, the
    /// bank's statement shows it paid, by the bank file <paramref name="byFile"/> when its debit names one): its bank
    /// reference is recorded once. By hand, refused while the payout is in a bank file awaiting the bank, or waits after a RIB change.</summary>
    public async Task<PayoutResponse> MarkPaidAsync(Caller caller, string payoutId, PayoutPaidInput input, bool byStatement = false, string? byFile = null)
    {
        var c = new Checks();
        var reference = c.Text("bankReference", input.BankReference, 100);
        c.ThrowIfFailed();
        var target = (Ids.IsValid(payoutId) ? await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout");
        var engagement = grains.GetGrain<IEngagementGrain>(target.NeedId);
        PayoutOrder paid;
        try { paid = await engagement.MarkPayoutPaidAsync(caller, payoutId, reference, inBankFile: false, byStatement, byFile); }
        catch (MarketplaceException refused) when (refused.Problem == Problem.Conflict)
        {
            // Held now by the checks a bank file makes: listed for an admin's review, as a bank file's hold is.
            if ((await engagement.GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == payoutId) is { Status: PayoutStatus.Held } held)
                await PayoutQueue.PutAsync(grains, held);
            throw;
        }
        // The admin's list of payouts to make reads the queue: it must not show this one again on reload. The
        // payout's event takes it off too (a removal is idempotent; the engagement's sync never re-adds a paid one).
        await PayoutQueue.RemoveAsync(grains, paid);
        await RecordPaidAsync(caller, paid, $"bank {reference}");
        return PayoutResponse.From(paid);
    }

    /// <summary>A payout as it is now, for admins (null when no payout has this id).</summary>
    public async Task<PayoutResponse?> FindPayoutAsync(Caller caller, string payoutId)
    {
        EnsureAdmin(caller);
        return Ids.IsValid(payoutId) && await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() is { } target
            && (await grains.GetGrain<IEngagementGrain>(target.NeedId).GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == payoutId) is { } order
            ? PayoutResponse.From(order) : null;
    }

    /// <summary>The engagement whose milestone a transfer reference pays, once that milestone is funded (what the page says after
    /// its confirmation form redirected); null for an unknown reference or a milestone still awaiting its money.</summary>
    public async Task<EngagementResponse?> FindConfirmedAsync(Caller caller, string reference)
    {
        EnsureAdmin(caller);
        var id = reference.Trim().ToLowerInvariant();
        if (!Ids.IsValid(id) || await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() is not { } target) return null;
        var e = await grains.GetGrain<IEngagementGrain>(target.NeedId).GetAsync(caller);
        return target.Index < e.Milestones.Count && e.Milestones[target.Index] is { FundedAt: not null } m && m.PaymentId == id ? EngagementResponse.From(e, caller) : null;
    }

    /// <summary>An admin releases a held payout (it goes in the next bank file) or declines it (it is not paid), with the reason; audited once.</summary>
    public async Task<PayoutResponse> ReviewPayoutAsync(Caller caller, string payoutId, bool release, PayoutReviewInput input)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        var reason = c.Text("reason", input.Reason, 500);
        c.ThrowIfFailed();
        var target = (Ids.IsValid(payoutId) ? await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout");
        var reviewed = await grains.GetGrain<IEngagementGrain>(target.NeedId).ReviewPayoutAsync(caller, payoutId, release, reason);
        // The list reads the queue: it shows the decision at once (the payout's event does the same, idempotently).
        if (reviewed.Status == PayoutStatus.Pending) await PayoutQueue.PutAsync(grains, reviewed);
        else await PayoutQueue.RemoveAsync(grains, reviewed);
        var review = reviewed.Review!;
        await audit.RecordOnceAsync(caller, $"aud-reviewed-{payoutId}", review.At, AuditActions.PayoutReviewed, payoutId,
            $"{(review.Released ? "released" : "declined")}; held for {string.Join(", ", reviewed.HoldReasons ?? [])}; {reviewed.AmountMinor} {reviewed.Currency} to {reviewed.BeneficiaryKind} {reviewed.BeneficiaryId}; reason: {review.Reason}");
        return PayoutResponse.From(reviewed);
    }

    public async Task<ProgrammeResponse> CreateProgrammeAsync(Caller caller, ProgrammeInput input)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        var id = c.Id("id", input.Id);
        var name = c.Text("name", input.Name, 200);
        var percent = c.Whole("subsidyPercent", input.SubsidyPercent, 1, 100);
        if (input.CapPerSmeMinor is null or < 1 or > Checks.MaxMad * 100) c.Error("capPerSmeMinor", $"Required, between 1 and {Checks.MaxMad * 100}.");
        if (input.BudgetMinor is null or < 1 or > Checks.MaxMad * 1000) c.Error("budgetMinor", $"Required, between 1 and {Checks.MaxMad * 1000}.");
        var currency = c.OneOf("currency", input.Currency ?? Reference.DefaultCurrency, [Reference.DefaultCurrency]);
        var rules = (input.Rules ?? new ProgrammeRulesInput()).ToRules(c);
        c.ThrowIfFailed();
        foreach (var institute in rules.InstituteIds)
            if (await grains.GetGrain<Grains.Incubation.IInstituteGrain>(institute).GetAsync() is null)
                throw MarketplaceException.Invalid("rules.instituteIds", $"No institute {institute}.");
        var terms = new ProgrammeTerms(name, percent, input.CapPerSmeMinor!.Value, input.BudgetMinor!.Value, currency);
        var programme = await grains.GetGrain<IProgrammeGrain>(id).CreateAsync(terms, rules);
        await audit.RecordAsync(caller, AuditActions.ProgrammeCreated, id, $"{percent}%; cap {terms.CapPerSmeMinor}; budget {terms.BudgetMinor} {currency}; "
            + $"regions [{string.Join(", ", rules.Regions)}]; sectors [{string.Join(", ", rules.Sectors)}]; employees {rules.MinEmployees}-{rules.MaxEmployees}; "
            + $"institutes [{string.Join(", ", rules.InstituteIds)}]");
        return ProgrammeResponse.From(programme);
    }

    public async Task<ProgrammeResponse> GetProgrammeAsync(Caller caller, string id)
    {
        EnsureAdmin(caller);
        return ProgrammeResponse.From(await grains.GetGrain<IProgrammeGrain>(id).GetAsync() ?? throw MarketplaceException.NotFound("Programme"));
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Payments");
    }

    /// <summary>Named by the payout and written at its payment time: repeated (a retry after a crash, a file marked paid
    /// again), it adds only the entry a crash left out.</summary>
    private Task RecordPaidAsync(Caller caller, PayoutOrder paid, string how) =>
        audit.RecordOnceAsync(caller, $"aud-paid-{paid.Id}", paid.PaidAt!.Value, AuditActions.PayoutPaid, paid.Id,
            $"{Payments.Money.Format(paid.AmountMinor)} {paid.Currency} to {paid.BeneficiaryKind} {paid.BeneficiaryId}; {how}");
}
