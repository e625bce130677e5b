namespace Jazari.Marketplace.Grains.Payments;

/// <summary>One milestone of an engagement as its readers see it (a copy: changing it changes nothing).</summary>
[GenerateSerializer, Alias("jazari.milestone-view")]
public sealed record MilestoneView(
    [property: Id(0)] int Index,
    [property: Id(1)] string Title,
    [property: Id(2)] long AmountMinor,
    [property: Id(3)] DateOnly DueOn,
    [property: Id(4)] MilestoneStatus Status,
    [property: Id(5)] IReadOnlyList<FundingPart> Funding,
    [property: Id(6)] string PaymentId,
    [property: Id(7)] PaymentMethod? Method,
    [property: Id(8)] int Attempt,
    [property: Id(9)] string? PaymentExternalId,
    [property: Id(10)] DateTimeOffset? FundingRequestedAt,
    [property: Id(11)] DateTimeOffset? FundedAt,
    [property: Id(12)] DateTimeOffset? DeliveredAt,
    [property: Id(13)] string? DeliveryNote,
    [property: Id(14)] IReadOnlyList<string> DeliveryLinks,
    [property: Id(15)] DateTimeOffset? ApprovedAt,
    [property: Id(16)] bool ApprovedAutomatically,
    [property: Id(17)] DateTimeOffset? ClosedAt,
    [property: Id(18)] Dispute? Dispute,
    [property: Id(19)] IReadOnlyList<MoneyMove> PendingMoves,
    [property: Id(20)] long ReleasedMinor,
    [property: Id(21)] long RefundedMinor,
    [property: Id(22)] long CardRefundedMinor,
    [property: Id(23)] long CardRefundedByPlatformMinor,
    [property: Id(24)] IReadOnlyList<MoneyMove> ReplacedReleases,
    /// <summary>Releases in doubt (<see cref="IEngagementGrain.StartMoveAsync"/>) while a refund in Stripe's dashboard waits
    /// to be booked, or a dispute is open: looked for at Stripe, never made again, so that neither the refund nor the
    /// dispute's decision pays the same money twice.</summary>
    [property: Id(25)] IReadOnlyList<string> ReleasesToLookUp,
    /// <summary>When the last funding request lapsed unpaid (<see cref="IEngagementGrain.LapseFundingAsync"/>).</summary>
    [property: Id(26)] DateTimeOffset? FundingLapsedAt,
    /// <summary>The SME's share of the request that lapsed (what a late payment of it brings); the rest of the milestone was the programme's.</summary>
    [property: Id(27)] long LapsedSmeMinor,
    /// <summary>Until when the pending request holds the programme's share.</summary>
    [property: Id(28)] DateTimeOffset? HeldUntil,
    /// <summary>How many of the milestone's requests lapsed (or were ended by a cancellation): the pending request's round.</summary>
    [property: Id(29)] int Lapses)
{
    public bool IsClosed => Status is MilestoneStatus.Released or MilestoneStatus.Refunded or MilestoneStatus.Cancelled;
    public long SmeShare => Funding.Where(f => f.Source == FundingSource.Sme).Sum(f => f.AmountMinor);
    public long ProgrammeShare => Funding.Where(f => f.Source == FundingSource.Programme).Sum(f => f.AmountMinor);
    /// <summary>What refunds in Stripe's dashboard took from the escrow.</summary>
    public long CardRefundedFromEscrowMinor => CardRefundedMinor - CardRefundedByPlatformMinor;

    public static MilestoneView Of(MilestoneState m, IReadOnlyList<string> releasesToLookUp) => new(m.Index, m.Title, m.AmountMinor, m.DueOn, m.Status, [.. m.Funding], m.PaymentId,
        m.Method, m.Attempt, m.PaymentExternalId, m.FundingRequestedAt, m.FundedAt, m.DeliveredAt, m.DeliveryNote, [.. m.DeliveryLinks],
        m.ApprovedAt, m.ApprovedAutomatically, m.ClosedAt, m.Dispute, [.. m.PendingMoves], m.ReleasedMinor, m.RefundedMinor, m.CardRefundedMinor,
        m.CardRefundedByPlatformMinor, [.. m.ReplacedReleases], releasesToLookUp, m.FundingLapsedAt, m.LapsedSmeMinor, m.HeldUntil, m.Lapses);
}

/// <summary>An engagement as the caller may see it: its parties, milestones and payout orders (the ledger is read apart).</summary>
[GenerateSerializer, Alias("jazari.engagement-view")]
public sealed record EngagementView(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string Title,
    [property: Id(2)] string SmeId,
    [property: Id(3)] string? SmeAccountId,
    [property: Id(4)] string StartupId,
    [property: Id(5)] string StartupAccountId,
    [property: Id(6)] string StartupName,
    [property: Id(7)] string Currency,
    [property: Id(8)] string? ProgrammeId,
    [property: Id(9)] int SubsidyPercent,
    [property: Id(10)] int FeeBasisPoints,
    [property: Id(11)] DateTimeOffset AwardedAt,
    [property: Id(12)] IReadOnlyList<MilestoneView> Milestones,
    [property: Id(13)] IReadOnlyList<PayoutOrder> Payouts,
    [property: Id(14)] DateTimeOffset? CancelledAt,
    [property: Id(15)] DateTimeOffset? CompletedAt,
    /// <summary>Which party ended it ("sme", "startup"); null while it runs, or when not kept.</summary>
    [property: Id(16)] string? CancelledBy = null)
{
    public MilestoneView? Milestone(int index) => index >= 0 && index < Milestones.Count ? Milestones[index] : null;

    public static EngagementView Of(EngagementState e) => new(e.NeedId, e.Title, e.SmeId, e.SmeAccountId, e.StartupId, e.StartupAccountId,
        e.StartupName, e.Currency, e.ProgrammeId, e.SubsidyPercent, e.FeeBasisPoints, e.AwardedAt, [.. e.Milestones.Select(m => MilestoneView.Of(m,
            m.CardRefundWaiting(e.Payouts) || m.Dispute is { ResolvedAt: null } ? [.. m.MovesInDoubt.Where(op => m.PendingMoves.Any(p => p.OperationId == op))] : []))],
        [.. e.Payouts], e.CancelledAt, e.CompletedAt, e.CancelledBy);
}

/// <summary>The ledger of one engagement: every balanced entry, for the SME and admins.</summary>
[GenerateSerializer, Alias("jazari.engagement-ledger")]
public sealed record EngagementLedger(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string Currency,
    [property: Id(2)] IReadOnlyList<LedgerEntry> Entries);
