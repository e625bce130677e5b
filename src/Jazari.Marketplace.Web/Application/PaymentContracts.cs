using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Application;

public sealed class FundInput
{
    public string? Method { get; init; }
}

public sealed class DeliverInput
{
    public string? Note { get; init; }
    public IReadOnlyList<string?>? Links { get; init; }
}

public sealed class DisputeInput
{
    public string? Reason { get; init; }
}

public sealed class ResolveInput
{
    public long? ReleaseMinor { get; init; }
    public long? RefundMinor { get; init; }
    public string? Note { get; init; }
}

public sealed class ConfirmPaymentInput
{
    public long? AmountMinor { get; init; }
    public string? BankReference { get; init; }
}

public sealed class PayoutPaidInput
{
    public string? BankReference { get; init; }
}

public sealed class PayoutReviewInput
{
    public string? Reason { get; init; }
}

/// <summary>A waiting payout order with its beneficiary's payout details (null when none are recorded) and the bank
/// file awaiting the bank it is in, if any.</summary>
public sealed record PayoutLine(PayoutOrder Order, PayoutDetailsView? Details, DateTimeOffset Now, string? FileId = null)
{
    /// <summary>held (for an admin's review), in-bank-file (in a file not yet marked paid or withdrawn), awaiting-details
    /// (no valid RIB), rib-changed (the RIB changed after the order was made: it waits <see cref="PayoutHolds.AfterRibChange"/>
    /// from the change, while the owner's notice of it can be answered, as a payout made just after a change is held), or
    /// pending (ready for the next bank file).</summary>
    public string Status => Order.Status == PayoutStatus.Held ? "held" : FileId is not null ? "in-bank-file" : Details is not { Valid: true } ? "awaiting-details"
        : WaitsUntil is not null ? "rib-changed" : Order.Status.Name();
    /// <summary>Until when a pending payout waits after its beneficiary's RIB changed (<see cref="PayoutHolds.WaitsUntil"/>).</summary>
    public DateTimeOffset? WaitsUntil => Order.Status == PayoutStatus.Pending ? PayoutHolds.WaitsUntil(Order.CreatedAt, Details, Now) : null;
    public bool Ready => Status == "pending";
}

/// <summary>A bank file: open (awaiting the bank), paid (marked paid with the bank's reference) or withdrawn.</summary>
public sealed record PayoutFileSummary(string FileId, int Payouts, long TotalMinor, string Currency, DateTimeOffset CreatedAt, string Status,
    string? BankReference, DateTimeOffset? PaidAt, DateTimeOffset? WithdrawnAt, string? WithdrawnReason)
{
    /// <summary>An open file a holder or RIB of whose payouts changed, or was removed by its owner, since it was made: not
    /// to be sent to the bank (withdraw it; the next file carries the account now recorded). Listed files only.</summary>
    public bool AccountChanged { get; init; }

    public static PayoutFileSummary From(PayoutFileView f) => new(f.Id, f.PayoutIds.Count, f.TotalMinor, f.Currency, f.CreatedAt,
        f.WithdrawnAt is not null ? "withdrawn" : f.PaidAt is not null ? "paid" : "open", f.BankReference, f.PaidAt, f.WithdrawnAt, f.WithdrawnReason);
}

public sealed record PayoutFileResponse(string FileId, int Payouts, long TotalMinor, string Currency, int PaidNow, string BankReference, DateTimeOffset PaidAt);

public sealed class ProgrammeInput
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public int? SubsidyPercent { get; init; }
    public long? CapPerSmeMinor { get; init; }
    public long? BudgetMinor { get; init; }
    public string? Currency { get; init; }
    /// <summary>Who may apply (all optional: no rule).</summary>
    public ProgrammeRulesInput? Rules { get; init; }
}

public sealed class ProgrammeRulesInput
{
    public IReadOnlyList<string?>? Regions { get; init; }
    public IReadOnlyList<string?>? Sectors { get; init; }
    public int? MinEmployees { get; init; }
    public int? MaxEmployees { get; init; }
    /// <summary>The institutes whose managers decide the applications (with admins).</summary>
    public IReadOnlyList<string?>? InstituteIds { get; init; }

