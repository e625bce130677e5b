using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>The engagement's money moves as the rails report them, and its payout orders: paid, held and reviewed, put in
/// a bank file, held again when a funding is reversed. See <see cref="EngagementGrain"/>.</summary>
internal sealed partial class EngagementGrain
{
    public async Task<EngagementView> CompleteMoveAsync(string operationId, string? externalId)
    {
        await EnsureAsync();
        var m = S.Milestones.FirstOrDefault(x => x.PendingMoves.Any(p => p.OperationId == operationId));
        if (m is null)
        {
            if (S.Ledger.Any(e => e.OperationId == operationId)) return View();
            if (S.Milestones.FirstOrDefault(x => x.ReplacedReleases.Any(p => p.OperationId == operationId)) is { } late)
                return await BookLateReleaseAsync(late, late.ReplacedReleases.Single(p => p.OperationId == operationId), externalId);
            throw MarketplaceException.NotFound("Move");
        }
        var move = m.PendingMoves.Single(p => p.OperationId == operationId);
        var now = time.GetUtcNow();
        switch (move.Kind)
        {
            case MoveKind.Release:
                AddEntry(operationId, [new(LedgerAccounts.Escrow, -move.AmountMinor), new(LedgerAccounts.Startup(S.StartupId), move.NetMinor),
                    .. move.FeeMinor > 0 ? [new LedgerLine(LedgerAccounts.PlatformFees, move.FeeMinor)] : Array.Empty<LedgerLine>()]);
                m.ReleasedMinor += move.AmountMinor;
                await AddPayoutAsync(m, move, "startup", S.StartupId, S.StartupName, externalId, now);
                break;
            case MoveKind.Refund:
                if (move.Method == PaymentMethod.Stripe) m.CardRefundedByMovesMinor += move.NetMinor;
                await ReturnToProgrammeAsync(m.Index, move.OperationId[(move.OperationId.LastIndexOf(':') + 1)..], move.ProgrammeMinor);
                AddEntry(operationId, [new(LedgerAccounts.Escrow, -move.AmountMinor),
                    .. move.NetMinor > 0 ? [new LedgerLine(LedgerAccounts.Sme(S.SmeId), move.NetMinor)] : Array.Empty<LedgerLine>(),
                    .. ProgrammeLine(move.ProgrammeMinor)]);
                m.RefundedMinor += move.AmountMinor;
                if (move.NetMinor > 0) await AddPayoutAsync(m, move, "sme", S.SmeId, await SmeNameAsync(), externalId, now);
                break;
            default:
                throw new InvalidOperationException($"Unknown move kind {move.Kind}.");
        }
        m.PendingMoves.Remove(move);
        m.MovesInDoubt.Remove(operationId);
        if (m.PendingMoves.Count == 0) Close(m, m.ReleasedMinor > 0 ? MilestoneStatus.Released : MilestoneStatus.Refunded);
        CompleteIfOver();
        await SaveAsync(); // the job that carried the move out goes on with the other grains and the e-mails
        return View();
    }

    public async Task<bool> StartMoveAsync(string operationId)
    {
        await EnsureAsync();
        if (S.Milestones.FirstOrDefault(x => x.PendingMoves.Any(p => p.OperationId == operationId)) is not { } m) return false;
        var move = m.PendingMoves.Single(p => p.OperationId == operationId);
        // A split release's programme part goes once its card part has: until then the milestone's money is all where it
        // came in, and a chargeback or a refund in Stripe finds it whole.
        if (move is { BySource: true, Method: PaymentMethod.BankTransfer }
            && m.PendingMoves.Any(p => p is { Kind: MoveKind.Release, BySource: true, Method: PaymentMethod.Stripe })) return false;
        if (move.Kind != MoveKind.Release || m.MovesInDoubt.Contains(operationId)) return true;
        // A dispute opened since the job read the engagement (a chargeback) holds the release: its decision replaces it.
        if (m.Dispute is { ResolvedAt: null }) return false;
        m.MovesInDoubt.Add(operationId);
        await SaveAsync();
        return true;
    }

    public async Task MoveNotMadeAsync(string operationId)
    {
        await EnsureAsync();
        if (S.Milestones.FirstOrDefault(x => x.MovesInDoubt.Contains(operationId)) is not { } m) return;
        m.MovesInDoubt.Remove(operationId);
        await SaveAsync();
    }

    public async Task ReplacedReleaseNotFoundAsync(string operationId)
    {
        await EnsureAsync();
        var now = time.GetUtcNow();
        // Replaced before the time was kept (null): long ago.
        foreach (var m in S.Milestones)
            if (m.ReplacedReleases.RemoveAll(p => p.OperationId == operationId && (p.ReplacedAt ?? DateTimeOffset.MinValue) <= now - TimeSpan.FromDays(1)) > 0)
                await SaveAsync();
    }

