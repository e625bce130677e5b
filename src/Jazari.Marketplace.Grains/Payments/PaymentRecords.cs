namespace Jazari.Marketplace.Grains.Payments;

public enum MilestoneStatus { AwaitingFunding, Funded, Delivered, Approved, Released, Refunded, Disputed, Cancelled }

public enum FundingSource { Sme, Programme }

public enum FundingStatus { Pending, Paid, Returned }

public enum PaymentMethod { BankTransfer, Stripe }

/// <summary>Money leaving escrow: to the startup (release) or back to the payers (refund).</summary>
public enum MoveKind { Release, Refund }

/// <summary>Held: waiting for an admin's review (<see cref="PayoutOrder.HoldReasons"/>), then pending again or declined (not paid).</summary>
public enum PayoutStatus { Pending, Paid, Held, Declined }

/// <summary>The settings of payments the grains decide with (the host reads them from configuration).</summary>
[GenerateSerializer, Alias("jazari.payment-rules")]
public sealed record PaymentRules(
    [property: Id(0)] int PlatformFeeBasisPoints,
    [property: Id(1)] TimeSpan AutoReleaseAfter,
    [property: Id(2)] int ProgrammeHoldDays = 14)
{
    public static PaymentRules Default => new(500, TimeSpan.FromDays(14));

    /// <summary>How long a funding request holds the programme's share of a milestone for the SME to pay its own.</summary>
    public TimeSpan ProgrammeHold => TimeSpan.FromDays(ProgrammeHoldDays);

    /// <summary>The platform's fee on a release of <paramref name="amountMinor"/> (rounded down to the minor unit).</summary>
    public static long Fee(long amountMinor, int basisPoints) => amountMinor * basisPoints / 10_000;

    /// <summary>What a programme paying <paramref name="percent"/> asks to reserve of a milestone of <paramref name="amountMinor"/>
    /// (rounded down; the SME's cap may grant less).</summary>
    public static long ProgrammeShare(long amountMinor, int percent) => amountMinor * percent / 100;

    /// <summary>The programme's part of <paramref name="amountMinor"/> taken from an escrow of <paramref name="escrowMinor"/>
    /// holding <paramref name="programmeMinor"/> of the programme's money: pro rata, rounded down.</summary>
    public static long ProgrammePart(long amountMinor, long programmeMinor, long escrowMinor) =>
        escrowMinor <= 0 ? 0 : (long)((Int128)amountMinor * programmeMinor / escrowMinor);

    /// <summary>The fee these rules take from a release.</summary>
    public long FeeOf(long amountMinor) => Fee(amountMinor, PlatformFeeBasisPoints);
}

/// <summary>Who pays which part of a milestone, and whether it is paid.</summary>
[GenerateSerializer, Alias("jazari.funding-part")]
public sealed record FundingPart(
    [property: Id(0)] FundingSource Source,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] FundingStatus Status);

/// <summary>One line of a ledger entry: a signed amount on an account (credit positive, debit negative).</summary>
[GenerateSerializer, Alias("jazari.ledger-line")]
public sealed record LedgerLine([property: Id(0)] string Account, [property: Id(1)] long AmountMinor);

/// <summary>A balanced movement (its lines sum to zero), tied to the operation that caused it; written once per operation.</summary>
[GenerateSerializer, Alias("jazari.ledger-entry")]
public sealed record LedgerEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string OperationId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] IReadOnlyList<LedgerLine> Lines);

/// <summary>
/// Money the engagement decided to move out of escrow and that the host carries out (a Stripe transfer or refund,
/// or a payout order for the bank); <see cref="OperationId"/> is its idempotency key. For a release the startup
/// gets <c>AmountMinor - FeeMinor</c>; for a refund the programme gets <see cref="ProgrammeMinor"/> back, the SME the rest.
/// </summary>
[GenerateSerializer, Alias("jazari.money-move")]
public sealed record MoneyMove(
    [property: Id(0)] string OperationId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Index,
    [property: Id(3)] MoveKind Kind,
    [property: Id(4)] long AmountMinor,
    [property: Id(5)] long FeeMinor,
    [property: Id(6)] long ProgrammeMinor,
    [property: Id(7)] string Currency,
    [property: Id(8)] PaymentMethod Method,
    [property: Id(9)] string StartupId,
    [property: Id(10)] string? PaymentExternalId,
    /// <summary>When a refund or a decision replaced it, before it was carried out (<see cref="MilestoneState.ReplacedReleases"/>).</summary>
    [property: Id(11)] DateTimeOffset? ReplacedAt = null,
    /// <summary>One of the two moves of a release split by where its money is (a co-funded milestone paid by card): the
    /// card's part at Stripe (<see cref="ProgrammeMinor"/> 0) or the programme's at the bank (all of it the programme's).</summary>
    [property: Id(12)] bool BySource = false)
{
    public long NetMinor => Kind switch
    {
        MoveKind.Release => AmountMinor - FeeMinor,
        MoveKind.Refund => AmountMinor - ProgrammeMinor,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown move kind."),
    };
}