    public ProgrammeRules ToRules(Checks c)
    {
        var regions = c.List("rules.regions", Regions, Reference.Regions.Count, 100, Reference.Regions);
        var sectors = c.List("rules.sectors", Sectors, 30, 100);
        if (MinEmployees is not null) c.Whole("rules.minEmployees", MinEmployees, 0, 1_000_000);
        if (MaxEmployees is not null) c.Whole("rules.maxEmployees", MaxEmployees, 0, 1_000_000);
        if (MinEmployees > MaxEmployees) c.Error("rules.minEmployees", "Must not be above the maximum.");
        var institutes = c.List("rules.instituteIds", InstituteIds, 20, 64);
        for (var i = 0; i < institutes.Count; i++) if (!Ids.IsValid(institutes[i])) c.Error($"rules.instituteIds[{i}]", "Not an id.");
        return new ProgrammeRules(regions, sectors, MinEmployees, MaxEmployees, institutes);
    }
}

public sealed record ProgrammeRulesResponse(IReadOnlyList<string> Regions, IReadOnlyList<string> Sectors, int? MinEmployees, int? MaxEmployees,
    IReadOnlyList<string> InstituteIds)
{
    public static ProgrammeRulesResponse From(ProgrammeRules r) => new(r.Regions, r.Sectors, r.MinEmployees, r.MaxEmployees, r.InstituteIds);
}

public sealed record FundResponse(string PaymentId, string Method, long AmountMinor, long ProgrammeMinor, string Currency,
    string? Reference, string? Instructions, string? CheckoutUrl, bool Funded);

/// <summary>A way the SME can pay a milestone here (only the rails configured on this marketplace).</summary>
public sealed record FundingOption(string Method, bool CardCheckout, bool ConfirmedByAdmin);

public sealed record FundingResponse(string Source, long AmountMinor, string Status);

/// <summary>A dispute; <see cref="Mediators"/> are the institutes it proposes (the startup's cohorts'), who may resolve it
/// once the SME accepted them (<see cref="MediatorsAcceptedAt"/>); until then, and without any, the platform's admins.
/// <see cref="BankOutcome"/>: a chargeback's, once the card holder's bank closed it ("won" or "lost").</summary>
public sealed record DisputeResponse(string Id, string OpenedBy, string Reason, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt,
    long? ReleaseMinor, long? RefundMinor, string? Note, IReadOnlyList<string> Mediators, DateTimeOffset? MediatorsAcceptedAt,
    long? RefundProgrammeMinor, string? BankOutcome);

public sealed record EngagementMilestone(int Index, string Title, long AmountMinor, string Status, string DueOn,
    IReadOnlyList<FundingResponse> Funding, string? PaymentId, string? Method, DateTimeOffset? FundedAt, DateTimeOffset? DeliveredAt,
    string? DeliveryNote, IReadOnlyList<string> DeliveryLinks, DateTimeOffset? ApprovedAt, bool ApprovedAutomatically,
    long ReleasedMinor, long RefundedMinor, DisputeResponse? Dispute, DateTimeOffset? FundingRequestedAt, DateTimeOffset? FundingLapsedAt,
    DateTimeOffset? ProgrammeHeldUntil)
{
    /// <summary>The SME's share of the milestone (the rest is the programme's), once funding was asked for.</summary>
    public long SmeMinor => Funding.Where(f => f.Source == "sme").Sum(f => f.AmountMinor);
    /// <summary>The programme's share, once funding was asked for (held for the SME until it pays or the request lapses).</summary>
    public long ProgrammeMinor => Funding.Where(f => f.Source == "programme").Sum(f => f.AmountMinor);
}

/// <summary>A bank transfer an SME chose to fund a milestone by, not confirmed yet: what it should quote and pay.</summary>
public sealed record AwaitingTransferResponse(string PaymentId, string Reference, string NeedId, int Index, string Title, string Milestone,
    string SmeId, string SmeName, long AmountMinor, string Currency, DateTimeOffset RequestedAt);

public sealed record PayoutResponse(string Id, string NeedId, int Index, string Kind, string BeneficiaryKind, string BeneficiaryId,
    string BeneficiaryName, long AmountMinor, string Currency, string Status, DateTimeOffset CreatedAt, string? BankReference, DateTimeOffset? PaidAt,
    IReadOnlyList<string> HoldReasons, string? ReviewReason = null, string? RibMasked = null, string? FileId = null)
{
    public static PayoutResponse From(PayoutOrder p) => new(p.Id, p.NeedId, p.Index, p.Kind.Name(), p.BeneficiaryKind, p.BeneficiaryId,
        p.BeneficiaryName, p.AmountMinor, p.Currency, p.Status.Name(), p.CreatedAt, p.BankReference, p.PaidAt, p.HoldReasons ?? [], p.Review?.Reason);

    public static PayoutResponse From(PayoutLine l) => From(l.Order) with { Status = l.Status, RibMasked = l.Details?.RibMasked, FileId = l.FileId };
}