    /// <summary>
    /// A release carried out while a refund or a decision replaced it (a job was between Stripe and this grain): the
    /// money went out twice. It is booked from the platform's own funds, so the ledger says what happened, and logged
    /// for an admin to recover it (a reversal of the transfer in Stripe).
    /// </summary>
    private async Task<EngagementView> BookLateReleaseAsync(MilestoneState m, MoneyMove move, string? externalId)
    {
        logger.LogError("Release {OperationId} of need {NeedId} was carried out after it was replaced: {Amount} paid from the platform's funds",
            move.OperationId, NeedId, move.AmountMinor);
        AddEntry(move.OperationId, [new(LedgerAccounts.PlatformFunds, -move.AmountMinor), new(LedgerAccounts.Startup(S.StartupId), move.NetMinor),
            .. move.FeeMinor > 0 ? [new LedgerLine(LedgerAccounts.PlatformFees, move.FeeMinor)] : Array.Empty<LedgerLine>()]);
        m.ReplacedReleases.RemoveAll(p => p.OperationId == move.OperationId);
        // Its own payout: before payouts were named by their operation, a decided release took the first release's name.
        var payoutId = PaymentIds.Payout(move.OperationId, move.Kind);
        await AddPayoutAsync(m, move, "startup", S.StartupId, S.StartupName, externalId, time.GetUtcNow(),
            S.Payouts.Any(p => p.Id == payoutId) ? PaymentIds.Payout(move.OperationId + ":late", move.Kind) : payoutId);
        await SaveAsync();
        return View();
    }

    public async Task<PayoutOrder> MarkPayoutPaidAsync(Caller caller, string payoutId, string bankReference, bool inBankFile, bool byStatement = false, string? byFile = null)
    {
        await EnsureAsync();
        var index = caller.IsAdmin ? S.Payouts.FindIndex(p => p.Id == payoutId) : -1;
        if (index < 0) throw MarketplaceException.NotFound("Payout");
        var payout = S.Payouts[index];
        if (payout.Status == PayoutStatus.Paid)
        {
            if (payout.BankReference == bankReference) return payout;
            throw MarketplaceException.Conflict($"This payout was already marked paid with reference {payout.BankReference}.");
        }
        // A payout is held only once ready, so one held in an executed file was held after the file was made: it is paid.
        // So is one declined after its file was withdrawn, when the bank's debit shows that file executed all the same.
        var byItsFile = inBankFile || (byStatement && byFile is not null);
        if (payout.Status == PayoutStatus.Held && !byItsFile) throw MarketplaceException.Conflict("This payout is held for review: release it before paying it.");
        if (payout.Status == PayoutStatus.Declined && !byItsFile) throw MarketplaceException.Conflict("This payout was declined: it is not paid.");
        if (!inBankFile && !byStatement && await OpenFileOfAsync(payout) is { } file)
            throw MarketplaceException.Conflict($"This payout is in bank file {file}, which awaits the bank: mark the file paid, or withdraw it first.");
        // By hand, not while it waits after its beneficiary's RIB changed: no money leaves for a RIB its owner may not have given.
        if (!inBankFile && !byStatement && payout.Status == PayoutStatus.Pending && PayoutHolds.WaitsUntil(payout.CreatedAt,
                await grains.GetGrain<IPayoutDetailsGrain>(payout.BeneficiaryId).GetAsync(Caller.Marketplace), time.GetUtcNow()) is { } until)
            throw MarketplaceException.Conflict($"This payout waits until {until.ToUniversalTime():O} because its beneficiary's RIB changed after it was ordered: it cannot be marked paid before.");
        // By hand, the holds a bank file would apply are checked then, once it no longer waits (the RIB given since may be the SME's own).
        if (!inBankFile && !byStatement && payout.Status == PayoutStatus.Pending && (payout = await RecheckHoldsAsync(payoutId)).Status == PayoutStatus.Held)
            throw MarketplaceException.Conflict("This payout is held for review: release it before paying it.");
        if (payout.Status == PayoutStatus.Declined) AddEntry($"{payout.Id}:declined-paid", Declined(payout, -1)); // owed again, and paid
        S.Payouts[index] = payout = payout with { Status = PayoutStatus.Paid, BankReference = bankReference, PaidAt = time.GetUtcNow(), PaidByFileId = byItsFile ? byFile : null };
        await SaveAsync(AddEvent(EngagementEventKind.PayoutPaid, payout.Index));
        return payout;
    }

    public async Task<PayoutOrder> ReviewPayoutAsync(Caller caller, string payoutId, bool release, string reason)
    {
        await EnsureAsync();
        var index = caller.IsAdmin ? S.Payouts.FindIndex(p => p.Id == payoutId) : -1;
        if (index < 0) throw MarketplaceException.NotFound("Payout");
        var payout = S.Payouts[index];
        if (payout.Review is { } done)
        {
            if (done.Released == release) return payout;
            throw MarketplaceException.Conflict(done.Released ? "This payout was already released." : "This payout was already declined.");
        }
        if (payout.Status != PayoutStatus.Held) throw MarketplaceException.Conflict("This payout is not held.");
        if (!release && await OpenFileOfAsync(payout) is { } file) // the bank may pay it with the file all the same
            throw MarketplaceException.Conflict($"This payout is in bank file {file}, which awaits the bank: withdraw the file before declining the payout.");
        S.Payouts[index] = payout = payout with
        {
            Status = release ? PayoutStatus.Pending : PayoutStatus.Declined,
            Review = new PayoutReview(release, reason, caller.AccountId, time.GetUtcNow()),
        };
        // Declined, the money is no longer owed to its beneficiary: the ledger says so in the same write.
        if (!release) AddEntry($"{payout.Id}:declined", Declined(payout, 1));
        await SaveAsync(AddEvent(EngagementEventKind.PayoutReviewed, payout.Index));
        return payout;
    }