/// <summary>An order for an admin to pay by bank: a release to the startup or a refund to the SME.</summary>
[GenerateSerializer, Alias("jazari.payout-order")]
public sealed record PayoutOrder(
    [property: Id(0)] string Id,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Index,
    [property: Id(3)] MoveKind Kind,
    [property: Id(4)] string BeneficiaryKind,
    [property: Id(5)] string BeneficiaryId,
    [property: Id(6)] string BeneficiaryName,
    [property: Id(7)] long AmountMinor,
    [property: Id(8)] string Currency,
    [property: Id(9)] PayoutStatus Status,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] string? BankReference,
    [property: Id(12)] DateTimeOffset? PaidAt,
    [property: Id(13)] IReadOnlyList<string>? HoldReasons = null,
    [property: Id(14)] PayoutReview? Review = null,
    /// <summary>What its move took from escrow: the payout and the fee (a release), or and the programme's share (a
    /// refund). 0 in payouts written before it was kept.</summary>
    [property: Id(15)] long GrossMinor = 0,
    /// <summary>The bank file it was last put in (<see cref="IOpenPayoutFilesGrain"/>); while that file awaits the bank,
    /// the payout goes in no other file, is marked paid with the file (or the bank's statement), and is not declined.</summary>
    [property: Id(16)] string? FileId = null,
    /// <summary>The bank file that paid it, when known: the file marked paid, or the one a statement's debit named
    /// (a withdrawn file the bank executed all the same). Null when paid by hand, or before it was kept.</summary>
    [property: Id(17)] string? PaidByFileId = null,
    /// <summary>Of <see cref="GrossMinor"/>, the co-funding programme's money, when the release was split by where its money
    /// is (<see cref="MoneyMove.BySource"/>); null otherwise (a receipt shares the gross pro rata).</summary>
    [property: Id(18)] long? ProgrammeMinor = null);

/// <summary>An admin's decision on a held payout: released (it goes to the bank) or declined, with the reason.</summary>
[GenerateSerializer, Alias("jazari.payout-review")]
public sealed record PayoutReview(
    [property: Id(0)] bool Released,
    [property: Id(1)] string Reason,
    [property: Id(2)] string By,
    [property: Id(3)] DateTimeOffset At);

