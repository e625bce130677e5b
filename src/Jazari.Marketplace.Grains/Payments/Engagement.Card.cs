using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>The engagement's card payments as Stripe reports them: a payment failed or refunded in Stripe, a card dispute
/// (chargeback or inquiry) opened and closed. See <see cref="EngagementGrain"/>.</summary>
internal sealed partial class EngagementGrain
{
    public async Task PaymentFailedAsync(string paymentId, int attempt)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Status != MilestoneStatus.AwaitingFunding || attempt != m.Attempt) return;
        m.Attempt++;
        await SaveAsync();
    }

    public async Task PaymentRefundedAsync(string paymentId, int attempt, long refundedMinor, string paymentIntentId)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Status == MilestoneStatus.AwaitingFunding)
        {
            if (attempt <= m.VoidedAttempt) return;
            m.VoidedAttempt = attempt;
            m.Attempt = Math.Max(m.Attempt, attempt + 1);
            await SaveAsync();
            return;
        }
        if (m.Method != PaymentMethod.Stripe) return;
        // Only the payment that funded the milestone is its money: a second checkout paid by mistake, or one paid after the
        // engagement was cancelled, was never booked, and its refund gives back nothing the milestone holds.
        if (m.FundedAt is null || !FundedBy(m, paymentIntentId))
        {
            logger.LogWarning("Stripe refunded payment {PaymentIntent} of need {NeedId} milestone {Index}, which did not fund it: nothing booked",
                paymentIntentId, NeedId, m.Index);
            return;
        }
        // Stripe reports the total refunded to the card (the SME's share), our own refund moves included.
        var reported = Math.Min(refundedMinor, m.SmeShare);
        if (reported <= m.CardReportedRefundMinor) return;
        m.CardReportedRefundMinor = reported;
        if (await BookCardRefundAsync(m)) return;
        // Kept for the follow-up, which books it once our refund or a release in doubt is settled: an event makes sure one runs.
        await SaveAsync(m.CardRefundWaiting(S.Payouts) ? [AddEvent(EngagementEventKind.PaymentChanged, m.Index)] : []);
    }

    /// <summary>
    /// Books what the card got back beyond the marketplace's own refund moves and earlier reports (a refund made in
    /// Stripe's dashboard), from the escrow while it holds the milestone's money, else from the platform's funds.
    /// Returns whether it saved.
    /// </summary>
    private async Task<bool> BookCardRefundAsync(MilestoneState m)
    {
        // A refund of our own under way is reported back before its move is recorded: what the report holds beyond it is
        // booked once the move is (the follow-up's SyncAsync).
        if (m.PendingMoves.Any(p => p.Kind == MoveKind.Refund)) return false;
        // Nor while a release's last attempt left it in doubt: the refund would outrun a transfer perhaps made.
        if (m.PendingMoves.Any(p => m.MovesInDoubt.Contains(p.OperationId))) return false;
        var outside = m.CardBackMinor - m.RefundedByMoves(S.Payouts);
        var added = outside - m.CardRefundedMinor;
        if (added <= 0) return false;
        // Releases decided but not carried out (waiting for the startup's Stripe account, held by a chargeback, or a
        // decision's release waiting) have not moved the money: a refund outruns them.
        var outrun = m.Status is MilestoneStatus.Approved or MilestoneStatus.Disputed && m.CardReleaseWaits;
        var inEscrow = outrun || m.Status is MilestoneStatus.Funded or MilestoneStatus.Delivered or MilestoneStatus.Disputed && m.PendingMoves.Count == 0;
        var remaining = inEscrow ? m.AmountMinor - m.RefundedMinor - m.ReleasedMinor : 0;
        // The card gets back card money only: what the escrow still holds of the SME's share (the programme's is not the
        // card's to take, whatever a chargeback on top of a refund claims); beyond it, the platform's funds pay.
        var cardLeft = Math.Max(0, m.SmeShare - m.CardRefundedFromEscrowMinor - m.RefundedByMoves(S.Payouts));
        var fromEscrow = Math.Min(added, Math.Min(remaining, cardLeft));
        // Refunded whole, nothing is left to decide: what the programme still has in escrow goes back to it too.
        var whole = inEscrow && m.CardBackMinor >= m.SmeShare;
        var programme = whole ? remaining - fromEscrow : 0;
        // The milestone's money is gone (released, or refunded by a move the dashboard refund overlapped): the card got
        // more than the escrow held, out of the platform's Stripe balance. Booked so, and logged for an admin.
        var fromPlatform = added - fromEscrow;
        if (fromPlatform > 0)
            logger.LogError("Stripe refunded {Amount} of need {NeedId} milestone {Index} beyond its escrow: booked from the platform's funds",
                fromPlatform, NeedId, m.Index);
        await ReturnToProgrammeAsync(m.Index, $"card-refund-{outside}", programme);
        AddEntry(Operation(m.Index, $"card-refund-{outside}"), [new(LedgerAccounts.Escrow, -fromEscrow - programme),
            new(LedgerAccounts.PlatformFunds, -fromPlatform), new(LedgerAccounts.Sme(S.SmeId), added), .. ProgrammeLine(programme)]);
        m.CardRefundedMinor = outside;
        m.CardRefundedByPlatformMinor += fromPlatform;
        m.RefundedMinor += fromEscrow + programme;
        if (!inEscrow) { await SaveAsync(AddEvent(EngagementEventKind.PaymentChanged, m.Index)); return true; }
        DropReleases(m);
        if (whole)
        {
            if (m.Dispute is { ResolvedAt: null } open)
                m.Dispute = open with { ResolvedAt = time.GetUtcNow(), RefundMinor = fromEscrow + programme, RefundProgrammeMinor = programme };
            Close(m, MilestoneStatus.Refunded);
            CompleteIfOver();
            await SaveAsync(AddEvent(EngagementEventKind.PaymentChanged, m.Index));
            return true;
        }
        // Part of the money went back from Stripe's dashboard: where the rest goes is an admin's decision, not the release's.
        if (m.Dispute is { ResolvedAt: null }) await SaveAsync(AddEvent(EngagementEventKind.PaymentChanged, m.Index));
        else await OpenAsync(m, "card-refund", $"Stripe refunded {added} of the {m.SmeShare} (minor units of {S.Currency}) paid by card.");
        return true;
    }

    /// <summary>Whether the payment Stripe names is the one that funded the milestone. One funded under its checkout
    /// session's id (Stripe gave no payment intent) is not told apart: taken as it.</summary>
    private static bool FundedBy(MilestoneState m, string paymentIntentId) =>
        paymentIntentId.Length == 0 || m.PaymentExternalId is not { } funded || !funded.StartsWith("pi_", StringComparison.Ordinal) || funded == paymentIntentId;

    /// <summary>
    /// The releases a refund or a decision replaces: kept aside so that one a job was already carrying out when they were
    /// replaced is still booked when its completion comes (<see cref="CompleteMoveAsync"/>).
    /// </summary>
    private void DropReleases(MilestoneState m)
    {
        var now = time.GetUtcNow();
        m.ReplacedReleases.AddRange(m.PendingMoves.Where(p => p.Kind == MoveKind.Release && !m.ReplacedReleases.Any(r => r.OperationId == p.OperationId))
            .Select(p => p with { ReplacedAt = now }));
        m.PendingMoves.RemoveAll(p => p.Kind == MoveKind.Release);
        m.MovesInDoubt.RemoveAll(op => !m.PendingMoves.Any(p => p.OperationId == op));
    }

    public async Task CardDisputeAsync(string paymentId, string reason, string paymentIntentId)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        // A payment that never funded the milestone: a second checkout, or a card paid after the milestone was funded by a
        // bank transfer (its Stripe payment was refused and never booked; holding the transferred money would let a refund
        // pay the SME a second time, on top of the chargeback).
        if (m.Method != PaymentMethod.Stripe || !FundedBy(m, paymentIntentId))
        {
            logger.LogError("Chargeback on Stripe payment {PaymentIntent} of need {NeedId}, which did not fund milestone {Index}", paymentIntentId, NeedId, m.Index);
            return;
        }
        // The bank closed it before its opening reached us (an event retried late): nothing is left to hold.
        if (m.ChargebackOutcome is not null) return;
        // A cancelled engagement's funded milestones are being refunded: the chargeback is the bank's way to the same end.
        if (S.CancelledAt is not null) return;
        // A chargeback after the bank closed its inquiry, before the admins decided: the decision waits for the bank again.
        if (m.Dispute is { OpenedBy: "card", ResolvedAt: null, BankOutcome: not null } inquired)
        {
            m.Dispute = inquired with { BankOutcome = null };
            await SaveAsync([]);
            return;
        }
        // An approved milestone whose card release has not gone yet (it waits for the startup's Stripe account) is held
        // too: the release stays pending but is not carried out while the dispute is open; the resolution replaces it.
        var held = m.Status == MilestoneStatus.Approved && m.CardReleaseWaits;
        // A dispute a party (or a refund in Stripe) opened, or one decided whose release has not gone yet (a party's, or an
        // inquiry's the bank closed): the bank's claim takes it over. The admins alone decide it (the startup's incubators
        // lose their say), and no release goes until they have. The bank's own dispute (the same webhook delivered again)
        // changes nothing.
        var superseded = m.Dispute is { ResolvedAt: null, OpenedBy: not "card" }
            || m is { Status: MilestoneStatus.Disputed, Dispute.ResolvedAt: not null } && m.PendingMoves.Any(p => p.Kind == MoveKind.Release);
        if (m.Status is not (MilestoneStatus.Funded or MilestoneStatus.Delivered) && !held && !superseded)
        {
            logger.LogWarning("Chargeback on milestone {Index} of need {NeedId}, {Status}: nothing left to hold; answered in Stripe",
                m.Index, NeedId, m.Status.Name());
            return;
        }
        await OpenAsync(m, "card", reason, superseded);
    }

    public async Task ChargebackClosedAsync(string paymentId, string paymentIntentId, bool lost, long amountMinor)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Method != PaymentMethod.Stripe || m.FundedAt is null || !FundedBy(m, paymentIntentId))
        {
            logger.LogWarning("Chargeback closed on Stripe payment {PaymentIntent} of need {NeedId}, which did not fund milestone {Index}: nothing booked",
                paymentIntentId, NeedId, m.Index);
            return;
        }
        // Stripe closes a charge's one dispute once: the same closing again changes nothing.
        if (m.ChargebackOutcome is not null) return;
        // From a lost chargeback on, refunds go by bank: what went to the card by our moves is counted once and for all now
        // (milestones refunded before the count was kept have it in their refund payouts).
        m.CardRefundedByMovesMinor = m.RefundedByMoves(S.Payouts);
        m.ChargebackOutcome = lost ? "lost" : "won";
        if (m.Dispute is { OpenedBy: "card", ResolvedAt: null } open) m.Dispute = open with { BankOutcome = m.ChargebackOutcome }; // an inquiry's "won" too
        if (lost)
        {
            // The bank gave the card holder the money back, out of the platform's Stripe balance: booked as a refund in Stripe
            // is (the escrow while it holds the milestone's money, the platform's funds beyond). Our refunds still to make are
            // not made: Stripe refunds no charged-back charge, and given back whole, the card has its money.
            m.CardChargedBackMinor = Math.Min(amountMinor, m.SmeShare);
            // In part, what is left is an admin's decision (a dispute opens for it).
            m.PendingMoves.RemoveAll(p => p is { Kind: MoveKind.Refund, Method: PaymentMethod.Stripe });
        }
        // Written first, with an event whose follow-up books it should the booking below fail.
        await SaveAsync(lost ? [AddEvent(EngagementEventKind.PaymentChanged, m.Index)] : []);
        if (lost) await BookCardRefundAsync(m);
    }

    public async Task InquiryClosedAsync(string paymentId, string paymentIntentId)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Method != PaymentMethod.Stripe || m.FundedAt is null || !FundedBy(m, paymentIntentId) || m.ChargebackOutcome is not null) return;
        // Unlike a chargeback's closing, nothing is kept for good: a chargeback the bank files later opens and closes as usual.
        if (m.Dispute is { OpenedBy: "card", ResolvedAt: null, BankOutcome: null } open)
        {
            m.Dispute = open with { BankOutcome = "won" };
            await SaveAsync([]);
        }
    }
}
