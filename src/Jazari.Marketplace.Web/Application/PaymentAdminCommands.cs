using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>What admins do with money, for the API and the admin's payments page: confirm a transfer seen on the
/// platform's account, list the payout orders (and their bank file), mark one paid, create a co-funding programme.
/// The grains check the caller is an admin; each action is audited here, once.</summary>
public sealed class PaymentAdminCommands(IGrainFactory grains, PaymentMoves moves, AuditTrail audit)
{
    public static readonly IReadOnlyList<string> PayoutColumns =
        ["payoutId", "kind", "beneficiaryKind", "beneficiaryId", "beneficiaryName", "amount", "currency", "needId", "milestone", "createdAt"];

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
        var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
        var wasFunded = (await grain.GetAsync(caller)).Milestone(target.Index)?.FundedAt is not null;
        var e = await grain.ConfirmFundingAsync(caller, id, moves.ConfirmedByAdmin.Method, input.AmountMinor!.Value, reference);
        if (!wasFunded) await audit.RecordAsync(caller, AuditActions.PaymentConfirmed, id, $"{input.AmountMinor} {e.Currency}; bank {reference}");
        return EngagementResponse.From(e);
    }

    /// <summary>The payout orders waiting to be paid by bank, oldest first.</summary>
    public async Task<IReadOnlyList<PayoutOrder>> PendingPayoutsAsync(Caller caller, string? status = null)
    {
        EnsureAdmin(caller);
        var c = new Checks();
        if ((status ?? "pending") != "pending") c.Error("status", "Only pending payouts are listed (paid ones are in their engagement).");
        c.ThrowIfFailed();
        return [.. (await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).ListAsync()).OrderBy(p => p.CreatedAt)];
    }

    /// <summary>The bank file of the payout orders (UTF-8 with its mark, for spreadsheets).</summary>
    public static byte[] PayoutsCsv(IEnumerable<PayoutOrder> pending)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', PayoutColumns)).Append("\r\n");
        foreach (var p in pending)
            csv.Append(string.Join(',', new object?[] { p.Id, p.Kind.Name(), p.BeneficiaryKind, p.BeneficiaryId, p.BeneficiaryName,
                Money.Format(p.AmountMinor), p.Currency, p.NeedId, p.Index, p.CreatedAt.ToString("O") }.Select(DashboardExports.CsvField))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>An admin paid a payout order from the platform's bank account: its bank reference is recorded once.</summary>
    public async Task<PayoutResponse> MarkPaidAsync(Caller caller, string payoutId, PayoutPaidInput input)
    {
        var c = new Checks();
        var reference = c.Text("bankReference", input.BankReference, 100);
        c.ThrowIfFailed();
        var target = (Ids.IsValid(payoutId) ? await grains.GetGrain<IPaymentLookupGrain>(payoutId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout");
        var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
        var before = (await grain.GetAsync(caller)).Payouts.FirstOrDefault(p => p.Id == payoutId)?.Status;
        var paid = await grain.MarkPayoutPaidAsync(caller, payoutId, reference);
        // The admin's list of payouts to make reads the queue: it must not show this one again on reload. The
        // payout's event takes it off too (a removal is idempotent; the engagement's sync never re-adds a paid one).
        await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).RemoveAsync(payoutId);
        if (before != PayoutStatus.Paid)
            await audit.RecordAsync(caller, AuditActions.PayoutPaid, payoutId, $"{paid.AmountMinor} {paid.Currency} to {paid.BeneficiaryKind} {paid.BeneficiaryId}; bank {reference}");
        return PayoutResponse.From(paid);
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
}