[GenerateSerializer, Alias("jazari.dispute")]
public sealed record Dispute(
    [property: Id(0)] string Id,
    [property: Id(1)] string OpenedBy,
    [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset OpenedAt,
    [property: Id(4)] DateTimeOffset? ResolvedAt,
    [property: Id(5)] long ReleaseMinor,
    [property: Id(6)] long RefundMinor,
    [property: Id(7)] string? Note,
    [property: Id(8)] string? ResolvedBy,
    [property: Id(9)] IReadOnlyList<string>? Mediators = null,
    [property: Id(10)] DateTimeOffset? MediatorsAcceptedAt = null,
    /// <summary>Of <see cref="RefundMinor"/>, what goes back to the co-funding programme that paid its share of the milestone
    /// (the SME is refunded the rest).</summary>
    [property: Id(11)] long RefundProgrammeMinor = 0,
    /// <summary>A chargeback that came on a dispute already open (a party's, or a refund in Stripe's), or on a party's decided
    /// with a release not yet gone: the admins decide again, and its e-mails are named by its opening (the milestone's earlier
    /// dispute had the same id).</summary>
    [property: Id(12)] bool Superseded = false,
    /// <summary>A chargeback's outcome once the card holder's bank closed it ("won": the money stays; "lost": it went
    /// back to the card); null while the bank decides, and for a party's dispute.</summary>
    [property: Id(13)] string? BankOutcome = null)
{
    /// <summary>The institutes proposed to mediate: those of the startup's cohorts when it opened (none for disputes stored
    /// before mediators were recorded).</summary>
    public IReadOnlyList<string> MediatorInstitutes => Mediators ?? [];

    /// <summary>The institutes whose managers may read the engagement and resolve the dispute: the proposed ones once the SME
    /// accepted them (the startup's incubators get no say over the SME's money by the startup's choice alone); until
    /// then, and without mediators, only admins resolve.</summary>
    public IReadOnlyList<string> AcceptedMediatorInstitutes => MediatorsAcceptedAt is null ? [] : MediatorInstitutes;

    /// <summary>The key of the sentence the parties read for a dispute Stripe opened (a chargeback, a refund made in Stripe):
    /// its <see cref="Reason"/> is the bank's or Stripe's own words, kept for the admins.</summary>
    public static string? ReasonKey(string openedBy) => openedBy is "card" or "card-refund" ? $"dispute.{openedBy}" : null;
}

/// <summary>What the SME must pay for a milestone and how: the host turns it into bank instructions or a Checkout Session.</summary>
[GenerateSerializer, Alias("jazari.funding-request")]
public sealed record FundingRequest(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Index,
    [property: Id(3)] string Title,
    [property: Id(4)] PaymentMethod Method,
    [property: Id(5)] long SmeMinor,
    [property: Id(6)] long ProgrammeMinor,
    [property: Id(7)] string Currency,
    [property: Id(8)] int Attempt,
    [property: Id(9)] bool Funded);

/// <summary>Where a payment, payout or dispute id belongs.</summary>
[GenerateSerializer, Alias("jazari.payment-target")]
public sealed record PaymentTarget([property: Id(0)] string NeedId, [property: Id(1)] int Index);

[GenerateSerializer, Alias("jazari.milestone-state")]
public sealed class MilestoneState
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public long AmountMinor { get; set; }
    [Id(3)] public DateOnly DueOn { get; set; }
    [Id(4)] public MilestoneStatus Status { get; set; }
    [Id(5)] public List<FundingPart> Funding { get; set; } = [];
    [Id(6)] public string PaymentId { get; set; } = "";
    [Id(7)] public PaymentMethod? Method { get; set; }
    /// <summary>Counts the SME's payment attempts (a failed card payment starts a new one).</summary>
    [Id(8)] public int Attempt { get; set; }
    /// <summary>The payment's id at the bank (its reference) or at Stripe (the payment intent).</summary>
    [Id(9)] public string? PaymentExternalId { get; set; }
    [Id(10)] public DateTimeOffset? FundingRequestedAt { get; set; }
    [Id(11)] public DateTimeOffset? FundedAt { get; set; }
    [Id(12)] public DateTimeOffset? DeliveredAt { get; set; }
    [Id(13)] public string? DeliveryNote { get; set; }
    [Id(14)] public List<string> DeliveryLinks { get; set; } = [];
    [Id(15)] public DateTimeOffset? ApprovedAt { get; set; }
    [Id(16)] public bool ApprovedAutomatically { get; set; }
    [Id(17)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(18)] public Dispute? Dispute { get; set; }
    /// <summary>Moves decided and not yet carried out (at most two: a release and a refund).</summary>
    [Id(19)] public List<MoneyMove> PendingMoves { get; set; } = [];
    [Id(20)] public long ReleasedMinor { get; set; }
    [Id(21)] public long RefundedMinor { get; set; }
    /// <summary>The last card payment attempt refunded at Stripe before its completion reached us: it, and older ones, never fund the milestone.</summary>
    [Id(22)] public int VoidedAttempt { get; set; }
    /// <summary>What Stripe reported refunded to the card outside the marketplace's own moves (a refund from the dashboard).</summary>
    [Id(23)] public long CardRefundedMinor { get; set; }
    /// <summary>What the marketplace's own refund moves gave back to the card (Stripe's reports include it).</summary>
    [Id(24)] public long CardRefundedByMovesMinor { get; set; }
    /// <summary>Releases a refund or a decision replaced before they were carried out (at most a few).</summary>
    [Id(25)] public List<MoneyMove> ReplacedReleases { get; set; } = [];
    /// <summary>How many dispute decisions the milestone had (each names its moves' operations).</summary>
    [Id(26)] public int Decisions { get; set; }
    /// <summary>The most Stripe reported refunded to the card, up to the SME's share (our own refunds included).</summary>
    [Id(27)] public long CardReportedRefundMinor { get; set; }
    /// <summary>The part of <see cref="CardRefundedMinor"/> the escrow could not cover, booked from the platform's funds.</summary>
    [Id(28)] public long CardRefundedByPlatformMinor { get; set; }
    /// <summary>Pending moves whose last attempt failed with the outcome unknown (a transfer perhaps made, the answer lost):
    /// no refund in Stripe outruns them until an attempt tells (they complete, or wait for their beneficiary).</summary>
    [Id(29)] public List<string> MovesInDoubt { get; set; } = [];
    /// <summary>Whether the milestone's awaited bank transfer is on the admins' list (<see cref="AwaitingTransfers"/>).</summary>
    [Id(30)] public bool ListedAsAwaitingTransfer { get; set; }
    /// <summary>How many funding requests lapsed unpaid (<see cref="IEngagementGrain.LapseFundingAsync"/>), or were ended by the
    /// engagement's cancellation (its share given back the same way): each later request reserves the programme's share
    /// under an operation of its own.</summary>
    [Id(31)] public int Lapses { get; set; }
    /// <summary>When the last funding request lapsed (the SME is told on the engagement's page until it asks again).</summary>
    [Id(32)] public DateTimeOffset? FundingLapsedAt { get; set; }
    /// <summary>The programme's share the last lapsed reservation held (given back to its budget after the lapse is written:
    /// see <see cref="LapsesGivenBack"/>). A late payment refused also lapses the reservation it made.</summary>
    [Id(33)] public long LapsedProgrammeMinor { get; set; }
    /// <summary>When the SME last opened a card checkout for the request (it may still be paid for a day).</summary>
    [Id(34)] public DateTimeOffset? LastCheckoutAt { get; set; }
    /// <summary>How many lapsed requests gave the programme's share back (one behind <see cref="Lapses"/> until it is given).</summary>
    [Id(35)] public int LapsesGivenBack { get; set; }
    /// <summary>Until when the request holds the programme's share (<see cref="PaymentRules.ProgrammeHold"/> after its first ask).</summary>
    [Id(36)] public DateTimeOffset? HeldUntil { get; set; }
    /// <summary>The SME's share of the request that last lapsed: what a late payment of it brings.</summary>
    [Id(37)] public long LapsedSmeMinor { get; set; }
    /// <summary>When a bank statement showed the SME's transfer sent back (a reversal naming this payment): the escrow
    /// may not hold the money, so the milestone's payouts wait for an admin.</summary>
    [Id(38)] public DateTimeOffset? FundingReversedAt { get; set; }

    /// <summary>What a chargeback the card holder's bank closed against the platform took back to the card.</summary>
    [Id(39)] public long CardChargedBackMinor { get; set; }
    /// <summary>How the card holder's bank closed its chargeback of the funding payment ("won" or "lost"); null before.</summary>
    [Id(40)] public string? ChargebackOutcome { get; set; }

    public bool IsClosed => Status is MilestoneStatus.Released or MilestoneStatus.Refunded or MilestoneStatus.Cancelled;
    public long SmeShare => Funding.Where(f => f.Source == FundingSource.Sme).Sum(f => f.AmountMinor);
    public long ProgrammeShare => Funding.Where(f => f.Source == FundingSource.Programme).Sum(f => f.AmountMinor);
    /// <summary>What refunds in Stripe's dashboard took from the escrow.</summary>
    public long CardRefundedFromEscrowMinor => CardRefundedMinor - CardRefundedByPlatformMinor;

    /// <summary>What the milestone's own refund moves gave back to the card; milestones refunded before the count was kept:
    /// their refund payouts (of the engagement's <paramref name="payouts"/>) say it.</summary>
    public long RefundedByMoves(IEnumerable<PayoutOrder> payouts) =>
        // After a lost chargeback refunds go by bank: the count alone says what went to the card.
        ChargebackOutcome == "lost" ? CardRefundedByMovesMinor
            : Math.Max(CardRefundedByMovesMinor, payouts.Where(p => p.Index == Index && p.Kind == MoveKind.Refund).Sum(p => p.AmountMinor));

    /// <summary>Whether Stripe reported more refunded to the card than is booked (a refund in Stripe's dashboard waits).</summary>
    public bool CardRefundWaiting(IEnumerable<PayoutOrder> payouts) => CardBackMinor - RefundedByMoves(payouts) > CardRefundedMinor;

    /// <summary>Whether the milestone's card money is still in escrow behind releases waiting (for the startup's Stripe
    /// account, a chargeback, a decision): every move pending is a release, and a split one has its card part waiting
    /// (its programme part goes after it).</summary>
    public bool CardReleaseWaits => PendingMoves.Count > 0 && PendingMoves.All(p => p.Kind == MoveKind.Release)
        && (!PendingMoves.Any(p => p.BySource) || PendingMoves.Any(p => p is { BySource: true, Method: PaymentMethod.Stripe }));

    /// <summary>What went back to the card: refunds Stripe reported, and a chargeback lost on top of them (the bank may take
    /// back what was refunded already: the card then got it twice, and the platform's funds paid it).</summary>
    public long CardBackMinor => CardReportedRefundMinor + CardChargedBackMinor;
}