    /// <summary>A declined payout's amount out of its beneficiary's account (and a release's fee out of the fees: the
    /// release is undone whole) into <see cref="LedgerAccounts.PayoutsDeclined"/>; <paramref name="sign"/> -1 puts it back.</summary>
    private static LedgerLine[] Declined(PayoutOrder payout, int sign)
    {
        var fee = payout.BeneficiaryKind == "startup" && payout.GrossMinor > payout.AmountMinor ? payout.GrossMinor - payout.AmountMinor : 0;
        var beneficiary = payout.BeneficiaryKind == "sme" ? LedgerAccounts.Sme(payout.BeneficiaryId) : LedgerAccounts.Startup(payout.BeneficiaryId);
        return [new(beneficiary, -sign * payout.AmountMinor), new(LedgerAccounts.PlatformFees, -sign * fee),
            new(LedgerAccounts.PayoutsDeclined, sign * (payout.AmountMinor + fee))];
    }

    public async Task<PayoutOrder> RecheckHoldsAsync(string payoutId)
    {
        await EnsureAsync();
        var index = S.Payouts.FindIndex(p => p.Id == payoutId);
        if (index < 0) throw MarketplaceException.NotFound("Payout");
        var payout = S.Payouts[index];
        if (payout is not { Status: PayoutStatus.Pending, BankReference: null }) return payout;
        // An admin's release stands unless either side's payout details changed since (the RIBs it was decided on).
        if (payout.Review is { } review && !await DetailsChangedSinceAsync(review.At, payout.BeneficiaryId, S.SmeId)) return payout;
        var holds = await HoldsAsync(MilestoneOf(payout.Index), payout.BeneficiaryKind, payout.BeneficiaryId, time.GetUtcNow());
        if (holds.Count == 0) return payout;
        // Held again for a new decision: the admin's earlier one was made on other payout details.
        S.Payouts[index] = payout = payout with { Status = PayoutStatus.Held, HoldReasons = [.. holds], Review = null };
        await SaveAsync();
        return payout;
    }

    public async Task<PayoutOrder> FileAsync(string payoutId, string fileId, IReadOnlyCollection<string> openFiles)
    {
        var payout = await RecheckHoldsAsync(payoutId);
        if (payout is not { Status: PayoutStatus.Pending, BankReference: null } || payout.FileId == fileId
            || (payout.FileId is { } other && openFiles.Contains(other))) return payout;
        var index = S.Payouts.FindIndex(p => p.Id == payoutId);
        S.Payouts[index] = payout = payout with { FileId = fileId };
        await SaveAsync();
        return payout;
    }

    /// <summary>The bank file the payout is in, while that file awaits the bank (made, neither marked paid nor withdrawn).</summary>
    private async Task<string?> OpenFileOfAsync(PayoutOrder payout) =>
        payout.FileId is { } id && await grains.GetGrain<IPayoutFileGrain>(id).GetAsync() is { Open: true } ? id : null;

    public async Task<IReadOnlyList<PayoutOrder>> FundingReversedAsync(string paymentId)
    {
        await EnsureAsync();
        var m = ByPayment(paymentId);
        if (m.FundedAt is null) return [];
        if (m.FundingReversedAt is null)
        {
            m.FundingReversedAt = time.GetUtcNow();
            for (var i = 0; i < S.Payouts.Count; i++)
                // One already held for another reason (a RIB changed) is held for this one too: the admin who releases it
                // must know the money never stayed.
                if (S.Payouts[i] is { Status: PayoutStatus.Pending or PayoutStatus.Held, BankReference: null } p && p.Index == m.Index
                    && p.HoldReasons?.Contains(PayoutHolds.FundingReversed) != true)
                    S.Payouts[i] = p with { Status = PayoutStatus.Held, HoldReasons = [.. p.HoldReasons ?? [], PayoutHolds.FundingReversed], Review = null };
            await SaveAsync();
        }
        return [.. S.Payouts.Where(p => p.Index == m.Index && p.Status == PayoutStatus.Held && p.HoldReasons?.Contains(PayoutHolds.FundingReversed) == true)];
    }

    private async Task<bool> DetailsChangedSinceAsync(DateTimeOffset since, params string[] profileIds)
    {
        foreach (var id in profileIds.Distinct())
            if ((await grains.GetGrain<IPayoutDetailsGrain>(id).GetAsync(Caller.Marketplace))?.UpdatedAt > since) return true;
        return false;
    }
}
