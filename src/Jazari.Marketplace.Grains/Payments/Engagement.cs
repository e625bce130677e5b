using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The engagement of an awarded need (keyed by need id): milestone by milestone, the SME (and the need's programme)
/// fund the escrow, the startup delivers, the SME approves and the money is released, less the platform fee; or a
/// dispute is resolved by releasing, refunding or splitting. It decides and records; the host carries out the money
/// moves it records (<see cref="MoneyMove"/>) and reports back with <see cref="CompleteMoveAsync"/>.
/// Created from the need's award on first use, so it exists whenever the need is awarded.
/// </summary>
public interface IEngagementGrain : IGrainWithStringKey
{
    /// <summary>Not found when the need is not awarded.</summary>
    Task<EngagementState> GetAsync();
    /// <summary>The SME asks to fund a milestone: the programme's share is reserved, the SME's share is what to pay.
    /// Asking again returns the same payment (with the method asked for the last time).</summary>
    Task<FundingRequest> RequestFundingAsync(Caller caller, int index, PaymentMethod method);
    /// <summary>The SME's share arrived (an admin saw the transfer, or Stripe completed the checkout): the escrow holds the milestone.
    /// The same payment confirmed again changes nothing; a different amount than the SME's share is refused.</summary>
    Task<EngagementState> ConfirmFundingAsync(string paymentId, PaymentMethod method, long amountMinor, string externalId, int attempt = 0);
    /// <summary>A card payment attempt failed: the next funding request starts a new one.</summary>
    Task PaymentFailedAsync(string paymentId, int attempt);
    /// <summary>The card payment was refunded at the processor (not by a move of ours): the milestone's escrow goes back.</summary>
    Task PaymentRefundedAsync(string paymentId, int attempt, string externalId);
    /// <summary>The cardholder disputed the payment with their bank: the milestone is disputed.</summary>
    Task CardDisputeAsync(string paymentId, string reason);
    Task<EngagementState> DeliverAsync(Caller caller, int index, string note, IReadOnlyList<string> links);
    /// <summary>The SME approves a delivery: its release is decided (and carried out by the host). Approving again changes nothing.</summary>
    Task<EngagementState> ApproveAsync(Caller caller, int index);
    /// <summary>A delivery neither approved nor disputed within the auto-release delay is approved; true when it is (now or before).</summary>
    Task<bool> AutoReleaseAsync(int index);
    Task<EngagementState> OpenDisputeAsync(Caller caller, int index, string reason);
    /// <summary>An admin, or a manager of the startup's cohort (<paramref name="cohortManager"/>, checked by the host), splits the escrow.</summary>
    Task<EngagementState> ResolveDisputeAsync(Caller caller, bool cohortManager, int index, long releaseMinor, long refundMinor, string note);
    /// <summary>The SME (or an admin) ends the engagement: unfunded milestones are cancelled, funded ones refunded.</summary>
    Task<EngagementState> CancelAsync(Caller caller);
    /// <summary>The host carried out a move (<paramref name="externalId"/>: the Stripe transfer or refund; null for the bank: a payout order).</summary>
    Task<EngagementState> CompleteMoveAsync(string operationId, string? externalId);
    Task<PayoutOrder> MarkPayoutPaidAsync(string payoutId, string bankReference);
    /// <summary>Tells the other grains what happened (need status, KPIs, the payout list); each call is idempotent. Throws on failure.</summary>
    Task SyncAsync();
    /// <summary>
    /// The account was erased: its party's name (the startup's name, or the need's title for the SME) becomes the
    /// pseudonym, in the payout orders too, and the texts it wrote (delivery notes and links, dispute reasons) are
    /// blanked. Amounts, ledger entries and ids stay: the law keeps them. Repeating it changes nothing.
    /// </summary>
    Task EraseParticipantAsync(string accountId, string pseudonym);
}

internal sealed class EngagementGrain(
    [PersistentState("engagement", "marketplace")] IPersistentState<EngagementState> state,
    IGrainFactory grains,
    PaymentRules rules,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<EngagementGrain> logger) : Grain, IEngagementGrain
{
    private EngagementState S => state.State;
    private string NeedId => this.GetPrimaryKeyString();

    public async Task<EngagementState> GetAsync()
    {
        await EnsureAsync();
        return S;
    }

    public async Task<FundingRequest> RequestFundingAsync(Caller caller, int index, PaymentMethod method)
    {
        await EnsureAsync();
        EnsureSme(caller);
        if (S.CancelledAt is not null) throw MarketplaceException.Conflict("The engagement was cancelled.");
        var m = MilestoneOf(index);
        if (m.Status != MilestoneStatus.AwaitingFunding)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; it needs no funding.");
        if (m.Funding.Count == 0)
        {
            var programme = 0L;
            if (S.ProgrammeId is { } programmeId && S.SubsidyPercent > 0)
                programme = await grains.GetGrain<IProgrammeSmeGrain>(ProgrammeSmeGrain.Key(programmeId, S.SmeId))
                    .ReserveAsync(Operation(index, "programme"), m.AmountMinor * S.SubsidyPercent / 100, S.CapPerSmeMinor);
            m.Funding = [new FundingPart(FundingSource.Sme, m.AmountMinor - programme, FundingStatus.Pending)];
            if (programme > 0) m.Funding.Add(new FundingPart(FundingSource.Programme, programme, FundingStatus.Pending));
            m.PaymentId = PaymentIds.Payment(NeedId, index);
            await grains.GetGrain<IPaymentLookupGrain>(m.PaymentId).SetAsync(new PaymentTarget(NeedId, index));
        }
        m.Method = method;
        m.Attempt = Math.Max(m.Attempt, 1);
        m.FundingRequestedAt ??= time.GetUtcNow();
        if (m.SmeShare == 0) Fund(m, "programme");
        await state.SaveAsync();
        await TrySyncAsync();
        return Request(m);
    }

    public async Task<EngagementState> ConfirmFundingAsync(string paymentId, PaymentMethod method, long amountMinor, string externalId, int attempt = 0)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.FundedAt is not null)
        {
            if (m.PaymentExternalId == externalId) return S;
            throw MarketplaceException.Conflict($"Milestone {m.Index} is already funded (by {m.Method?.Name()}, {m.PaymentExternalId}).");
        }
        if (m.Status != MilestoneStatus.AwaitingFunding)
            throw MarketplaceException.Conflict($"Milestone {m.Index} is {m.Status.Name()}; it takes no payment.");
        if (method == PaymentMethod.Stripe && attempt <= m.VoidedAttempt) return S; // refunded at Stripe before its completion reached us
        if (amountMinor != m.SmeShare)
            throw MarketplaceException.Invalid("amountMinor", $"The SME's share of milestone {m.Index} is {m.SmeShare} (minor units of {S.Currency}); {amountMinor} was received.");
        m.Method = method;
        Fund(m, externalId);
        await state.SaveAsync();
        await TrySyncAsync();
        return S;
    }

    public async Task PaymentFailedAsync(string paymentId, int attempt)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Status != MilestoneStatus.AwaitingFunding || attempt != m.Attempt) return;
        m.Attempt++;
        await state.SaveAsync();
    }

    public async Task PaymentRefundedAsync(string paymentId, int attempt, string externalId)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Status == MilestoneStatus.AwaitingFunding)
        {
            if (attempt <= m.VoidedAttempt) return;
            m.VoidedAttempt = attempt;
            m.Attempt = Math.Max(m.Attempt, attempt + 1);
        }
        else if (m.Status is MilestoneStatus.Funded or MilestoneStatus.Delivered or MilestoneStatus.Disputed && m.PendingMoves.Count == 0
            && m.Method == PaymentMethod.Stripe)
        {
            var programme = m.ProgrammeShare;
            await ReturnToProgrammeAsync(m.Index, "card-refund", programme);
            AddEntry(Operation(m.Index, "card-refund"),
                [new(LedgerAccounts.Escrow, -m.AmountMinor), new(LedgerAccounts.Sme(S.SmeId), m.AmountMinor - programme), .. ProgrammeLine(programme)]);
            m.RefundedMinor = m.AmountMinor;
            Close(m, MilestoneStatus.Refunded);
        }
        else return;
        await state.SaveAsync();
        await TrySyncAsync();
    }

    public async Task CardDisputeAsync(string paymentId, string reason)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.Status is not (MilestoneStatus.Funded or MilestoneStatus.Delivered)) return;
        await OpenAsync(m, "card", reason);
    }

    public async Task<EngagementState> DeliverAsync(Caller caller, int index, string note, IReadOnlyList<string> links)
    {
        await EnsureAsync();
        EnsureStartup(caller);
        var m = MilestoneOf(index);
        if (m.Status == MilestoneStatus.Delivered && m.DeliveryNote == note && m.DeliveryLinks.SequenceEqual(links)) return S;
        if (m.Status != MilestoneStatus.Funded)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a funded milestone is delivered.");
        m.Status = MilestoneStatus.Delivered;
        m.DeliveredAt = time.GetUtcNow();
        m.DeliveryNote = note;
        m.DeliveryLinks = [.. links];
        await state.SaveAsync();
        await TrySyncAsync();
        return S;
    }

    public async Task<EngagementState> ApproveAsync(Caller caller, int index)
    {
        await EnsureAsync();
        EnsureSme(caller);
        var m = MilestoneOf(index);
        if (m.ApprovedAt is not null) return S; // a second approval, or two at once: one release
        if (m.Status != MilestoneStatus.Delivered)
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a delivered milestone is approved.");
        Approve(m, automatically: false);
        await state.SaveAsync();
        return S;
    }

    public async Task<bool> AutoReleaseAsync(int index)
    {
        await EnsureAsync();
        var m = MilestoneOf(index);
        if (m.ApprovedAt is not null) return true;
        if (m.Status != MilestoneStatus.Delivered || time.GetUtcNow() < m.DeliveredAt + rules.AutoReleaseAfter) return false;
        Approve(m, automatically: true);
        await state.SaveAsync();
        return true;
    }

    public async Task<EngagementState> OpenDisputeAsync(Caller caller, int index, string reason)
    {
        await EnsureAsync();
        var side = caller.AccountId == S.StartupAccountId ? Roles.Startup : IsSme(caller) ? Roles.Sme : throw NotFound();
        var m = MilestoneOf(index);
        if (m.Dispute is { ResolvedAt: null } open)
        {
            if (open.OpenedBy == side && open.Reason == reason) return S;
            throw MarketplaceException.Conflict($"Milestone {index} is already disputed.");
        }
        if (m.Status is not (MilestoneStatus.Funded or MilestoneStatus.Delivered))
            throw MarketplaceException.Conflict($"Milestone {index} is {m.Status.Name()}; only a funded or delivered milestone is disputed.");
        await OpenAsync(m, side, reason);
        return S;
    }

    public async Task<EngagementState> ResolveDisputeAsync(Caller caller, bool cohortManager, int index, long releaseMinor, long refundMinor, string note)
    {
        await EnsureAsync();
        if (!caller.IsAdmin && !cohortManager) throw MarketplaceException.NotFound("Dispute");
        var m = MilestoneOf(index);
        if (m.Dispute is not { } dispute) throw MarketplaceException.NotFound("Dispute");
        if (dispute.ResolvedAt is not null)
        {
            if (dispute.ReleaseMinor == releaseMinor && dispute.RefundMinor == refundMinor && dispute.Note == note) return S;
            throw MarketplaceException.Conflict("This dispute is already resolved.");
        }
        if (releaseMinor < 0 || refundMinor < 0 || releaseMinor + refundMinor != m.AmountMinor)
            throw MarketplaceException.Invalid("releaseMinor", $"releaseMinor and refundMinor must add up to the escrow of the milestone, {m.AmountMinor}.");
        m.Dispute = dispute with { ResolvedAt = time.GetUtcNow(), ReleaseMinor = releaseMinor, RefundMinor = refundMinor, Note = note, ResolvedBy = caller.AccountId };
        if (releaseMinor > 0) m.PendingMoves.Add(ReleaseMove(m, releaseMinor));
        if (refundMinor > 0) m.PendingMoves.Add(RefundMove(m, refundMinor));
        await state.SaveAsync();
        return S;
    }

    public async Task<EngagementState> CancelAsync(Caller caller)
    {
        await EnsureAsync();
        EnsureSme(caller);
        if (S.CancelledAt is not null) return S;
        if (S.CompletedAt is not null) throw MarketplaceException.Conflict("The engagement is completed.");
        if (S.Milestones.FirstOrDefault(m => m.Status is MilestoneStatus.Delivered or MilestoneStatus.Approved or MilestoneStatus.Disputed) is { } busy)
            throw MarketplaceException.Conflict($"Milestone {busy.Index} is {busy.Status.Name()}; approve it or settle its dispute first.");
        foreach (var m in S.Milestones)
        {
            if (m.Status == MilestoneStatus.AwaitingFunding)
            {
                await ReturnToProgrammeAsync(m.Index, "cancel", m.ProgrammeShare);
                m.Funding = [.. m.Funding.Select(f => f with { Status = FundingStatus.Returned })];
                Close(m, MilestoneStatus.Cancelled);
            }
            else if (m.Status == MilestoneStatus.Funded && m.PendingMoves.Count == 0)
            {
                m.PendingMoves.Add(RefundMove(m, m.AmountMinor));
            }
        }
        S.CancelledAt = time.GetUtcNow();
        CompleteIfOver();
        await state.SaveAsync();
        await TrySyncAsync();
        return S;
    }

    public async Task<EngagementState> CompleteMoveAsync(string operationId, string? externalId)
    {
        await EnsureAsync();
        var m = S.Milestones.FirstOrDefault(x => x.PendingMoves.Any(p => p.OperationId == operationId));
        if (m is null)
        {
            if (S.Ledger.Any(e => e.OperationId == operationId)) return S;
            throw MarketplaceException.NotFound("Move");
        }
        var move = m.PendingMoves.Single(p => p.OperationId == operationId);
        var now = time.GetUtcNow();
        if (move.Kind == MoveKind.Release)
        {
            AddEntry(operationId, [new(LedgerAccounts.Escrow, -move.AmountMinor), new(LedgerAccounts.Startup(S.StartupId), move.NetMinor),
                .. move.FeeMinor > 0 ? [new LedgerLine(LedgerAccounts.PlatformFees, move.FeeMinor)] : Array.Empty<LedgerLine>()]);
            m.ReleasedMinor += move.AmountMinor;
            await AddPayoutAsync(m, move, "startup", S.StartupId, S.StartupName, externalId, now);
        }
        else
        {
            await ReturnToProgrammeAsync(m.Index, "refund", move.ProgrammeMinor);
            AddEntry(operationId, [new(LedgerAccounts.Escrow, -move.AmountMinor),
                .. move.NetMinor > 0 ? [new LedgerLine(LedgerAccounts.Sme(S.SmeId), move.NetMinor)] : Array.Empty<LedgerLine>(),
                .. ProgrammeLine(move.ProgrammeMinor)]);
            m.RefundedMinor += move.AmountMinor;
            if (move.NetMinor > 0) await AddPayoutAsync(m, move, "sme", S.SmeId, S.SmeId, externalId, now);
        }
        m.PendingMoves.Remove(move);
        if (m.PendingMoves.Count == 0) Close(m, m.ReleasedMinor > 0 ? MilestoneStatus.Released : MilestoneStatus.Refunded);
        CompleteIfOver();
        await state.SaveAsync();
        await TrySyncAsync();
        return S;
    }

    public async Task<PayoutOrder> MarkPayoutPaidAsync(string payoutId, string bankReference)
    {
        await EnsureAsync();
        var index = S.Payouts.FindIndex(p => p.Id == payoutId);
        if (index < 0) throw MarketplaceException.NotFound("Payout");
        var payout = S.Payouts[index];
        if (payout.Status == PayoutStatus.Paid)
        {
            if (payout.BankReference == bankReference) return payout;
            throw MarketplaceException.Conflict($"This payout was already marked paid with reference {payout.BankReference}.");
        }
        S.Payouts[index] = payout = payout with { Status = PayoutStatus.Paid, BankReference = bankReference, PaidAt = time.GetUtcNow() };
        await state.SaveAsync();
        await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).RemoveAsync(payoutId);
        return payout;
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
        else S.Title = ErasedNeed.Title(pseudonym);
        foreach (var m in S.Milestones.Where(m => m.Dispute?.OpenedBy == side))
            m.Dispute = m.Dispute! with { Reason = "" };
        await state.SaveAsync(); // erasure is rare: written each time rather than compared
        if (side == "startup")
            await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).RenameBeneficiaryAsync(S.StartupId, pseudonym);
    }

    public async Task SyncAsync()
    {
        if (!state.RecordExists) return;
        var need = grains.GetGrain<INeedGrain>(NeedId);
        var activity = grains.GetGrain<IStartupActivityGrain>(S.StartupId);
        if (S.Milestones.Any(m => m.FundedAt is not null)) await need.EngagementStartedAsync();
        foreach (var m in S.Milestones)
        {
            var key = $"{NeedId}:m{m.Index}";
            if (m.DeliveredAt is { } delivered) await activity.MilestoneDeliveredAsync(key, m.DueOn, delivered);
            if (m.IsClosed && m.ReleasedMinor > 0) await activity.MilestoneReleasedAsync(key, m.ReleasedMinor, m.ClosedAt!.Value);
        }
        var queue = grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key);
        foreach (var payout in S.Payouts.Where(p => p.Status == PayoutStatus.Pending)) await queue.AddAsync(payout);
        if (S.CompletedAt is not null) await need.EngagementClosedAsync(completed: S.CancelledAt is null);
    }

    /// <summary>The change is stored; what other grains must hear is repeated by the follow-up job if it fails here.</summary>
    private async Task TrySyncAsync()
    {
        try
        {
            await SyncAsync();
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Engagement {NeedId}: other grains not told yet; the follow-up job repeats it", NeedId);
        }
    }

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
            StartupId = parties.StartupId, StartupAccountId = parties.StartupAccountId, StartupName = award.StartupName,
            Currency = award.Currency, ProgrammeId = programme?.Id, SubsidyPercent = programme?.Terms.SubsidyPercent ?? 0,
            CapPerSmeMinor = programme?.Terms.CapPerSmeMinor ?? 0, FeeBasisPoints = rules.PlatformFeeBasisPoints, AwardedAt = parties.AwardedAt,
            Milestones = [.. award.Offer.Milestones.Select((plan, i) => new MilestoneState
            {
                Index = i, Title = plan.Title, AmountMinor = plan.AmountMinor, DueOn = awardedOn.AddDays(plan.DueInDays),
                Status = MilestoneStatus.AwaitingFunding,
            })],
        };
        await state.SaveAsync();
    }

    private void Fund(MilestoneState m, string externalId)
    {
        AddEntry(Operation(m.Index, "fund"), [
            .. m.SmeShare > 0 ? [new LedgerLine(LedgerAccounts.Sme(S.SmeId), -m.SmeShare)] : Array.Empty<LedgerLine>(),
            .. m.ProgrammeShare > 0 ? [new LedgerLine(LedgerAccounts.Programme(S.ProgrammeId!), -m.ProgrammeShare)] : Array.Empty<LedgerLine>(),
            new(LedgerAccounts.Escrow, m.AmountMinor)]);
        m.Funding = [.. m.Funding.Select(f => f with { Status = FundingStatus.Paid })];
        m.Status = MilestoneStatus.Funded;
        m.FundedAt = time.GetUtcNow();
        m.PaymentExternalId = externalId;
    }

    private void Approve(MilestoneState m, bool automatically)
    {
        m.Status = MilestoneStatus.Approved;
        m.ApprovedAt = time.GetUtcNow();
        m.ApprovedAutomatically = automatically;
        m.PendingMoves.Add(ReleaseMove(m, m.AmountMinor));
    }

    private async Task OpenAsync(MilestoneState m, string side, string reason)
    {
        var id = PaymentIds.Dispute(NeedId, m.Index);
        await grains.GetGrain<IPaymentLookupGrain>(id).SetAsync(new PaymentTarget(NeedId, m.Index));
        m.Status = MilestoneStatus.Disputed;
        m.Dispute = new Dispute(id, side, reason, time.GetUtcNow(), null, 0, 0, null, null);
        await state.SaveAsync();
    }

    private MoneyMove ReleaseMove(MilestoneState m, long amount) => new(Operation(m.Index, "release"), NeedId, m.Index, MoveKind.Release,
        amount, amount * S.FeeBasisPoints / 10_000, 0, S.Currency, m.Method ?? PaymentMethod.BankTransfer, S.StartupId, m.PaymentExternalId);

    /// <summary>The programme gets back its share of what is refunded, pro rata; the SME the rest.</summary>
    private MoneyMove RefundMove(MilestoneState m, long amount) => new(Operation(m.Index, "refund"), NeedId, m.Index, MoveKind.Refund,
        amount, 0, m.AmountMinor == 0 ? 0 : amount * m.ProgrammeShare / m.AmountMinor, S.Currency, m.Method ?? PaymentMethod.BankTransfer,
        S.StartupId, m.PaymentExternalId);

    private async Task AddPayoutAsync(MilestoneState m, MoneyMove move, string kind, string beneficiaryId, string name, string? externalId, DateTimeOffset now)
    {
        var id = PaymentIds.Payout(NeedId, m.Index, move.Kind);
        if (S.Payouts.Any(p => p.Id == id)) return;
        await grains.GetGrain<IPaymentLookupGrain>(id).SetAsync(new PaymentTarget(NeedId, m.Index));
        S.Payouts.Add(new PayoutOrder(id, NeedId, m.Index, move.Kind, kind, beneficiaryId, name, move.NetMinor, S.Currency,
            externalId is null ? PayoutStatus.Pending : PayoutStatus.Paid, now, externalId, externalId is null ? null : now));
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
        var entry = new LedgerEntry(Ids.New("entry"), operationId, time.GetUtcNow(), [.. lines.Where(l => l.AmountMinor != 0)]);
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

    private bool IsSme(Caller caller) => caller.IsAdmin || (S.SmeAccountId is not null && caller.AccountId == S.SmeAccountId);

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