/// <summary>
/// The engagement of one awarded need (keyed by need id): its milestones from the accepted bid, their funding and
/// escrow, the ledger of every movement and the payout orders. Bounded: at most 10 milestones, each with a few
/// ledger entries and at most two payout orders.
/// </summary>
[GenerateSerializer, Alias("jazari.engagement-state")]
public sealed class EngagementState
{
    [Id(0)] public string NeedId { get; set; } = "";
    [Id(1)] public string Title { get; set; } = "";
    [Id(2)] public string SmeId { get; set; } = "";
    [Id(3)] public string? SmeAccountId { get; set; }
    [Id(4)] public string StartupId { get; set; } = "";
    [Id(5)] public string StartupAccountId { get; set; } = "";
    [Id(6)] public string StartupName { get; set; } = "";
    [Id(7)] public string Currency { get; set; } = Reference.DefaultCurrency;
    [Id(8)] public string? ProgrammeId { get; set; }
    [Id(9)] public int SubsidyPercent { get; set; }
    [Id(10)] public long CapPerSmeMinor { get; set; }
    /// <summary>The platform fee on releases, agreed at the award (basis points: 500 = 5%).</summary>
    [Id(11)] public int FeeBasisPoints { get; set; }
    [Id(12)] public DateTimeOffset AwardedAt { get; set; }
    [Id(13)] public List<MilestoneState> Milestones { get; set; } = [];
    [Id(14)] public List<LedgerEntry> Ledger { get; set; } = [];
    [Id(15)] public List<PayoutOrder> Payouts { get; set; } = [];
    [Id(16)] public DateTimeOffset? CancelledAt { get; set; }
    [Id(17)] public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Events written with the change that caused them, until their follow-up job confirms them.</summary>
    [Id(18)] public List<EngagementEvent> PendingEvents { get; set; } = [];
    /// <summary>The day the first milestone was funded: the work's start, which the bid's days count from (each milestone's
    /// due day moved by the days it came after the award). Null until then, and in engagements funded before it was kept.</summary>
    [Id(19)] public DateOnly? StartedOn { get; set; }
    /// <summary>The notifications the follow-ups told, as "account|key", oldest first (<see cref="IEngagementGrain.ToldAsync"/>); empty in
    /// engagements stored before it was kept (their accounts' own memory of keys still holds).</summary>
    [Id(20)] public List<string> Told { get; set; } = [];
    /// <summary>When the state was last written only to keep its pending events in the follow-up sweep's sight.</summary>
    [Id(21)] public DateTimeOffset? PendingRewrittenAt { get; set; }
    /// <summary>Which party ended the engagement: "sme" or "startup"; null while it runs, and in engagements cancelled
    /// before it was kept (their cancellation was told to nobody).</summary>
    [Id(22)] public string? CancelledBy { get; set; }