public sealed record EngagementResponse(string NeedId, string Title, string SmeId, string StartupId, string StartupName, string Currency,
    string? ProgrammeId, int SubsidyPercent, decimal PlatformFeePercent, string Status, IReadOnlyList<EngagementMilestone> Milestones,
    IReadOnlyList<PayoutResponse> Payouts, string? CancelledBy = null)
{
    /// <summary>The engagement as <paramref name="reader"/> may read it: why a payout is held, and an admin's review of it,
    /// are the admins' alone (a hold's reason may be about the other party, such as a shared sign-up network).</summary>
    public static EngagementResponse From(EngagementView e, Caller reader)
    {
        var all = All(e);
        return reader.IsAdmin ? all : all with { Payouts = [.. all.Payouts.Select(p => p with { HoldReasons = [], ReviewReason = null })] };
    }

    private static EngagementResponse All(EngagementView e) => new(e.NeedId, e.Title, e.SmeId, e.StartupId, e.StartupName, e.Currency,
        e.ProgrammeId, e.SubsidyPercent, e.FeeBasisPoints / 100m,
        e.CancelledAt is not null ? "cancelled" : e.CompletedAt is not null ? "completed" : "active",
        [.. e.Milestones.Select(m => new EngagementMilestone(m.Index, m.Title, m.AmountMinor, m.Status.Name(), m.DueOn.ToString("yyyy-MM-dd"),
            [.. m.Funding.Select(f => new FundingResponse(f.Source.Name(), f.AmountMinor, f.Status.Name()))],
            m.Funding.Count > 0 ? m.PaymentId : null, m.Method?.Name(), m.FundedAt, m.DeliveredAt, m.DeliveryNote, m.DeliveryLinks,
            m.ApprovedAt, m.ApprovedAutomatically, m.ReleasedMinor, m.RefundedMinor,
            m.Dispute is { } d ? new DisputeResponse(d.Id, d.OpenedBy, d.Reason, d.OpenedAt, d.ResolvedAt,
                d.ResolvedAt is null ? null : d.ReleaseMinor, d.ResolvedAt is null ? null : d.RefundMinor, d.Note,
                d.MediatorInstitutes, d.MediatorsAcceptedAt, d.ResolvedAt is null ? null : d.RefundProgrammeMinor, d.BankOutcome) : null,
            m.FundingRequestedAt, m.FundingLapsedAt, m.FundedAt is null ? m.HeldUntil : null))],
        [.. e.Payouts.Select(PayoutResponse.From)], e.CancelledBy);
}

public sealed record LedgerLineResponse(string Account, long AmountMinor);

public sealed record LedgerEntryResponse(string Id, string OperationId, DateTimeOffset At, IReadOnlyList<LedgerLineResponse> Lines);

public sealed record LedgerResponse(string NeedId, string Currency, IReadOnlyList<LedgerEntryResponse> Entries, IReadOnlyDictionary<string, long> Balances)
{
    public static LedgerResponse From(EngagementLedger e) => new(e.NeedId, e.Currency,
        [.. e.Entries.Select(x => new LedgerEntryResponse(x.Id, x.OperationId, x.At, [.. x.Lines.Select(l => new LedgerLineResponse(l.Account, l.AmountMinor))]))],
        e.Entries.SelectMany(x => x.Lines).GroupBy(l => l.Account).ToDictionary(g => g.Key, g => g.Sum(l => l.AmountMinor)));
}

public sealed record ProgrammeResponse(string Id, string Name, int SubsidyPercent, long CapPerSmeMinor, long BudgetMinor, string Currency,
    long CommittedMinor, long RemainingMinor, DateTimeOffset CreatedAt, ProgrammeRulesResponse Rules, bool Open)
{
    public static ProgrammeResponse From(ProgrammeView p) => new(p.Id, p.Terms.Name, p.Terms.SubsidyPercent, p.Terms.CapPerSmeMinor,
        p.Terms.BudgetMinor, p.Terms.Currency, p.CommittedMinor, p.Terms.BudgetMinor - p.CommittedMinor, p.CreatedAt,
        ProgrammeRulesResponse.From(p.Rules), p.CommittedMinor < p.Terms.BudgetMinor);
}
