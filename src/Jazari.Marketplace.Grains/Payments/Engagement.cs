using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The engagement of an awarded need (keyed by need id): milestone by milestone, the SME (and the need's programme)
/// fund the escrow, the startup delivers, the SME approves and the money is released, less the platform fee; or a
/// dispute is resolved by releasing, refunding or splitting. It decides and records; each change is one write of its
/// state together with its event (<see cref="EngagementEvent"/>), and the host's follow-up job carries out what the
/// event calls for (the money moves it recorded, reported back with <see cref="CompleteMoveAsync"/>; the other grains;
/// the e-mails; the schedules), then confirms it. Created from the need's award on first use, so it exists whenever
/// the need is awarded. It decides who may see and do what: the SME (and admins, for it), the awarded startup, and
/// the managers of the institutes a dispute names as its mediators, once the SME accepted them; anyone else is told it
/// does not exist.
/// </summary>
public interface IEngagementGrain : IGrainWithStringKey
{
    /// <summary>Creates the engagement from the need's award if it is not there yet (the SME will be reminded to fund
    /// the first milestone). Not found when the need is not awarded.</summary>
    Task OpenAsync();
    /// <summary>The engagement, for its SME, its startup, admins and its disputes' mediator managers; else not found.</summary>
    Task<EngagementView> GetAsync(Caller caller);
    /// <summary>The ledger, for the SME and admins; else not found.</summary>
    Task<EngagementLedger> GetLedgerAsync(Caller caller);
    /// <summary>The SME asks to fund a milestone: the programme's share is reserved, the SME's share is what to pay.
    /// Asking again returns the same payment (with the method asked for the last time).</summary>
    Task<FundingRequest> RequestFundingAsync(Caller caller, int index, PaymentMethod method);
    /// <summary>The SME's share arrived (an admin saw the transfer, or Stripe completed the checkout: both as admins):
    /// the escrow holds the milestone. The same payment confirmed again changes nothing; a different amount than the
    /// SME's share is refused.</summary>
    Task<EngagementView> ConfirmFundingAsync(Caller caller, string paymentId, PaymentMethod method, long amountMinor, string externalId, int attempt = 0);
    /// <summary>A funding request of a co-funded milestone still unpaid <see cref="PaymentRules.ProgrammeHold"/> after it was made
    /// lapses: the programme's share goes back to its budget, the transfer is no longer
    /// awaited, and the milestone waits for a new request (the same payment and reference; the programme grants its share
    /// again if its budget allows; a payment of the lapsed request arriving late is still taken if the programme grants the
    /// same share again). A card checkout opened before the hold's end is waited for, a day at most. <paramref name="round"/>
    /// names the request (the milestone's lapses before it): another round's call changes nothing. Returns when to try again
    /// when the request is not due yet; null once it lapsed, or when it has nothing to lapse (paid, cancelled, no programme).</summary>
    Task<DateTimeOffset?> LapseFundingAsync(int index, int round);
    /// <summary>A card payment attempt failed: the next funding request starts a new one.</summary>
    Task PaymentFailedAsync(string paymentId, int attempt);
    /// <summary>The card payment was refunded at the processor (not by a move of ours): the milestone's escrow goes back.</summary>
    Task PaymentRefundedAsync(string paymentId, int attempt, long refundedMinor, string paymentIntentId);
    /// <summary>The cardholder disputed the payment with their bank: the milestone is disputed.</summary>
    Task CardDisputeAsync(string paymentId, string reason, string paymentIntentId);
    /// <summary>The card holder's bank closed its chargeback. <paramref name="lost"/>: the bank took
    /// <paramref name="amountMinor"/> back to the card, booked as a refund to the SME (the milestone's escrow, else the
    /// platform's funds); won: the money stays, and the admins may now decide the dispute. Repeating it changes nothing.</summary>
    Task ChargebackClosedAsync(string paymentId, string paymentIntentId, bool lost, long amountMinor);
    /// <summary>The card holder's bank closed an inquiry without a chargeback: no money moved, and the admins may decide
    /// the dispute it opened. Not the end of it: the bank may still file a chargeback, which is followed as the first.</summary>
    Task InquiryClosedAsync(string paymentId, string paymentIntentId);
    /// <summary>The startup delivers a funded milestone with a note and links (the SME then approves, or the release comes
    /// by itself after the auto-release days). The same delivery again changes nothing; a cancelled engagement, 409.</summary>
    Task<EngagementView> DeliverAsync(Caller caller, int index, string note, IReadOnlyList<string> links);
    /// <summary>The SME approves a delivery: its release is decided (and carried out by the follow-up). Approving again changes nothing.</summary>
    Task<EngagementView> ApproveAsync(Caller caller, int index);
    /// <summary>A delivery neither approved nor disputed within the auto-release delay is approved; true when it is (now or before).</summary>
    Task<bool> AutoReleaseAsync(int index);
    /// <summary>The SME or the startup disputes a funded or delivered milestone; the institutes of the startup's cohorts
    /// at this time become the dispute's mediators.</summary>
    Task<EngagementView> OpenDisputeAsync(Caller caller, int index, string reason);
    /// <summary>The SME accepts the institutes the dispute proposes as mediators (those of the startup's cohorts): only then
    /// do their managers see the engagement and may resolve the dispute. Once; repeating it changes nothing.</summary>
    Task<EngagementView> AcceptMediatorsAsync(Caller caller, int index);
    /// <summary>An admin, or a manager whose account belongs to one of the dispute's mediator institutes the SME accepted,
    /// splits the escrow; anyone else is told the dispute does not exist.</summary>
    Task<EngagementView> ResolveDisputeAsync(Caller caller, int index, long releaseMinor, long refundMinor, string note);
    /// <summary>The SME ends the engagement: unfunded milestones are cancelled, funded ones refunded. The
    /// startup may end one nothing was paid for, nor asked to be paid in the last <see cref="PaymentRules.ProgrammeHold"/>
    /// (a transfer may be on its way): an SME that accepts and never pays does not hold it for good.</summary>
    Task<EngagementView> CancelAsync(Caller caller);
    /// <summary>True when <see cref="CancelAsync"/> would end the engagement for this caller now.</summary>
    Task<bool> CanCancelAsync(Caller caller);
    /// <summary>The host carried out a move (<paramref name="externalId"/>: the Stripe transfer or refund; null for the bank: a payout order).</summary>
    Task<EngagementView> CompleteMoveAsync(string operationId, string? externalId);
    /// <summary>The host is about to carry out a pending move: false when it is no longer pending (replaced meanwhile). A
    /// release is in doubt from then until it completes or waits (a transfer perhaps made, its answer lost, the job killed):
    /// no refund in Stripe outruns it meanwhile.</summary>
    Task<bool> StartMoveAsync(string operationId);
    /// <summary>The release was not carried out: it waits for its beneficiary, or the processor has no trace of it.</summary>
    Task MoveNotMadeAsync(string operationId);
    /// <summary>A replaced release was looked for at the processor and not found: a day after its replacement no job can
    /// still carry it out, and it is no longer looked for.</summary>
    Task ReplacedReleaseNotFoundAsync(string operationId);
    /// <summary>An admin paid a payout order by bank; the same reference again changes nothing. <paramref name="inBankFile"/>:
    /// the bank executed a file holding it, so a hold put on it after the file was made does not undo that payment.
    /// <paramref name="byStatement"/>: the bank's statement shows it paid. Otherwise (by hand) it is refused while the
    /// payout is in a bank file awaiting the bank, which would pay it again. <paramref name="byFile"/>: the file that
    /// paid it, when known (kept on the payout).</summary>
    Task<PayoutOrder> MarkPayoutPaidAsync(Caller caller, string payoutId, string bankReference, bool inBankFile, bool byStatement = false, string? byFile = null);
    /// <summary>An admin releases a held payout (it goes to the bank) or declines it (it is not paid), with the reason. The same
    /// decision again changes nothing; the other one is refused.</summary>
    Task<PayoutOrder> ReviewPayoutAsync(Caller caller, string payoutId, bool release, string reason);
    /// <summary>Before a payout goes in a bank file: a pending payout is held if a hold applies now (its beneficiary gave a
    /// RIB after it was ordered, the same as the other side's), unless an admin released it after the beneficiary's payout
    /// details last changed. Returns it as it stands.</summary>
    Task<PayoutOrder> RecheckHoldsAsync(string payoutId);
    /// <summary>The payout goes in bank file <paramref name="fileId"/> if it may: pending once its holds are checked again,
    /// not paid, and in none of the <paramref name="openFiles"/>. Returns it as it stands (its file id set if it went in).</summary>
    Task<PayoutOrder> FileAsync(string payoutId, string fileId, IReadOnlyCollection<string> openFiles);
    /// <summary>A bank statement shows the transfer that funded <paramref name="paymentId"/> sent back: the milestone's
    /// payouts not paid yet, and those to come, are held for an admin (<see cref="PayoutHolds.FundingReversed"/>). Once;
    /// returns the milestone's payouts held for it (again on a repeat, so a retried upload lists them).</summary>
    Task<IReadOnlyList<PayoutOrder>> FundingReversedAsync(string paymentId);
    /// <summary>Books what Stripe reported refunded to a card and is not booked yet, then tells the other grains what
    /// happened (need status, KPIs, the payout list); each call is idempotent. Throws on failure.</summary>
    Task SyncAsync();
    /// <summary>The follow-up of an event is done: it is no longer pending.</summary>
    Task ConfirmEventAsync(string eventId);
    /// <summary>Of these notification keys, those the follow-ups have not told yet (<see cref="ToldAsync"/>).</summary>
    Task<IReadOnlyList<string>> UntoldAsync(IReadOnlyList<string> keys);
    /// <summary>The follow-ups told the parties these notifications: the engagement remembers them, so a later follow-up,
    /// which tells what the whole state calls for, does not tell them again once the accounts have forgotten their keys.</summary>
    Task ToldAsync(IReadOnlyList<string> keys);
    /// <summary>Hands the pending events to the follow-ups again (after a failure between the write and the hand-over, or of a job).</summary>
    Task RaisePendingEventsAsync();
    /// <summary>
    /// The account was erased: its party's name (the startup's name, or the need's title for the SME) becomes the
    /// pseudonym, in the payout orders too, and the texts it wrote (delivery notes and links, dispute reasons) are
    /// blanked. Amounts, ledger entries and ids stay: the law keeps them. Repeating it changes nothing.
    /// </summary>
    Task EraseParticipantAsync(string accountId, string pseudonym);
    /// <summary>The startup renamed itself: a mission under way shows the new name (pages, e-mails, payouts to come);
    /// a completed or cancelled one keeps the name it was done under.</summary>
    Task RenameStartupAsync(string startupId, string name);
}

/// <summary>The engagement grain (see <see cref="IEngagementGrain"/>): funding, delivery, approval, disputes, cancellation and
/// its events here; its card callbacks in <c>Engagement.Card.cs</c>, its money moves and payouts in <c>Engagement.Payouts.cs</c>.</summary>
internal sealed partial class EngagementGrain(
    [PersistentState("engagement", "marketplace")] IPersistentState<EngagementState> state,
    IGrainFactory grains,
    PaymentRules rules,
    IEngagementEvents events,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<EngagementGrain> logger) : Grain, IEngagementGrain
{
    public const int MaxPendingEvents = 64;
    /// <summary>Notifications remembered as told (reader and key): an engagement's ten milestones call for a few dozen; beyond, the oldest go.</summary>
    public const int MaxTold = 500;
    /// <summary>How often an engagement whose events stay pending is written again: well within the follow-up sweep's look-back (a day).</summary>
    public static readonly TimeSpan KeptInSweepEvery = TimeSpan.FromHours(12);

    private EngagementState S => state.State;
    private string NeedId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists) return;
        await RaiseAsync([.. S.PendingEvents]);
        // Engagements stored before the admins' list of awaited transfers: listed the first time they are loaded.
        if (S.Milestones.Any(m => Awaited(m) != m.ListedAsAwaitingTransfer)) await ListAwaitingTransfersAsync();
        // Requests made before the programme's hold existed: held from now, their lapse scheduled by the event's follow-up.
        var unheld = S.Milestones.Where(m => m is { Status: MilestoneStatus.AwaitingFunding, FundedAt: null, FundingRequestedAt: not null, HeldUntil: null }
            && m.ProgrammeShare > 0 && S.CancelledAt is null).ToList();
        foreach (var m in unheld) m.HeldUntil = time.GetUtcNow() + rules.ProgrammeHold;
        if (unheld.Count > 0) await SaveAsync([.. unheld.Select(m => AddEvent(EngagementEventKind.FundingRequested, m.Index))]);
        // Payouts declined before a decline moved the ledger: booked the first time they are loaded.
        var declined = S.Payouts.Where(p => p.Status == PayoutStatus.Declined && !S.Ledger.Any(e => e.OperationId == $"{p.Id}:declined")).ToList();
        foreach (var p in declined) AddEntry($"{p.Id}:declined", Declined(p, 1));
        if (declined.Count > 0) await SaveAsync();
    }

    public Task OpenAsync() => EnsureAsync();

    public async Task<EngagementView> GetAsync(Caller caller)
    {
        await EnsureAsync();
        if (!IsParty(caller) && !await IsMediatorAsync(caller, S.Milestones.Select(m => m.Dispute).OfType<Dispute>())) throw NotFound();
        return View();
    }

    public async Task<EngagementLedger> GetLedgerAsync(Caller caller)
    {
        await EnsureAsync();
        if (!caller.IsAdmin) EnsureSme(caller);
        return new EngagementLedger(NeedId, S.Currency, [.. S.Ledger]);
    }

    public async Task<FundingRequest> RequestFundingAsync(Caller caller, int index, PaymentMethod method)
    {
        await EnsureAsync();
        EnsureSme(caller);
        if (S.CancelledAt is not null) throw MarketplaceException.Conflict("The engagement was cancelled.");
        var m = MilestoneOf(index);
        if (m.Status != MilestoneStatus.AwaitingFunding)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; it needs no funding.");
        if (m.Funding.Count == 0) await ReserveSharesAsync(m);
        m.Method = method;
        m.Attempt = Math.Max(m.Attempt, 1);
        m.FundingRequestedAt ??= time.GetUtcNow();
        if (m.ProgrammeShare > 0) m.HeldUntil ??= m.FundingRequestedAt + rules.ProgrammeHold;
        // A checkout opened during the hold may be paid a day after it; one opened after its end is not waited for.
        if (method == PaymentMethod.Stripe && !(time.GetUtcNow() >= m.HeldUntil)) m.LastCheckoutAt = time.GetUtcNow();
        if (m.SmeShare == 0) Fund(m, "programme");
        await SaveAsync(AddEvent(m.FundedAt is null ? EngagementEventKind.FundingRequested : EngagementEventKind.Funded, index));
        return Request(m);
    }

    /// <summary>A new request (or the payment of a lapsed one): the programme's share is reserved, under an operation of
    /// this round (a lapse's give-back still owed is made first), and the SME's share is the rest.</summary>
    private async Task ReserveSharesAsync(MilestoneState m)
    {
        await GiveBackLapsedAsync(m);
        var programme = 0L;
        if (S.ProgrammeId is { } programmeId && S.SubsidyPercent > 0)
            programme = await grains.GetGrain<IProgrammeSmeGrain>(ProgrammeSmeGrain.Key(programmeId, S.SmeId))
                .ReserveAsync(Operation(m.Index, m.Lapses == 0 ? "programme" : $"programme-{m.Lapses + 1}"), PaymentRules.ProgrammeShare(m.AmountMinor, S.SubsidyPercent), S.CapPerSmeMinor);
        m.Funding = [new FundingPart(FundingSource.Sme, m.AmountMinor - programme, FundingStatus.Pending)];
        if (programme > 0) m.Funding.Add(new FundingPart(FundingSource.Programme, programme, FundingStatus.Pending));
        m.PaymentId = PaymentIds.Payment(NeedId, m.Index);
        await grains.GetGrain<IPaymentLookupGrain>(m.PaymentId).SetAsync(new PaymentTarget(NeedId, m.Index));
    }

    public async Task<EngagementView> ConfirmFundingAsync(Caller caller, string paymentId, PaymentMethod method, long amountMinor, string externalId, int attempt = 0)
    {
        await EnsureAsync();
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Payment");
        var m = ByPayment(paymentId);
        if (m.FundedAt is not null)
        {
            if (m.PaymentExternalId != externalId)
                throw MarketplaceException.Conflict($"Milestone {m.Index} is already funded (by {m.Method?.Name()}, {m.PaymentExternalId}).");
            // The same confirmation again (a retry after a crash) changes nothing; with another amount, it is not the same one.
            if (amountMinor != m.SmeShare)
                throw MarketplaceException.Invalid("amountMinor", $"The SME's share of milestone {m.Index} is {m.SmeShare} (minor units of {S.Currency}); {amountMinor} was received.");
            return View();
        }
        if (m.Status != MilestoneStatus.AwaitingFunding)
            throw MarketplaceException.Conflict($"Milestone {m.Index} is {m.Status.Name()}; it takes no payment.");
        if (method == PaymentMethod.Stripe && attempt <= m.VoidedAttempt) return View(); // refunded at Stripe before its completion reached us
        if (m.Funding.Count == 0)
        {
            if (m.FundingLapsedAt is null || S.CancelledAt is not null) throw MarketplaceException.Conflict($"Nobody asked to fund milestone {m.Index} yet.");
            await TakeLatePaymentAsync(m, amountMinor);
        }
        if (amountMinor != m.SmeShare)
            throw MarketplaceException.Invalid("amountMinor", $"The SME's share of milestone {m.Index} is {m.SmeShare} (minor units of {S.Currency}); {amountMinor} was received.");
        m.Method = method;
        Fund(m, externalId);
        await SaveAsync(AddEvent(EngagementEventKind.Funded, m.Index));
        return View();
    }

    /// <summary>
    /// A payment of a lapsed request (a transfer made in time and confirmed late, a card checkout reported late): the
    /// programme is asked again, as a new request would ask it. Granting the same share, the payment covers the SME's and
    /// funds the milestone; granting another (its budget or the SME's cap used meanwhile), it does not: that reservation
    /// lapses at once and the payment is refused: a card's goes back to the card (the webhook refunds it), a transfer is
    /// for an admin to settle with the SME.
    /// </summary>
    private async Task TakeLatePaymentAsync(MilestoneState m, long amountMinor)
    {
        await ReserveSharesAsync(m);
        if (amountMinor == m.SmeShare)
        {
            m.FundingRequestedAt = time.GetUtcNow();
            return;
        }
        var granted = m.ProgrammeShare;
        (m.Lapses, m.LapsedProgrammeMinor, m.Funding) = (m.Lapses + 1, granted, []);
        await SaveAsync(AddEvent(EngagementEventKind.PaymentChanged, m.Index)); // its follow-up gives the share back if the call below fails
        await GiveBackLapsedAsync(m);
        throw MarketplaceException.Invalid("amountMinor", $"The funding request of milestone {m.Index} lapsed and the programme now pays {granted} of it: the SME's share is {m.AmountMinor - granted} (minor units of {S.Currency}); {amountMinor} was received.");
    }

    public async Task<DateTimeOffset?> LapseFundingAsync(int index, int round)
    {
        await EnsureAsync();
        var m = MilestoneOf(index);
        if (m is { Status: MilestoneStatus.AwaitingFunding, FundedAt: null, FundingRequestedAt: { } requestedAt, HeldUntil: { } heldUntil }
            && m.Lapses == round && m.ProgrammeShare > 0 && S.CancelledAt is null)
        {
            // A card checkout opened before the end of the hold may still be paid (Stripe keeps one open for a day at most): it is
            // waited for, a day past the hold at most.
            var due = m.LastCheckoutAt is { } checkout && checkout < heldUntil ? Later(heldUntil, checkout + StripeCheckoutLifetime) : heldUntil;
            if (time.GetUtcNow() < due) return due;
            if (m.ListedAsAwaitingTransfer) await AwaitingTransfers.RemoveAsync(grains, m.PaymentId, requestedAt);
            m.ListedAsAwaitingTransfer = false;
            m.Lapses++;
            (m.LapsedProgrammeMinor, m.LapsedSmeMinor) = (m.ProgrammeShare, m.SmeShare);
            m.FundingLapsedAt = time.GetUtcNow();
            (m.Funding, m.Method, m.FundingRequestedAt, m.HeldUntil, m.LastCheckoutAt) = ([], null, null, null, null);
            m.Attempt++; // a new request opens a new card checkout
            await SaveAsync(AddEvent(EngagementEventKind.FundingLapsed, index));
        }
        await GiveBackLapsedAsync(m);
        return null;
    }

    /// <summary>Gives the programme back the share the last lapsed request held, once (by the lapse's operation). Written
    /// after the lapse; a failure in between is made good by the next call: the lapse job's retry, the engagement's
    /// follow-up (<see cref="SyncAsync"/>), or any new reservation, which first settles what is owed.</summary>
    private async Task GiveBackLapsedAsync(MilestoneState m)
    {
        if (m.LapsesGivenBack >= m.Lapses) return;
        await ReturnToProgrammeAsync(m.Index, $"lapse-{m.Lapses}", m.LapsedProgrammeMinor);
        m.LapsesGivenBack = m.Lapses;
        await state.SaveAsync();
    }

    /// <summary>How long a Stripe checkout stays open at most (its default, which the marketplace keeps).</summary>
    private static readonly TimeSpan StripeCheckoutLifetime = TimeSpan.FromDays(1);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public async Task<EngagementView> DeliverAsync(Caller caller, int index, string note, IReadOnlyList<string> links)
    {
        await EnsureAsync();
        EnsureStartup(caller);
        var m = MilestoneOf(index);
        if (m.Status == MilestoneStatus.Delivered && m.DeliveryNote == note && m.DeliveryLinks.SequenceEqual(links)) return View();
        // After a cancellation a funded milestone waits for its refund: delivering it would open a release of the same escrow.
        if (S.CancelledAt is not null) throw MarketplaceException.Conflict("The engagement was cancelled.");
        if (m.Status != MilestoneStatus.Funded)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a funded milestone is delivered.");
        m.Status = MilestoneStatus.Delivered;
        m.DeliveredAt = time.GetUtcNow();
        m.DeliveryNote = note;
        m.DeliveryLinks = [.. links];
        await SaveAsync(AddEvent(EngagementEventKind.Delivered, index));
        return View();
    }

    public async Task<EngagementView> ApproveAsync(Caller caller, int index)
    {
        await EnsureAsync();
        EnsureSme(caller);
        var m = MilestoneOf(index);
        if (m.ApprovedAt is not null) return View(); // a second approval, or two at once: one release
        if (m.Status != MilestoneStatus.Delivered)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a delivered milestone is approved.");
        Approve(m, automatically: false);
        await SaveAsync(AddEvent(EngagementEventKind.Approved, index));
        return View();
    }

    public async Task<bool> AutoReleaseAsync(int index)
    {
        await EnsureAsync();
        var m = MilestoneOf(index);
        if (m.ApprovedAt is not null) return true;
        if (m.Status != MilestoneStatus.Delivered || time.GetUtcNow() < m.DeliveredAt + rules.AutoReleaseAfter) return false;
        Approve(m, automatically: true);
        await SaveAsync(AddEvent(EngagementEventKind.Approved, index));
        return true;
    }

    public async Task<EngagementView> OpenDisputeAsync(Caller caller, int index, string reason)
    {
        await EnsureAsync();
        var side = caller.AccountId == S.StartupAccountId ? Roles.Startup : IsSme(caller) ? Roles.Sme : throw NotFound();
        var m = MilestoneOf(index);
        if (m.Dispute is { ResolvedAt: null } open)
        {
            if (open.OpenedBy == side && open.Reason == reason) return View();
            throw MarketplaceException.Conflict($"Milestone {index} is already disputed.");
        }
        if (S.CancelledAt is not null) throw MarketplaceException.Conflict("The engagement was cancelled.");
        if (m.Status is not (MilestoneStatus.Funded or MilestoneStatus.Delivered))
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a funded or delivered milestone is disputed.");
        await OpenAsync(m, side, reason);
        return View();
    }

    public async Task<EngagementView> AcceptMediatorsAsync(Caller caller, int index)
    {
        await EnsureAsync();
        // The SME's own account: an admin cannot consent for it.
        if (S.SmeAccountId is null || caller.AccountId != S.SmeAccountId || S.Milestone(index) is not { Dispute: { } dispute } m)
            throw MarketplaceException.NotFound("Dispute");
        if (dispute.MediatorsAcceptedAt is not null) return View();
        if (dispute.MediatorInstitutes.Count == 0) throw MarketplaceException.Conflict("This dispute proposes no mediator: the platform's team resolves it.");
        if (dispute.ResolvedAt is not null) throw MarketplaceException.Conflict("This dispute is already resolved.");
        m.Dispute = dispute with { MediatorsAcceptedAt = time.GetUtcNow() };
        await SaveAsync(AddEvent(EngagementEventKind.MediatorsAccepted, index));
        return View();
    }

    public async Task<EngagementView> ResolveDisputeAsync(Caller caller, int index, long releaseMinor, long refundMinor, string note)
    {
        await EnsureAsync();
        if (S.Milestone(index) is not { Dispute: { } dispute } m || !(caller.IsAdmin || await IsMediatorAsync(caller, [dispute])))
            throw MarketplaceException.NotFound("Dispute");
        if (dispute.ResolvedAt is not null)
        {
            if (dispute.ReleaseMinor == releaseMinor && dispute.RefundMinor == refundMinor && dispute.Note == note) return View();
            throw MarketplaceException.Conflict("This dispute is already resolved.");
        }
        // A held release carried out after all (it was under way when the chargeback came) leaves nothing in escrow to decide.
        if (m.Status != MilestoneStatus.Disputed) throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; its money has moved.");
        // The card holder's bank has the money's fate in hand: Stripe refuses a refund of a charge under chargeback, and a
        // release could be taken back by the bank. The admins answer it in Stripe; the decision here comes after the bank's.
        if (dispute is { OpenedBy: "card", BankOutcome: null })
            throw MarketplaceException.Conflict("The card holder's bank has not closed its chargeback yet: decide once it has.");
        // A release under way when the dispute came (its job died, or its answer was lost) may have gone: the follow-up looks
        // it up at the processor first, or the decision could pay the startup a second time.
        if (m.MovesInDoubt.Any(op => m.PendingMoves.Any(p => p.OperationId == op)))
            throw MarketplaceException.Conflict($"A release of milestone {index} may be under way; decide in a few minutes, once it is known.");
        // Less what Stripe already refunded to the card, and a refund an earlier decision ordered (a chargeback came before it
        // was booked): that refund stays its own, as it may be under way; this decision shares the rest.
        var escrow = m.AmountMinor - m.RefundedMinor - m.ReleasedMinor - m.PendingMoves.Where(p => p.Kind == MoveKind.Refund).Sum(p => p.AmountMinor);
        if (releaseMinor < 0 || refundMinor < 0 || releaseMinor + refundMinor != escrow)
            throw MarketplaceException.Invalid("releaseMinor", $"releaseMinor and refundMinor must add up to the escrow of the milestone, {escrow}.");
        DropReleases(m); // a release held by a chargeback: the decision replaces it (refunds are never in doubt)
        // The decision's moves have operations of their own: a held release finishing late is never taken for one of them.
        // A later dispute of the same milestone (a second refund in Stripe) decides under operations of its own too.
        var decision = ++m.Decisions == 1 ? "" : $"-{m.Decisions}";
        var refund = refundMinor > 0 ? RefundMove(m, refundMinor, "decided-refund" + decision) : null;
        m.Dispute = dispute with
        {
            ResolvedAt = time.GetUtcNow(), ReleaseMinor = releaseMinor, RefundMinor = refundMinor, Note = note, ResolvedBy = caller.AccountId,
            RefundProgrammeMinor = refund?.ProgrammeMinor ?? 0,
        };
        if (releaseMinor > 0) m.PendingMoves.AddRange(ReleaseMoves(m, releaseMinor, "decided-release" + decision));
        if (refund is not null) m.PendingMoves.Add(refund);
        await SaveAsync(AddEvent(EngagementEventKind.DisputeResolved, index));
        return View();
    }

    public async Task<bool> CanCancelAsync(Caller caller)
    {
        await EnsureAsync();
        if (!(IsSme(caller) || caller.AccountId == S.StartupAccountId) || S.CancelledAt is not null) return false;
        try { CheckCancel(caller); return true; }
        catch (MarketplaceException) { return false; }
    }

    public async Task<EngagementView> CancelAsync(Caller caller)
    {
        await EnsureAsync();
        // The parties decide; an admin reads, and never ends a mission in a party's place.
        if (!(IsSme(caller) || caller.AccountId == S.StartupAccountId)) throw NotFound();
        if (S.CancelledAt is not null) return View();
        var by = CheckCancel(caller);
        foreach (var m in S.Milestones)
        {
            if (m.Status == MilestoneStatus.AwaitingFunding)
            {
                // The programme's reserved share is owed back as a lapse's is: written with the cancellation, given back after
                // it, once (a kill in between leaves it owed to the follow-up; the lapse job gives nothing for a cancelled one).
                if (m.ProgrammeShare > 0) (m.Lapses, m.LapsedProgrammeMinor) = (m.Lapses + 1, m.ProgrammeShare);
                m.Funding = [.. m.Funding.Select(f => f with { Status = FundingStatus.Returned })];
                Close(m, MilestoneStatus.Cancelled);
            }
            else if (m.Status == MilestoneStatus.Funded && m.PendingMoves.Count == 0)
            {
                m.PendingMoves.Add(RefundMove(m, m.AmountMinor));
            }
        }
        S.CancelledAt = time.GetUtcNow();
        S.CancelledBy = by;
        CompleteIfOver();
        await SaveAsync(AddEvent(EngagementEventKind.Cancelled, -1));
        try
        {
            foreach (var m in S.Milestones) await GiveBackLapsedAsync(m);
        }
        catch (Exception failure) when (failure is not MarketplaceException) // the cancellation is written: its follow-up gives it back
        {
            logger.LogWarning(failure, "Need {NeedId}: the programme's share not given back at the cancellation; the follow-up will", NeedId);
        }
        return View();
    }

    /// <summary>Which party ends the engagement ("sme" or "startup"), or why it may not end it now.</summary>
    private string CheckCancel(Caller caller)
    {
        var by = IsSme(caller) ? Roles.Sme : Roles.Startup;
        if (S.CompletedAt is not null) throw MarketplaceException.Conflict("The engagement is completed.");
        if (S.Milestones.FirstOrDefault(m => m.Status is MilestoneStatus.Delivered or MilestoneStatus.Approved or MilestoneStatus.Disputed) is { } busy)
            throw MarketplaceException.Conflict($"Milestone {busy.Index} is {busy.Status.Name()}; approve it or settle its dispute first.");
        if (by == Roles.Startup && S.Milestones.Any(m => m.Status != MilestoneStatus.AwaitingFunding || m.FundedAt is not null
                || m.FundingRequestedAt is { } asked && time.GetUtcNow() < asked + rules.ProgrammeHold))
            throw MarketplaceException.Conflict("Money of this engagement is paid or on its way; only the SME can end it now.");
        return by;
    }

    public async Task RenameStartupAsync(string startupId, string name)
    {
        if (!state.RecordExists || S.StartupId != startupId || S.StartupName == name || S.CompletedAt is not null || S.CancelledAt is not null) return;
        S.StartupName = name;
        await state.SaveAsync();
    }

    public async Task EraseParticipantAsync(string accountId, string pseudonym)
    {
        if (!state.RecordExists) return;
        var side = accountId == S.StartupAccountId ? "startup" : accountId == S.SmeAccountId ? "sme" : null;
        if (side is null) return;
        if (side == "startup")
        {
            S.StartupName = pseudonym;
            S.Payouts = [.. S.Payouts.Select(p => p.BeneficiaryId == S.StartupId ? p with { BeneficiaryName = pseudonym } : p)];
            foreach (var m in S.Milestones.Where(m => m.DeliveredAt is not null))
                (m.DeliveryNote, m.DeliveryLinks) = ("", []);
        }
        else
        {
            S.Title = ErasedNeed.Title(pseudonym);
            S.Payouts = [.. S.Payouts.Select(p => p.BeneficiaryId == S.SmeId ? p with { BeneficiaryName = pseudonym } : p)];
        }
        foreach (var m in S.Milestones.Where(m => m.Dispute?.OpenedBy == side))
            m.Dispute = m.Dispute! with { Reason = "" };
        await state.SaveAsync(); // erasure is rare: written each time rather than compared
        await PayoutQueue.RenameBeneficiaryAsync(grains, side == "startup" ? S.StartupId : S.SmeId, pseudonym);
        if (side == "sme") // the admins' list of awaited transfers takes the need's new title
            foreach (var m in S.Milestones.Where(m => m.ListedAsAwaitingTransfer))
            {
                await AwaitingTransfers.RemoveAsync(grains, m.PaymentId, m.FundingRequestedAt!.Value);
                await AwaitingTransfers.PutAsync(grains, AwaitedTransfer(m));
            }
    }

    public async Task SyncAsync()
    {
        if (!state.RecordExists) return;
        // A refund in Stripe's dashboard reported while a refund of ours was under way (or a release was in doubt) is told
        // apart from it once ours is recorded: here, after the follow-up carried the moves out, and at each follow-up until it is booked.
        foreach (var m in S.Milestones.Where(m => m.Method == PaymentMethod.Stripe)) await BookCardRefundAsync(m);
        foreach (var m in S.Milestones) await GiveBackLapsedAsync(m);
        await ListAwaitingTransfersAsync();
        var need = grains.GetGrain<INeedGrain>(NeedId);
        var activity = grains.GetGrain<IStartupActivityGrain>(S.StartupId);
        if (S.Milestones.Any(m => m.FundedAt is not null)) await need.EngagementStartedAsync();
        foreach (var m in S.Milestones)
        {
            var key = $"{NeedId}:m{m.Index}";
            if (m.DeliveredAt is { } delivered) await activity.MilestoneDeliveredAsync(key, m.DueOn, delivered);
            if (m.IsClosed && m.ReleasedMinor > 0) await activity.MilestoneReleasedAsync(key, m.ReleasedMinor, m.ClosedAt!.Value);
        }
        foreach (var payout in S.Payouts)
        {
            switch (payout.Status)
            {
                case PayoutStatus.Pending or PayoutStatus.Held: await PayoutQueue.PutAsync(grains, payout); break;
                case PayoutStatus.Paid or PayoutStatus.Declined: await PayoutQueue.RemoveAsync(grains, payout); break;
                default: throw new InvalidOperationException($"Unknown payout status {payout.Status}.");
            }
            // The cohort dashboard's "paid out" counts only what reached the startup; pending stays pending, declined is neither.
            if (payout.BeneficiaryKind == "startup")
                await activity.PayoutAsync(payout.Id, payout.AmountMinor, payout.Status, payout.PaidAt ?? payout.CreatedAt);
        }
        if (S.CompletedAt is not null)
        {
            // Ended before it was done: the startup's figures keep only what was released of the contract.
            if (S.CancelledAt is not null)
                await activity.AwardEndedAsync(NeedId, S.SmeId, S.Milestones.Sum(m => m.AmountMinor), S.Milestones.Sum(m => m.ReleasedMinor), S.AwardedAt);
            await need.EngagementClosedAsync(completed: S.CancelledAt is null);
            await grains.GetGrain<Profiles.IStartupGrain>(S.StartupId).ProjectEndedAsync(NeedId); // its capacity is free again for matching
        }
    }

    /// <summary>The admins' list of awaited bank transfers follows the milestones: listed while the SME's transfer is
    /// awaited, off it once confirmed, paid otherwise or cancelled. Each listing is done before it is recorded (a crash
    /// repeats it: the list takes it once).</summary>
    private async Task ListAwaitingTransfersAsync()
    {
        foreach (var m in S.Milestones)
        {
            var awaited = Awaited(m);
            if (awaited == m.ListedAsAwaitingTransfer) continue;
            if (awaited) await AwaitingTransfers.PutAsync(grains, AwaitedTransfer(m));
            else await AwaitingTransfers.RemoveAsync(grains, m.PaymentId, m.FundingRequestedAt ?? time.GetUtcNow());
            m.ListedAsAwaitingTransfer = awaited;
            await state.SaveAsync();
        }
    }

    private bool Awaited(MilestoneState m) =>
        m is { Status: MilestoneStatus.AwaitingFunding, Method: PaymentMethod.BankTransfer, FundingRequestedAt: not null } && S.CancelledAt is null;

    private AwaitingTransfer AwaitedTransfer(MilestoneState m) => new(m.PaymentId, NeedId, m.Index, AwaitingTransfers.Cut(S.Title),
        AwaitingTransfers.Cut(m.Title), S.SmeId, m.SmeShare, S.Currency, m.FundingRequestedAt!.Value);

    public async Task ConfirmEventAsync(string eventId)
    {
        if (state.RecordExists && S.PendingEvents.RemoveAll(e => e.Id == eventId) > 0) await state.SaveAsync();
    }

    public async Task RaisePendingEventsAsync()
    {
        if (!state.RecordExists || S.PendingEvents.Count == 0) return;
        // An event its follow-ups could not carry out for half a day (Stripe refusing a transfer, a startup's onboarding
        // unfinished): the state is written again, twice a day, so that the hourly sweep, which raises the events of the
        // engagements written in the last day, keeps raising it until it is done.
        var now = time.GetUtcNow();
        if (now - S.PendingEvents.Min(e => e.At) >= KeptInSweepEvery && !(now - S.PendingRewrittenAt < KeptInSweepEvery))
        {
            S.PendingRewrittenAt = now;
            await state.SaveAsync();
        }
        await RaiseAsync([.. S.PendingEvents]);
    }

    public Task<IReadOnlyList<string>> UntoldAsync(IReadOnlyList<string> keys) =>
        Task.FromResult<IReadOnlyList<string>>([.. keys.Distinct().Where(k => !S.Told.Contains(k))]);

    public async Task ToldAsync(IReadOnlyList<string> keys)
    {
        var added = keys.Distinct().Where(k => !S.Told.Contains(k)).ToList();
        if (!state.RecordExists || added.Count == 0) return;
        S.Told.AddRange(added);
        if (S.Told.Count > MaxTold) S.Told.RemoveRange(0, S.Told.Count - MaxTold);
        await state.SaveAsync();
    }

    /// <summary>Written with the change that causes it, so a crash before the hand-over loses nothing.</summary>
    private EngagementEvent AddEvent(EngagementEventKind kind, int index)
    {
        if (S.PendingEvents.Count >= MaxPendingEvents)
        {
            logger.LogError("Engagement {NeedId}: {Count} events unconfirmed; dropping the oldest, {Event}", NeedId, S.PendingEvents.Count, S.PendingEvents[0]);
            S.PendingEvents.RemoveAt(0);
        }
        var added = new EngagementEvent(Ids.New("evt"), kind, index, time.GetUtcNow());
        S.PendingEvents.Add(added);
        return added;
    }

    /// <summary>One write of the state (with the events added to it), then the events' hand-over.</summary>
    private async Task SaveAsync(params IReadOnlyList<EngagementEvent> raised)
    {
        await state.SaveAsync();
        await RaiseAsync(raised);
    }

    /// <summary>Never fails the caller: the change is stored, and pending events are raised again later.</summary>
    private async Task RaiseAsync(IReadOnlyList<EngagementEvent> raised)
    {
        if (raised.Count == 0) return;
        try
        {
            await events.RaiseAsync(NeedId, raised);
        }
        catch (Exception failure)
        {
            logger.LogError(failure, "Engagement {NeedId}: events not handed over; they stay pending", NeedId);
        }
    }

    private EngagementView View() => EngagementView.Of(S);

    private async Task EnsureAsync()
    {
        if (state.RecordExists) return;
        var award = await grains.GetGrain<INeedGrain>(NeedId).GetAwardAsync() ?? throw MarketplaceException.NotFound("Engagement");
        var programme = award.ProgrammeId is { } programmeId ? await grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync() : null;
        var parties = award.Parties;
        var awardedOn = DateOnly.FromDateTime(parties.AwardedAt.UtcDateTime);
        state.State = new EngagementState
        {
            NeedId = NeedId, Title = award.Title, SmeId = parties.SmeId, SmeAccountId = parties.SmeAccountId,
            StartupId = parties.StartupId, StartupAccountId = parties.StartupAccountId, StartupName = await StartupNameAsync(parties.StartupId, award.StartupName),
            Currency = award.Currency, ProgrammeId = programme?.Id, SubsidyPercent = programme?.Terms.SubsidyPercent ?? 0,
            CapPerSmeMinor = programme?.Terms.CapPerSmeMinor ?? 0, FeeBasisPoints = rules.PlatformFeeBasisPoints, AwardedAt = parties.AwardedAt,
            Milestones = [.. award.Offer.Milestones.Select((plan, i) => new MilestoneState
            {
                Index = i, Title = plan.Title, AmountMinor = plan.AmountMinor, DueOn = awardedOn.AddDays(plan.DueInDays),
                Status = MilestoneStatus.AwaitingFunding,
            })],
        };
        await SaveAsync(AddEvent(EngagementEventKind.Opened, -1));
    }

    private void Fund(MilestoneState m, string externalId)
    {
        AddEntry(Operation(m.Index, "fund"), [
            .. m.SmeShare > 0 ? [new LedgerLine(LedgerAccounts.Sme(S.SmeId), -m.SmeShare)] : Array.Empty<LedgerLine>(),
            .. m.ProgrammeShare > 0 ? [new LedgerLine(LedgerAccounts.Programme(S.ProgrammeId!), -m.ProgrammeShare)] : Array.Empty<LedgerLine>(),
            new(LedgerAccounts.Escrow, m.AmountMinor)]);
        m.Funding = [.. m.Funding.Select(f => f with { Status = FundingStatus.Paid })];
        m.Status = MilestoneStatus.Funded;
        StartWork();
        m.FundedAt = time.GetUtcNow();
        m.PaymentExternalId = externalId;
    }

    /// <summary>At the first funding, the work starts: the bid's "N days after the start" count from today, so each due day
    /// moves by the days the funding came after the award (never earlier). Once: later fundings move nothing.</summary>
    private void StartWork()
    {
        if (S.StartedOn is not null || S.Milestones.Any(x => x.FundedAt is not null)) return; // started (before this was kept, too)
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var late = today.DayNumber - DateOnly.FromDateTime(S.AwardedAt.UtcDateTime).DayNumber;
        if (late > 0) foreach (var x in S.Milestones) x.DueOn = x.DueOn.AddDays(late);
        S.StartedOn = today;
    }

    private void Approve(MilestoneState m, bool automatically)
    {
        m.Status = MilestoneStatus.Approved;
        m.ApprovedAt = time.GetUtcNow();
        m.ApprovedAutomatically = automatically;
        m.PendingMoves.AddRange(ReleaseMoves(m, m.AmountMinor));
    }

    private async Task OpenAsync(MilestoneState m, string side, string reason, bool superseded = false)
    {
        var id = PaymentIds.Dispute(NeedId, m.Index);
        await grains.GetGrain<IPaymentLookupGrain>(id).SetAsync(new PaymentTarget(NeedId, m.Index));
        // The mediators are fixed now, from the startup's cohorts of this time: joining a cohort later gives no say in it.
        // A card holder's chargeback is answered to the card network with the platform's evidence: admins alone, not
        // the institutes that incubate one side of it.
        List<string> mediators = side is "card" or "card-refund" ? []
            : [.. (await grains.GetGrain<IStartupActivityGrain>(S.StartupId).GetAsync()).Cohorts.Select(c => c.InstituteId).Distinct()];
        m.Status = MilestoneStatus.Disputed;
        m.Dispute = new Dispute(id, side, reason, time.GetUtcNow(), null, 0, 0, null, null, mediators, Superseded: superseded);
        await SaveAsync(AddEvent(EngagementEventKind.DisputeOpened, m.Index));
    }

    /// <summary>
    /// The release of <paramref name="amount"/>: one move by the way the milestone was paid. A card payment of a milestone a
    /// programme co-funds brought Stripe the SME's share alone, the programme's share is at the platform's bank: the
    /// release is split by where its money is (the card's part a Stripe transfer, the programme's a bank payout), the fee
    /// shared so that the two add up to the fee on the whole.
    /// </summary>
    private IEnumerable<MoneyMove> ReleaseMoves(MilestoneState m, long amount, string what = "release")
    {
        var method = m.Method ?? PaymentMethod.BankTransfer;
        var fee = PaymentRules.Fee(amount, S.FeeBasisPoints);
        var programme = method == PaymentMethod.Stripe ? ProgrammePart(m, amount) : 0;
        if (programme <= 0)
        {
            yield return new(Operation(m.Index, what), NeedId, m.Index, MoveKind.Release, amount, fee, 0, S.Currency, method, S.StartupId, m.PaymentExternalId);
            yield break;
        }
        var cardFee = PaymentRules.Fee(amount - programme, S.FeeBasisPoints);
        if (amount > programme)
            yield return new(Operation(m.Index, what), NeedId, m.Index, MoveKind.Release, amount - programme, cardFee, 0, S.Currency, method, S.StartupId,
                m.PaymentExternalId, BySource: true);
        yield return new(Operation(m.Index, what + "-programme"), NeedId, m.Index, MoveKind.Release, programme, fee - cardFee, programme, S.Currency,
            PaymentMethod.BankTransfer, S.StartupId, null, BySource: true);
    }

    /// <summary>The programme gets back its share of what is refunded, pro rata of the escrow a refund in Stripe left
    /// (that refund came out of the SME's share); the SME the rest.
    /// A card the bank charged back and the platform lost is refunded no more by Stripe (it refuses a charged-back charge):
    /// by a bank payout to the SME.</summary>
    private MoneyMove RefundMove(MilestoneState m, long amount, string what = "refund")
    {
        var byCard = m.Method == PaymentMethod.Stripe && m.ChargebackOutcome != "lost";
        return new(Operation(m.Index, what), NeedId, m.Index, MoveKind.Refund, amount, 0,
            ProgrammePart(m, amount), S.Currency,
            byCard ? PaymentMethod.Stripe : PaymentMethod.BankTransfer, S.StartupId, byCard ? m.PaymentExternalId : null);
    }

    /// <summary>The programme's part of <paramref name="amount"/> taken from what the milestone's escrow still holds: pro rata of
    /// the programme's money left in it (its share, less what refunds gave back to it and releases paid of it, done or to
    /// do) to all the money left (less what refunds in Stripe, refunds and releases took, done or to do). The first
    /// shares would do for a first move, not for one decided after others moved part of the money.</summary>
    private long ProgrammePart(MilestoneState m, long amount)
    {
        if (S.ProgrammeId is not { } programmeId || m.ProgrammeShare == 0) return 0;
        var prefix = Operation(m.Index, "");
        var returned = S.Ledger.Where(e => e.OperationId.StartsWith(prefix, StringComparison.Ordinal)).SelectMany(e => e.Lines)
            .Where(l => l.Account == LedgerAccounts.Programme(programmeId) && l.AmountMinor > 0).Sum(l => l.AmountMinor);
        var paid = S.Payouts.Where(p => p.Index == m.Index && p.Kind == MoveKind.Release).Sum(p => p.ProgrammeMinor ?? 0);
        var programmeLeft = m.ProgrammeShare - returned - paid - m.PendingMoves.Sum(p => p.ProgrammeMinor);
        var escrowLeft = m.AmountMinor - m.RefundedMinor - m.ReleasedMinor - m.PendingMoves.Sum(p => p.AmountMinor);
        return Math.Min(amount, PaymentRules.ProgrammePart(amount, Math.Max(0, programmeLeft), escrowLeft));
    }

    private async Task AddPayoutAsync(MilestoneState m, MoneyMove move, string kind, string beneficiaryId, string name, string? externalId, DateTimeOffset now,
        string? payoutId = null)
    {
        var id = payoutId ?? PaymentIds.Payout(move.OperationId, move.Kind);
        if (S.Payouts.Any(p => p.Id == id)) return;
        await grains.GetGrain<IPaymentLookupGrain>(id).SetAsync(new PaymentTarget(NeedId, m.Index));
        var holds = externalId is null ? await HoldsAsync(m, kind, beneficiaryId, now) : [];
        S.Payouts.Add(new PayoutOrder(id, NeedId, m.Index, move.Kind, kind, beneficiaryId, name, move.NetMinor, S.Currency,
            externalId is not null ? PayoutStatus.Paid : holds.Count > 0 ? PayoutStatus.Held : PayoutStatus.Pending, now, externalId,
            externalId is null ? null : now, holds.Count > 0 ? holds.ToArray() : null, GrossMinor: move.AmountMinor,
            ProgrammeMinor: move.BySource ? move.ProgrammeMinor : null));
    }

    /// <summary>Why a bank payout of <paramref name="m"/> waits for an admin: its RIB just changed, the two sides look like
    /// one party, or the bank sent the milestone's funding back. One list, as the payout is made and as its file is.</summary>
    private async Task<IReadOnlyList<string>> HoldsAsync(MilestoneState m, string kind, string beneficiaryId, DateTimeOffset now) =>
        [.. await PayoutHolds.ReasonsAsync(grains, kind, beneficiaryId, S.SmeId, S.SmeAccountId, S.StartupId, S.StartupAccountId, now),
            .. m.FundingReversedAt is null ? Array.Empty<string>() : [PayoutHolds.FundingReversed]];

    /// <summary>The startup's name as the mission starts (it may have changed since its bid), else the bid's.</summary>
    private async Task<string> StartupNameAsync(string startupId, string onTheBid)
    {
        try { return (await grains.GetGrain<Profiles.IStartupGrain>(startupId).GetAsync(Caller.Marketplace)).Details.Name; }
        catch (MarketplaceException) { return onTheBid; }
    }

    /// <summary>The SME's name for its refund's payout (its id when its profile is gone).</summary>
    private async Task<string> SmeNameAsync()
    {
        try { return (await grains.GetGrain<Profiles.ISmeGrain>(S.SmeId).GetAsync(Caller.Marketplace)).Details.Name; }
        catch (MarketplaceException) { return S.SmeId; }
    }

    private async Task ReturnToProgrammeAsync(int index, string what, long amount)
    {
        if (amount <= 0 || S.ProgrammeId is not { } programmeId) return;
        await grains.GetGrain<IProgrammeSmeGrain>(ProgrammeSmeGrain.Key(programmeId, S.SmeId)).ReturnAsync(Operation(index, $"programme-{what}"), amount);
    }

    private LedgerLine[] ProgrammeLine(long amount) =>
        amount > 0 && S.ProgrammeId is { } id ? [new LedgerLine(LedgerAccounts.Programme(id), amount)] : [];

    /// <summary>One entry per operation; every entry balances and the escrow never goes below zero.</summary>
    private void AddEntry(string operationId, IReadOnlyList<LedgerLine> lines)
    {
        if (S.Ledger.Any(e => e.OperationId == operationId)) return;
        if (lines.Sum(l => l.AmountMinor) != 0) throw new InvalidOperationException($"Unbalanced ledger entry {operationId}.");
        // A real array: the storage's JSON names the runtime type of an interface-typed list, and the compiler's own
        // read-only list type behind a collection expression is refused when the state is read again (after a restart).
        var entry = new LedgerEntry(Ids.New("entry"), operationId, time.GetUtcNow(), lines.Where(l => l.AmountMinor != 0).ToArray());
        if (LedgerAccounts.Balance([.. S.Ledger, entry], LedgerAccounts.Escrow) < 0) throw new InvalidOperationException($"Escrow would go negative: {operationId}.");
        S.Ledger.Add(entry);
    }

    private void Close(MilestoneState m, MilestoneStatus status)
    {
        m.Status = status;
        m.ClosedAt = time.GetUtcNow();
    }

    private void CompleteIfOver()
    {
        if (S.CompletedAt is null && S.Milestones.All(m => m.IsClosed && m.PendingMoves.Count == 0)) S.CompletedAt = time.GetUtcNow();
    }

    private FundingRequest Request(MilestoneState m) => new(m.PaymentId, NeedId, m.Index, m.Title, m.Method ?? PaymentMethod.BankTransfer,
        m.SmeShare, m.ProgrammeShare, S.Currency, m.Attempt, m.FundedAt is not null);

    private string Operation(int index, string what) => PaymentIds.Operation(NeedId, index, what);

    private MilestoneState MilestoneOf(int index) => S.Milestone(index) ?? throw MarketplaceException.NotFound("Milestone");

    private MilestoneState ByPayment(string paymentId) =>
        S.Milestones.FirstOrDefault(m => m.PaymentId == paymentId) ?? throw MarketplaceException.NotFound("Payment");

    /// <summary>The SME's own account: only it decides what its money pays for (fund, approve, cancel, dispute as the SME).
    /// Admins read the engagement and settle its disputes, but never act in the SME's place.</summary>
    private bool IsSme(Caller caller) => S.SmeAccountId is not null && caller.AccountId == S.SmeAccountId;

    /// <summary>Who reads the engagement: its two parties and admins.</summary>
    private bool IsParty(Caller caller) => caller.IsAdmin || IsSme(caller) || caller.AccountId == S.StartupAccountId;

    /// <summary>A manager whose account belongs to an institute one of these disputes names as its mediator, accepted by the SME.</summary>
    private async Task<bool> IsMediatorAsync(Caller caller, IEnumerable<Dispute> disputes)
    {
        if (caller.Role != Roles.Manager) return false;
        var mediators = disputes.SelectMany(d => d.AcceptedMediatorInstitutes).ToHashSet();
        if (mediators.Count == 0) return false;
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        return account is { ErasedAt: null } && account.Institutes.Any(mediators.Contains);
    }

    private void EnsureSme(Caller caller)
    {
        if (!IsSme(caller)) throw NotFound();
    }

    private void EnsureStartup(Caller caller)
    {
        if (caller.AccountId != S.StartupAccountId) throw NotFound();
    }

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Engagement");
}