    public MilestoneState? Milestone(int index) => index >= 0 && index < Milestones.Count ? Milestones[index] : null;
}

/// <summary>The accounts of the ledger; balances come from the entries.</summary>
public static class LedgerAccounts
{
    public const string Escrow = "escrow";
    public const string PlatformFees = "platform-fees";
    /// <summary>The platform's own money: what it paid out of its funds (a release carried out twice).</summary>
    public const string PlatformFunds = "platform-funds";
    /// <summary>What an admin declined to pay out (a held payout): kept by the platform, no longer owed to its beneficiary,
    /// until an admin settles it outside the marketplace (sent back to the payer, or gone with a transfer the bank took back).</summary>
    public const string PayoutsDeclined = "payouts-declined";
    public static string Sme(string smeId) => $"sme:{smeId}";
    public static string Programme(string programmeId) => $"programme:{programmeId}";
    public static string Startup(string startupId) => $"startup:{startupId}";

    public static long Balance(IEnumerable<LedgerEntry> entries, string account) =>
        entries.SelectMany(e => e.Lines).Where(l => l.Account == account).Sum(l => l.AmountMinor);
}

public static class PaymentNames
{
    public static string Name(this MilestoneStatus status) => status switch
    {
        MilestoneStatus.AwaitingFunding => "awaiting-funding",
        MilestoneStatus.Funded => "funded",
        MilestoneStatus.Delivered => "delivered",
        MilestoneStatus.Approved => "approved",
        MilestoneStatus.Released => "released",
        MilestoneStatus.Refunded => "refunded",
        MilestoneStatus.Disputed => "disputed",
        MilestoneStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown milestone status."),
    };

    public static string Name(this PaymentMethod method) => method switch
    {
        PaymentMethod.BankTransfer => "bank-transfer",
        PaymentMethod.Stripe => "stripe",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown payment method."),
    };

    public static PaymentMethod? ParseMethod(string? name) => name switch
    {
        "bank-transfer" => PaymentMethod.BankTransfer,
        "stripe" => PaymentMethod.Stripe,
        _ => null,
    };

    public static string Name(this FundingSource source) => source switch
    {
        FundingSource.Sme => "sme",
        FundingSource.Programme => "programme",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown funding source."),
    };

    public static string Name(this FundingStatus status) => status switch
    {
        FundingStatus.Pending => "pending",
        FundingStatus.Paid => "paid",
        FundingStatus.Returned => "returned",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown funding status."),
    };

    public static string Name(this PayoutStatus status) => status switch
    {
        PayoutStatus.Pending => "pending",
        PayoutStatus.Paid => "paid",
        PayoutStatus.Held => "held",
        PayoutStatus.Declined => "declined",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown payout status."),
    };

    public static string Name(this MoveKind kind) => kind switch
    {
        MoveKind.Release => "release",
        MoveKind.Refund => "refund",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown move kind."),
    };
}

/// <summary>
/// Ids of payments, payouts and disputes: short (a bank reference is typed by people), derived from the need and
/// milestone so that repeating a request names the same object, and located through <see cref="IPaymentLookupGrain"/>.
/// </summary>
public static class PaymentIds
{
    public static string Payment(string needId, int index) => "pay-" + Hash($"{needId}:m{index}:payment");
    /// <summary>One payout per move: a milestone's first release and refund (operations <c>…:release</c>, <c>…:refund</c>)
    /// keep the ids they always had; a decision's moves and a release booked late have their own.</summary>
    public static string Payout(string operationId, MoveKind kind) => kind switch
    {
        MoveKind.Release => "po-",
        MoveKind.Refund => "rf-",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown move kind."),
    } + Hash(operationId);
    public static string Dispute(string needId, int index) => "dsp-" + Hash($"{needId}:m{index}:dispute");

    /// <summary>Operation ids: the ledger keeps one entry per operation, Stripe one movement per idempotency key.</summary>
    public static string Operation(string needId, int index, string what) => $"{needId}:m{index}:{what}";

    /// <summary>The letters of the ids' hashes (no i, l, o, 0, 1: they are misread when typed).</summary>
    public const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    /// <summary>The length of the hash after the prefix.</summary>
    public const int HashLength = 12;

    private static string Hash(string value)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value));
        return new string([.. bytes.Take(HashLength).Select(b => Alphabet[b % Alphabet.Length])]);
    }
}
