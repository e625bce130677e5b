using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EngagementGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    /// <summary>Funds (bank), confirms, delivers, approves and releases every milestone of an awarded need.</summary>
    internal static async Task CompleteAsync(IGrainFactory grains, string needId, Caller sme, Caller founder)
    {
        var engagement = grains.GetGrain<IEngagementGrain>(needId);
        foreach (var m in (await engagement.GetAsync(sme)).Milestones)
        {
            var request = await engagement.RequestFundingAsync(sme, m.Index, PaymentMethod.BankTransfer);
            if (!request.Funded) await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, $"bank-{m.Index}");
            await engagement.DeliverAsync(founder, m.Index, "Livré.", []);
            var approved = await engagement.ApproveAsync(sme, m.Index);
            foreach (var move in approved.Milestones[m.Index].PendingMoves) await engagement.CompleteMoveAsync(move.OperationId, null);
        }
        await engagement.SyncAsync(); // as the follow-up job does: the need completes
    }

    [Fact]
    public async Task A_need_that_named_a_programme_without_an_approved_application_gets_nothing_from_it_at_funding()
    {
        // Needs stored before applications existed could name any programme: the programme refuses them at funding.
        var programmeId = Samples.NewId("prog");
        await Grains.GetGrain<IProgrammeGrain>(programmeId).CreateAsync(new ProgrammeTerms("Maroc PME", 100, 5_000_000, 100_000_000, "MAD"), ProgrammeRules.None);
        var (engagement, sme, _, _) = await AwardedAsync(programmeId);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer));
        Assert.Equal(Problem.Conflict, refused.Problem);
        Assert.Contains("not approved", refused.Message);
        Assert.Empty((await engagement.GetAsync(sme)).Milestones[0].Funding);
        Assert.Equal(0, (await Grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task After_a_cancellation_a_milestone_waiting_for_its_refund_is_neither_delivered_nor_disputed()
    {
        // The refund is a pending move until its job runs: delivering or disputing in that window would let a release
        // (approval, automatic release, a mediator's decision) take the escrow the refund is about to return.
        var (engagement, sme, founder, _) = await AwardedAsync();
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "bank-0");
        var cancelled = await engagement.CancelAsync(sme);
        Assert.Single(cancelled.Milestones[0].PendingMoves);
        foreach (var refused in new Func<Task>[]
        {
            () => engagement.DeliverAsync(founder, 0, "Livré quand même.", []),
            () => engagement.OpenDisputeAsync(founder, 0, "Je veux être payé."),
            () => engagement.OpenDisputeAsync(sme, 0, "Je conteste."),
        })
            Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(refused)).Problem);
        var after = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Null(after.Dispute);
        Assert.Equal(MilestoneStatus.Funded, after.Status);
        Assert.Equal(MoveKind.Refund, Assert.Single(after.PendingMoves).Kind);
    }

    [Fact]
    public async Task A_release_a_card_refund_replaced_is_looked_for_a_day_then_forgotten()
    {
        var (engagement, sme, request, release) = await CardApprovedAsync(); // its release waits for the startup's Stripe account
        await engagement.PaymentRefundedAsync(request.PaymentId, request.Attempt, request.SmeMinor, "pi_other"); // another payment's refund: nothing
        Assert.Equal(MilestoneStatus.Approved, (await engagement.GetAsync(sme)).Milestones[0].Status);
        await engagement.PaymentRefundedAsync(request.PaymentId, request.Attempt, request.SmeMinor, "pi_funding"); // refunded whole in Stripe
        var refunded = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal((MilestoneStatus.Refunded, release.OperationId), (refunded.Status, Assert.Single(refunded.ReplacedReleases).OperationId));

        await engagement.ReplacedReleaseNotFoundAsync(release.OperationId); // within the day a job may still carry it out
        Assert.Single((await engagement.GetAsync(sme)).Milestones[0].ReplacedReleases);
        fixture.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await engagement.ReplacedReleaseNotFoundAsync(release.OperationId);
        Assert.Empty((await engagement.GetAsync(sme)).Milestones[0].ReplacedReleases);
    }

    [Fact]
    public async Task A_chargeback_that_lands_while_a_release_job_runs_holds_the_release_and_one_on_a_stray_card_holds_nothing()
    {
        var (engagement, sme, request, release) = await CardApprovedAsync();
        // The release job read the engagement (no dispute), then the chargeback came: the transfer is not made.
        await engagement.CardDisputeAsync(request.PaymentId, "fraudulent", "pi_funding");
        Assert.False(await engagement.StartMoveAsync(release.OperationId));
        var held = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal(MilestoneStatus.Disputed, held.Status);
        Assert.Equal(release.OperationId, Assert.Single(held.PendingMoves).OperationId); // held, for the decision to replace

        // A milestone funded by bank transfer: a card paid as well (refused, never booked) and charged back holds nothing.
        var (byBank, sme2, _, _) = await AwardedAsync();
        var card = await byBank.RequestFundingAsync(sme2, 0, PaymentMethod.Stripe);
        var transfer = await byBank.RequestFundingAsync(sme2, 0, PaymentMethod.BankTransfer);
        await byBank.ConfirmFundingAsync(Samples.Admin, transfer.PaymentId, PaymentMethod.BankTransfer, transfer.SmeMinor, "bank-0");
        await byBank.CardDisputeAsync(card.PaymentId, "fraudulent", "pi_stray");
        var funded = (await byBank.GetAsync(sme2)).Milestones[0];
        Assert.Equal(MilestoneStatus.Funded, funded.Status);
        Assert.Null(funded.Dispute);
    }

    [Fact]
    public async Task A_chargeback_is_decided_after_the_bank_lost_it_goes_back_to_the_card_and_won_it_is_the_admins_to_share()
    {
        var (engagement, sme, request, release) = await CardApprovedAsync();
        await engagement.CardDisputeAsync(request.PaymentId, "fraudulent", "pi_funding");
        // While the bank decides, Stripe refuses a refund and a release could be taken back: no decision.
        var early = await Assert.ThrowsAsync<MarketplaceException>(() => engagement.ResolveDisputeAsync(Samples.Admin, 0, release.AmountMinor, 0, "Livré."));
        Assert.Equal(Problem.Conflict, early.Problem);

        // Lost: the bank gave the card holder the money back; the ledger says so, and the held release is gone.
        await engagement.ChargebackClosedAsync(request.PaymentId, "pi_funding", lost: true, request.SmeMinor);
        await engagement.ChargebackClosedAsync(request.PaymentId, "pi_funding", lost: true, request.SmeMinor); // Stripe sends it again
        var lost = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal((MilestoneStatus.Refunded, "lost", request.SmeMinor), (lost.Status, lost.Dispute!.BankOutcome, lost.Dispute.RefundMinor));
        Assert.NotNull(lost.Dispute.ResolvedAt);
        Assert.Empty(lost.PendingMoves);
        var ledger = await engagement.GetLedgerAsync(Samples.Admin);
        AssertInvariants(ledger);
        Assert.Equal(0, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Escrow));
        Assert.Equal(0, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Sme((await engagement.GetAsync(sme)).SmeId)));

        // Won: the money stays in escrow, and the admins now share it.
        var (won, sme2, request2, release2) = await CardApprovedAsync();
        await won.CardDisputeAsync(request2.PaymentId, "fraudulent", "pi_funding");
        await won.ChargebackClosedAsync(request2.PaymentId, "pi_other", lost: true, request2.SmeMinor); // another payment's: nothing
        await won.ChargebackClosedAsync(request2.PaymentId, "pi_funding", lost: false, request2.SmeMinor);
        var decided = (await won.ResolveDisputeAsync(Samples.Admin, 0, release2.AmountMinor, 0, "La banque a donné raison à la plateforme.")).Milestones[0];
        Assert.Equal(("won", 0L), (decided.Dispute!.BankOutcome, decided.RefundedMinor));
        Assert.Equal(MoveKind.Release, Assert.Single(decided.PendingMoves).Kind);
    }

    [Fact]
    public async Task An_inquiry_closed_without_a_chargeback_lets_the_admins_decide_and_a_chargeback_the_bank_files_after_it_is_followed()
    {
        var (engagement, sme, request, release) = await CardApprovedAsync();
        await engagement.CardDisputeAsync(request.PaymentId, "general", "pi_funding"); // an inquiry: no money moved
        await engagement.InquiryClosedAsync(request.PaymentId, "pi_funding");
        await engagement.InquiryClosedAsync(request.PaymentId, "pi_funding"); // Stripe sends it again
        Assert.Equal("won", (await engagement.GetAsync(sme)).Milestones[0].Dispute!.BankOutcome); // the admins may decide

        // Before they do, the bank files a chargeback after all: the decision waits for the bank again.
        await engagement.CardDisputeAsync(request.PaymentId, "fraudulent", "pi_funding");
        Assert.Null((await engagement.GetAsync(sme)).Milestones[0].Dispute!.BankOutcome);
        var early = await Assert.ThrowsAsync<MarketplaceException>(() => engagement.ResolveDisputeAsync(Samples.Admin, 0, release.AmountMinor, 0, "Livré."));
        Assert.Equal(Problem.Conflict, early.Problem);

        // Lost: booked as any chargeback (the inquiry's closing had kept it out: a "won" for good).
        await engagement.ChargebackClosedAsync(request.PaymentId, "pi_funding", lost: true, request.SmeMinor);
        var lost = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal((MilestoneStatus.Refunded, "lost", request.SmeMinor), (lost.Status, lost.Dispute!.BankOutcome, lost.Dispute.RefundMinor));
        Assert.Empty(lost.PendingMoves);
        var ledger = await engagement.GetLedgerAsync(Samples.Admin);
        AssertInvariants(ledger);
        Assert.Equal(0, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Escrow));
        Assert.Equal(0, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Sme((await engagement.GetAsync(sme)).SmeId)));

        // The admins decided after the inquiry, and the release has not gone yet: a chargeback then holds it for a new decision.
        var (decided, sme2, request2, release2) = await CardApprovedAsync();
        await decided.CardDisputeAsync(request2.PaymentId, "general", "pi_funding");
        await decided.InquiryClosedAsync(request2.PaymentId, "pi_funding");
        var released = Assert.Single((await decided.ResolveDisputeAsync(Samples.Admin, 0, release2.AmountMinor, 0, "Livré.")).Milestones[0].PendingMoves);
        await decided.CardDisputeAsync(request2.PaymentId, "fraudulent", "pi_funding");
        Assert.False(await decided.StartMoveAsync(released.OperationId));
        var reopened = (await decided.GetAsync(sme2)).Milestones[0];
        Assert.Equal((MilestoneStatus.Disputed, null, null), (reopened.Status, reopened.Dispute!.ResolvedAt, reopened.Dispute.BankOutcome));
    }

    [Fact]
    public async Task A_chargeback_closed_before_its_opening_came_holds_nothing_and_one_lost_after_a_cancellation_replaces_its_refund()
    {
        // The bank closed it for the platform before the opening event reached us (retried late): nothing is held.
        var (engagement, sme, request, _) = await CardApprovedAsync();
        await engagement.ChargebackClosedAsync(request.PaymentId, "pi_funding", lost: false, request.SmeMinor);
        await engagement.CardDisputeAsync(request.PaymentId, "fraudulent", "pi_funding");
        var approved = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal((MilestoneStatus.Approved, null), (approved.Status, approved.Dispute));

        // A cancelled engagement's refund waits (Stripe refuses one on a disputed charge); the bank then gives the card its
        // money back: that is the refund, booked once, and ours is not made.
        var (cancelled, sme2, _, _) = await AwardedAsync();
        var card = await cancelled.RequestFundingAsync(sme2, 0, PaymentMethod.Stripe);
        await cancelled.ConfirmFundingAsync(Samples.Admin, card.PaymentId, PaymentMethod.Stripe, card.SmeMinor, "pi_funding", card.Attempt);
        Assert.Equal(MoveKind.Refund, Assert.Single((await cancelled.CancelAsync(sme2)).Milestones[0].PendingMoves).Kind);
        await cancelled.CardDisputeAsync(card.PaymentId, "fraudulent", "pi_funding");
        await cancelled.ChargebackClosedAsync(card.PaymentId, "pi_funding", lost: true, card.SmeMinor);
        var refunded = (await cancelled.GetAsync(sme2)).Milestones[0];
        Assert.Equal((MilestoneStatus.Refunded, 0), (refunded.Status, refunded.PendingMoves.Count));
        var ledger = await cancelled.GetLedgerAsync(Samples.Admin);
        AssertInvariants(ledger);
        Assert.Equal((0L, 0L), (LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Escrow),
            LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Sme((await cancelled.GetAsync(sme2)).SmeId))));
    }

    [Fact]
    public async Task A_co_funded_milestone_paid_by_card_releases_the_cards_part_by_stripe_and_the_programmes_by_bank()
    {
        // Stripe received the SME's share alone; the programme's is at the platform's bank: a transfer of the whole would
        // pay the programme's part out of other SMEs' card money.
        var (engagement, sme, founder, request, _) = await CoFundedByCardAsync();
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        var approved = await engagement.ApproveAsync(sme, 0);
        var moves = approved.Milestones[0].PendingMoves;
        var byCard = Assert.Single(moves, p => p.Method == PaymentMethod.Stripe);
        var byBank = Assert.Single(moves, p => p.Method == PaymentMethod.BankTransfer);
        Assert.Equal((request.SmeMinor, request.ProgrammeMinor), (byCard.AmountMinor, byBank.AmountMinor));
        Assert.Equal(PaymentRules.Fee(request.SmeMinor + request.ProgrammeMinor, approved.FeeBasisPoints), byCard.FeeMinor + byBank.FeeMinor);

        // The programme's part goes after the card's: until then a chargeback or a refund in Stripe finds the money whole.
        Assert.False(await engagement.StartMoveAsync(byBank.OperationId));
        Assert.True(await engagement.StartMoveAsync(byCard.OperationId));
        await engagement.CompleteMoveAsync(byCard.OperationId, "tr_card");
        Assert.True(await engagement.StartMoveAsync(byBank.OperationId));
        var released = await engagement.CompleteMoveAsync(byBank.OperationId, null);
        Assert.Equal(MilestoneStatus.Released, released.Milestones[0].Status);
        var bankPayout = Assert.Single(released.Payouts, p => p.Status == PayoutStatus.Pending); // in the next bank file
        Assert.Equal((byBank.NetMinor, request.ProgrammeMinor), (bankPayout.AmountMinor, bankPayout.ProgrammeMinor));
        Assert.Equal(0, Assert.Single(released.Payouts, p => p.Status == PayoutStatus.Paid).ProgrammeMinor);
        AssertInvariants(await engagement.GetLedgerAsync(Samples.Admin));
    }

    [Fact]
    public async Task A_second_decision_after_a_refund_in_stripe_releases_the_programmes_money_left_by_bank_and_only_the_cards_by_stripe()
    {
        // Co-funded, paid by card: a first decision refunds half and releases half; the refund goes, the release waits
        // for the startup's Stripe account. A refund in Stripe's dashboard (1,000 MAD) then replaces the release, and a
        // second decision releases what is left. Its parts come from what each pot still holds, not from the milestone's
        // first shares: a transfer sized so would pay the programme's money left at the bank out of other SMEs' card money.
        var (engagement, sme, founder, request, _) = await CoFundedByCardAsync();
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        await engagement.OpenDisputeAsync(sme, 0, "Livraison incomplète.");
        var amount = request.SmeMinor + request.ProgrammeMinor;
        var first = (await engagement.ResolveDisputeAsync(Samples.Admin, 0, amount / 2, amount - amount / 2, "Moitié-moitié.")).Milestones[0];
        var refund = Assert.Single(first.PendingMoves, p => p.Kind == MoveKind.Refund);
        await engagement.CompleteMoveAsync(refund.OperationId, "re_half");
        await engagement.PaymentRefundedAsync(request.PaymentId, request.Attempt, refund.NetMinor + 100_000, "pi_funding");
        var left = (await engagement.GetAsync(Samples.Admin)).Milestones[0];
        Assert.Equal(MilestoneStatus.Disputed, left.Status);
        var escrow = amount - left.RefundedMinor;
        var second = (await engagement.ResolveDisputeAsync(Samples.Admin, 0, escrow, 0, "Le reste à la startup.")).Milestones[0];
        var programmeLeft = request.ProgrammeMinor - refund.ProgrammeMinor;
        var cardLeft = request.SmeMinor - refund.NetMinor - 100_000;
        var byBank = Assert.Single(second.PendingMoves, p => p.Method == PaymentMethod.BankTransfer);
        var byCard = Assert.Single(second.PendingMoves, p => p.Method == PaymentMethod.Stripe);
        Assert.Equal((cardLeft, programmeLeft), (byCard.AmountMinor, byBank.AmountMinor));
        await engagement.CompleteMoveAsync(byCard.OperationId, "tr_rest");
        await engagement.CompleteMoveAsync(byBank.OperationId, null);
        AssertInvariants(await engagement.GetLedgerAsync(Samples.Admin));
    }

    /// <summary>Milestone 0 of a need co-funded by a programme, its SME's share paid by card ("pi_funding").</summary>
    private async Task<(IEngagementGrain Engagement, Caller Sme, Caller Founder, FundingRequest Request, string ProgrammeId)> CoFundedByCardAsync()
    {
        var programme = await ProgrammeAsync(100_000_000);
        var (engagement, sme, founder, _) = await AwardedAsync(programme.GetPrimaryKeyString());
        var usage = Grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programme.GetPrimaryKeyString(), (await engagement.GetAsync(sme)).SmeId));
        var application = await usage.ApplyAsync(Samples.NewId("papp"), sme.AccountId, new SmeDetails("Huilerie", "food", "Meknes", "Fes-Meknes", 22, ["fr"]), null);
        await usage.DecideAsync(Samples.Admin, application.Id, approve: true, "Dossier complet.");
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.Stripe);
        Assert.True(request.ProgrammeMinor > 0);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.Stripe, request.SmeMinor, "pi_funding", request.Attempt);
        return (engagement, sme, founder, request, programme.GetPrimaryKeyString());
    }

    [Fact]
    public async Task A_chargeback_lost_on_top_of_a_refund_takes_card_money_only_and_a_later_refund_goes_by_bank()
    {
        // Co-funded: half the card's money refunded from Stripe's dashboard, then the bank charges the whole card payment
        // back. The card got its share twice: the escrow's card money pays once, the platform's funds the rest, and the
        // programme gets its share back.
        var (engagement, sme, _, request, programmeId) = await CoFundedByCardAsync();
        var half = request.SmeMinor / 2;
        await engagement.PaymentRefundedAsync(request.PaymentId, request.Attempt, half, "pi_funding");
        await engagement.CardDisputeAsync(request.PaymentId, "fraudulent", "pi_funding");
        await engagement.ChargebackClosedAsync(request.PaymentId, "pi_funding", lost: true, request.SmeMinor);
        var view = await engagement.GetAsync(sme);
        Assert.Equal(MilestoneStatus.Refunded, view.Milestones[0].Status);
        var ledger = await engagement.GetLedgerAsync(Samples.Admin);
        AssertInvariants(ledger);
        Assert.Equal((0L, 0L, -half, half), (LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Escrow),
            LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Programme(programmeId)), LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.PlatformFunds),
            LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Sme(view.SmeId))));

        // Charged back in part: what is left is the admins' to share, and a refund of it goes by bank (Stripe refunds no
        // charged-back charge).
        var (card, sme2, request2, _) = await CardApprovedAsync();
        await card.CardDisputeAsync(request2.PaymentId, "fraudulent", "pi_funding");
        await card.ChargebackClosedAsync(request2.PaymentId, "pi_funding", lost: true, request2.SmeMinor / 4);
        var left = (await card.GetAsync(sme2)).Milestones[0];
        Assert.Equal((MilestoneStatus.Disputed, "lost"), (left.Status, left.Dispute!.BankOutcome));
        var decided = (await card.ResolveDisputeAsync(Samples.Admin, 0, 0, left.AmountMinor - left.RefundedMinor, "Le reste à la PME.")).Milestones[0];
        Assert.Equal(PaymentMethod.BankTransfer, Assert.Single(decided.PendingMoves).Method);
    }

    [Fact]
    public async Task A_payout_paid_by_hand_is_held_like_in_a_bank_file_and_a_reversed_funding_holds_one_already_held()
    {
        const string smeRib = "007780000123456789012396";
        var (engagement, sme, founder, startupId) = await AwardedAsync();
        var smeId = (await engagement.GetAsync(sme)).SmeId;
        await Grains.GetGrain<IPayoutDetailsGrain>(smeId).SetAsync(sme, sme.AccountId, "Atlas SARL", smeRib);
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "bank-0");
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        var release = Assert.Single((await engagement.ApproveAsync(sme, 0)).Milestones[0].PendingMoves);
        var payout = Assert.Single((await engagement.CompleteMoveAsync(release.OperationId, null)).Payouts);
        Assert.Equal(PayoutStatus.Pending, payout.Status); // no RIB yet: nothing to compare

        // The startup's first RIB, given after the payout was ordered, is the SME's own: an admin paying by hand is stopped
        // as a bank file would be.
        await Grains.GetGrain<IPayoutDetailsGrain>(startupId).SetAsync(founder, founder.AccountId, "Atlas SARL", smeRib);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => engagement.MarkPayoutPaidAsync(Samples.Admin, payout.Id, "VIR-1", inBankFile: false));
        Assert.Equal(Problem.Conflict, refused.Problem);
        var held = Assert.Single((await engagement.GetAsync(Samples.Admin)).Payouts);
        Assert.Equal(PayoutStatus.Held, held.Status);
        Assert.Equal([PayoutHolds.RelatedParty], held.HoldReasons!);

        // The bank then sends the SME's transfer back: the payout held for another reason is held for this one too.
        Assert.Single(await engagement.FundingReversedAsync(request.PaymentId));
        Assert.Equal([PayoutHolds.RelatedParty, PayoutHolds.FundingReversed], Assert.Single((await engagement.GetAsync(Samples.Admin)).Payouts).HoldReasons!);
    }

    /// <summary>A milestone paid by card ("pi_funding"), delivered and approved: its release pending.</summary>
    private async Task<(IEngagementGrain Engagement, Caller Sme, FundingRequest Request, MoneyMove Release)> CardApprovedAsync()
    {
        var (engagement, sme, founder, _) = await AwardedAsync();
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.Stripe);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.Stripe, request.SmeMinor, "pi_funding", request.Attempt);
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        return (engagement, sme, request, Assert.Single((await engagement.ApproveAsync(sme, 0)).Milestones[0].PendingMoves));
    }

    [Fact]
    public async Task An_engagement_whose_event_stays_pending_is_written_again_twice_a_day_so_the_sweep_keeps_raising_it()
    {
        // The sweep raises the events of the engagements written in the last day: a money move failing longer (Stripe
        // refusing a transfer for days) would drop out of its sight, and the release stall until someone opens the engagement.
        var (engagement, sme, _, _) = await AwardedAsync();
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer); // its event is never confirmed here
        var needId = engagement.GetPrimaryKeyString();
        var table = new Azure.Data.Tables.TableServiceClient(fixture.Storage.ConnectionString).GetTableClient("marketplace");
        async Task<Azure.ETag> WrittenAsync() => (await table.QueryAsync<Azure.Data.Tables.TableEntity>(
            Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey eq {"engagement"}")).ToListAsync()).Single(r => r.PartitionKey.EndsWith("_" + needId, StringComparison.Ordinal)).ETag;
        var written = await WrittenAsync();
        await engagement.RaisePendingEventsAsync();
        Assert.Equal(written, await WrittenAsync()); // a fresh event: raised, nothing written
        fixture.Time.Advance(TimeSpan.FromDays(1));
        await engagement.RaisePendingEventsAsync();
        var rewritten = await WrittenAsync();
        Assert.NotEqual(written, rewritten);
        await engagement.RaisePendingEventsAsync(); // the next hour's sweep: written half a day ago at most, nothing more
        Assert.Equal(rewritten, await WrittenAsync());
        Assert.True(fixture.EngagementEvents.Of(needId).Count(e => e.Kind == EngagementEventKind.FundingRequested) >= 3);
    }

    [Fact]
    public async Task A_startup_ends_a_mission_nothing_was_paid_for_but_not_one_whose_payment_may_be_on_its_way()
    {
        // Accepted and never paid: the startup is not held for good (its capacity, its right to erasure).
        var (idle, _, idleFounder, _) = await AwardedAsync();
        Assert.True(await idle.CanCancelAsync(idleFounder));
        var ended = await idle.CancelAsync(idleFounder);
        Assert.Equal(Roles.Startup, ended.CancelledBy);
        Assert.All(ended.Milestones, m => Assert.Equal(MilestoneStatus.Cancelled, m.Status));

        // A transfer asked for may be on its way (14 days: PaymentJobsTests moves the clock): the startup waits; the SME may still end it.
        var (engagement, sme, founder, _) = await AwardedAsync();
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        Assert.False(await engagement.CanCancelAsync(founder));
        Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.CancelAsync(founder))).Problem);
        Assert.Equal(Roles.Sme, (await engagement.CancelAsync(sme)).CancelledBy);

        // Paid: only the SME ends it (its money is refunded); an admin never ends it in a party's place.
        var (paid, paidSme, paidFounder, _) = await AwardedAsync();
        var request = await paid.RequestFundingAsync(paidSme, 0, PaymentMethod.BankTransfer);
        await paid.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-END");
        Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(() => paid.CancelAsync(paidFounder))).Problem);
        Assert.False(await paid.CanCancelAsync(Samples.Admin));
        Assert.Equal(Roles.Sme, (await paid.CancelAsync(paidSme)).CancelledBy);
    }

    private async Task<(IEngagementGrain Engagement, Caller Sme, Caller Founder, string StartupId)> AwardedAsync(string? programmeId = null)
    {
        var owner = Samples.Sme(Samples.NewId("acc"));
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.CreateAsync(owner, Samples.NewId("sme"), Samples.Need(), programmeId);
        await need.PublishAsync(owner);
        var founder = Samples.Startup(Samples.NewId("acc"));
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(startupId).CreateAsync(founder.AccountId, Samples.StartupProfile());
        var bidId = await need.SubmitBidAsync(founder, startupId, "Web Atlas", Samples.Offer());
        await need.AcceptBidAsync(owner, bidId);
        return (Grains.GetGrain<IEngagementGrain>(need.GetPrimaryKeyString()), owner, founder, startupId);
    }

    /// <summary>Every entry sums to zero, the escrow never goes negative, the startup's receipts plus fees (plus its releases
    /// declined) equal the releases.</summary>
    internal static void AssertInvariants(EngagementLedger e)
    {
        long escrow = 0, released = 0, receivedAndFees = 0;
        foreach (var entry in e.Entries)
        {
            Assert.Equal(0, entry.Lines.Sum(l => l.AmountMinor));
            escrow += entry.Lines.Where(l => l.Account == LedgerAccounts.Escrow).Sum(l => l.AmountMinor);
            Assert.True(escrow >= 0);
            if (entry.Lines.Any(l => l.Account.StartsWith("startup:")))
            {
                released -= entry.Lines.Where(l => l.Account == LedgerAccounts.Escrow).Sum(l => l.AmountMinor);
                receivedAndFees += entry.Lines.Where(l => l.Account.StartsWith("startup:") || l.Account is LedgerAccounts.PlatformFees or LedgerAccounts.PayoutsDeclined).Sum(l => l.AmountMinor);
            }
        }
        Assert.Equal(released, receivedAndFees);
        Assert.Equal(e.Entries.Count, e.Entries.Select(x => x.OperationId).Distinct().Count());
    }

    [Fact]
    public async Task A_payout_declined_before_declines_moved_the_ledger_is_booked_the_first_time_its_engagement_is_loaded()
    {
        var (engagement, sme, founder, startupId) = await AwardedAsync();
        await CompleteAsync(Grains, engagement.GetPrimaryKeyString(), sme, founder);
        var storage = fixture.Silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("marketplace");
        var stored = new GrainState<EngagementState>();
        await storage.ReadStateAsync("engagement", engagement.GetGrainId(), stored);
        // As an older version left it: a payout declined, its release still owed to the startup in the ledger.
        var declined = stored.State!.Payouts[0];
        stored.State.Payouts[0] = declined with { Status = PayoutStatus.Declined, Review = new PayoutReview(false, "Parties liées.", "admin", DateTimeOffset.UtcNow) };
        await storage.WriteStateAsync("engagement", engagement.GetGrainId(), stored);
        var before = LedgerAccounts.Balance(stored.State.Ledger, LedgerAccounts.Startup(startupId));
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var ledger = await engagement.GetLedgerAsync(Samples.Admin);
        var entry = Assert.Single(ledger.Entries, e => e.OperationId == $"{declined.Id}:declined");
        Assert.Equal(before - declined.AmountMinor, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Startup(startupId)));
        Assert.Equal(declined.GrossMinor, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.PayoutsDeclined));
        AssertInvariants(ledger);
        // Loaded again: booked once.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Single((await engagement.GetLedgerAsync(Samples.Admin)).Entries, e => e.OperationId == $"{declined.Id}:declined");
    }

    [Fact]
    public async Task A_move_reported_twice_and_a_release_decided_twice_move_the_money_once()
    {
        var (engagement, sme, founder, startupId) = await AwardedAsync();
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-1");
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-1");
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        await Task.WhenAll(engagement.ApproveAsync(sme, 0), engagement.ApproveAsync(sme, 0), engagement.AutoReleaseAsync(0));
        var move = Assert.Single((await engagement.GetAsync(sme)).Milestones[0].PendingMoves);
        await engagement.CompleteMoveAsync(move.OperationId, null);
        var e = await engagement.CompleteMoveAsync(move.OperationId, null); // a retried job reporting again
        Assert.Equal(MilestoneStatus.Released, e.Milestones[0].Status);
        Assert.Single(e.Payouts);
        var ledger = await engagement.GetLedgerAsync(sme);
        Assert.Equal(1_425_000, LedgerAccounts.Balance(ledger.Entries, LedgerAccounts.Startup(startupId)));
        AssertInvariants(ledger);
    }

    [Fact]
    public async Task The_programme_reservation_repeated_after_a_failure_half_way_is_granted_once()
    {
        var programmeId = Samples.NewId("prog");
        await Grains.GetGrain<IProgrammeGrain>(programmeId).CreateAsync(new ProgrammeTerms("Maroc PME", 30, 1_000_000, 10_000_000, "MAD"), ProgrammeRules.None);
        var smeId = Samples.NewId("sme");
        var usage = Grains.GetGrain<IProgrammeSmeGrain>($"{programmeId}/{smeId}");
        var application = await usage.ApplyAsync(Samples.NewId("papp"), Samples.NewId("acc"), new SmeDetails("Huilerie", "food", "Meknes", "Fes-Meknes", 22, ["fr"]), null);
        await usage.DecideAsync(Samples.Admin, application.Id, approve: true, "Dossier complet.");
        // The programme granted, then the SME grain's write was lost: the retry gets the same grant, the budget counts it once.
        Assert.Equal(450_000, await Grains.GetGrain<IProgrammeGrain>(programmeId).ReserveAsync("need-x:m0:programme", 450_000));
        Assert.Equal(450_000, await usage.ReserveAsync("need-x:m0:programme", 450_000, 1_000_000));
        Assert.Equal(450_000, await usage.ReserveAsync("need-x:m0:programme", 450_000, 1_000_000));
        Assert.Equal(450_000, (await Grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync())!.CommittedMinor);
        Assert.Equal(450_000, await usage.GetUsedAsync());
        Assert.Equal(550_000, await usage.ReserveAsync("need-y:m0:programme", 900_000, 1_000_000)); // the rest of the cap
    }

    /// <summary>A need of the programme awarded to an SME whose application to it is approved.</summary>
    private async Task<(IEngagementGrain Engagement, Caller Sme)> CoFundedAsync(string programmeId)
    {
        var (engagement, sme, _, _) = await AwardedAsync(programmeId);
        var usage = Grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, (await engagement.GetAsync(sme)).SmeId));
        var application = await usage.ApplyAsync(Samples.NewId("papp"), sme.AccountId, new SmeDetails("Huilerie", "food", "Meknes", "Fes-Meknes", 22, ["fr"]), null);
        await usage.DecideAsync(Samples.Admin, application.Id, approve: true, "Dossier complet.");
        return (engagement, sme);
    }

    private async Task<IProgrammeGrain> ProgrammeAsync(long budgetMinor)
    {
        var programme = Grains.GetGrain<IProgrammeGrain>(Samples.NewId("prog"));
        await programme.CreateAsync(new ProgrammeTerms("Maroc PME", 30, 5_000_000, budgetMinor, "MAD"), ProgrammeRules.None);
        return programme;
    }

    [Fact]
    public async Task A_request_lapses_at_the_end_of_its_hold_asking_again_does_not_extend_it_and_a_card_checkout_opened_before_its_end_is_waited_for_a_day_at_most()
    {
        var programme = await ProgrammeAsync(100_000_000);
        var (engagement, sme) = await CoFundedAsync(programme.GetPrimaryKeyString());
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        var heldUntil = (await engagement.GetAsync(sme)).Milestones[0].HeldUntil!.Value;
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromDays(14), heldUntil);
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor);

        fixture.Time.Advance(TimeSpan.FromDays(13.5));
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer); // asking again keeps the hold
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.Stripe); // a checkout, open for a day
        fixture.Time.Advance(TimeSpan.FromDays(0.5) + TimeSpan.FromMinutes(1));
        Assert.Equal(heldUntil + TimeSpan.FromDays(0.5), await engagement.LapseFundingAsync(0, round: 0));
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor);
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.Stripe); // after the hold's end: not waited for
        Assert.Equal(heldUntil + TimeSpan.FromDays(0.5), await engagement.LapseFundingAsync(0, round: 0));

        fixture.Time.Advance(TimeSpan.FromDays(0.5));
        Assert.Null(await engagement.LapseFundingAsync(0, round: 0));
        Assert.Null(await engagement.LapseFundingAsync(0, round: 0));
        Assert.Equal(0, (await programme.GetAsync())!.CommittedMinor);
        var lapsed = (await engagement.GetAsync(sme)).Milestones[0];
        Assert.Equal((1, 1_050_000L, (DateTimeOffset?)null), (lapsed.Lapses, lapsed.LapsedSmeMinor, lapsed.HeldUntil));

        var again = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        Assert.Equal(450_000, again.ProgrammeMinor);
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor);
        Assert.Null(await engagement.LapseFundingAsync(0, round: 0)); // the first round's job, late: nothing
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task Cancelling_gives_the_programme_its_reserved_share_back_once_after_the_cancellation_is_written()
    {
        var programme = await ProgrammeAsync(100_000_000);
        var (engagement, sme) = await CoFundedAsync(programme.GetPrimaryKeyString());
        var (other, otherSme) = await CoFundedAsync(programme.GetPrimaryKeyString());
        await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await other.RequestFundingAsync(otherSme, 0, PaymentMethod.BankTransfer);
        Assert.Equal(900_000, (await programme.GetAsync())!.CommittedMinor);

        var cancelled = (await engagement.CancelAsync(sme)).Milestones[0];
        Assert.Equal((MilestoneStatus.Cancelled, 1), (cancelled.Status, cancelled.Lapses)); // the give-back owed, written with it
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor); // then given back: the other SME's share is left
        fixture.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        Assert.Null(await engagement.LapseFundingAsync(0, round: 0)); // the hold's end comes: nothing more
        Assert.Null(await engagement.LapseFundingAsync(0, round: 1));
        await engagement.RaisePendingEventsAsync(); // and its follow-up
        Assert.Equal(450_000, (await programme.GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task A_payment_of_a_lapsed_request_is_taken_while_the_programme_grants_the_same_share_and_refused_once_its_budget_went_elsewhere()
    {
        // The transfer made in time, read after the lapse: the programme grants the same share again, and it is taken.
        var ample = await ProgrammeAsync(100_000_000);
        var (engagement, sme) = await CoFundedAsync(ample.GetPrimaryKeyString());
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        fixture.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        Assert.Null(await engagement.LapseFundingAsync(0, round: 0));
        Assert.Equal(0, (await ample.GetAsync())!.CommittedMinor);
        var funded = await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-LATE");
        Assert.Equal((MilestoneStatus.Funded, 450_000L), (funded.Milestones[0].Status, funded.Milestones[0].ProgrammeShare));
        Assert.Equal(450_000, (await ample.GetAsync())!.CommittedMinor);
        AssertInvariants(await engagement.GetLedgerAsync(sme));

        // A programme whose whole budget went to another SME after the lapse: the late transfer no longer covers the
        // SME's share; it is refused and the programme holds nothing for it.
        var small = await ProgrammeAsync(450_000);
        var (first, firstSme) = await CoFundedAsync(small.GetPrimaryKeyString());
        var (second, secondSme) = await CoFundedAsync(small.GetPrimaryKeyString());
        var lapsing = await first.RequestFundingAsync(firstSme, 0, PaymentMethod.BankTransfer);
        fixture.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        Assert.Null(await first.LapseFundingAsync(0, round: 0));
        Assert.Equal(450_000, (await second.RequestFundingAsync(secondSme, 0, PaymentMethod.BankTransfer)).ProgrammeMinor);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() =>
            first.ConfirmFundingAsync(Samples.Admin, lapsing.PaymentId, PaymentMethod.BankTransfer, lapsing.SmeMinor, "VIR-LATE"));
        Assert.Equal(Problem.Invalid, refused.Problem);
        Assert.Contains("lapsed", refused.Message);
        Assert.Equal(450_000, (await small.GetAsync())!.CommittedMinor); // the second SME's share only
        var m = (await first.GetAsync(firstSme)).Milestones[0];
        Assert.Equal((MilestoneStatus.AwaitingFunding, 0, 2), (m.Status, m.Funding.Count, m.Lapses));
        Assert.Equal(lapsing.SmeMinor, m.LapsedSmeMinor); // what a late payment brings stays the lapsed request's
        await Assert.ThrowsAsync<MarketplaceException>(() =>
            first.ConfirmFundingAsync(Samples.Admin, lapsing.PaymentId, PaymentMethod.BankTransfer, lapsing.SmeMinor, "VIR-LATE")); // an admin's retry: refused alike
        Assert.Equal(450_000, (await small.GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task The_due_days_count_from_the_first_funding_so_a_late_funding_moves_them_once()
    {
        var (engagement, sme, founder, _) = await AwardedAsync();
        var planned = (await engagement.GetAsync(founder)).Milestones.Select(m => m.DueOn).ToList();
        fixture.Time.Advance(TimeSpan.FromDays(10)); // the SME pays ten days after the award
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "bank-0");
        var started = (await engagement.GetAsync(founder)).Milestones.Select(m => m.DueOn).ToList();
        Assert.Equal(planned.Select(d => d.AddDays(10)), started);

        fixture.Time.Advance(TimeSpan.FromDays(5)); // the second milestone's funding, later still, moves nothing
        var second = await engagement.RequestFundingAsync(sme, 1, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, second.PaymentId, PaymentMethod.BankTransfer, second.SmeMinor, "bank-1");
        Assert.Equal(started, (await engagement.GetAsync(founder)).Milestones.Select(m => m.DueOn));
    }

    [Fact]
    public async Task The_engagement_exists_from_the_award_and_strangers_cannot_act_on_it()
    {
        var (engagement, sme, founder, _) = await AwardedAsync();
        var e = await engagement.GetAsync(founder);
        Assert.Equal(2, e.Milestones.Count);
        Assert.Equal(DateOnly.FromDateTime(e.AwardedAt.UtcDateTime).AddDays(20), e.Milestones[0].DueOn);
        var stranger = Samples.Sme(Samples.NewId("acc"));
        await Assert.ThrowsAsync<MarketplaceException>(() => engagement.RequestFundingAsync(stranger, 0, PaymentMethod.BankTransfer));
        await Assert.ThrowsAsync<MarketplaceException>(() => engagement.DeliverAsync(sme, 0, "x", []));
        await Assert.ThrowsAsync<MarketplaceException>(() => engagement.ApproveAsync(founder, 0));
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.GetAsync(stranger))).Problem);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.GetLedgerAsync(founder))).Problem);
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() =>
            engagement.ConfirmFundingAsync(sme, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-SELF"))).Problem); // only admins confirm
        var unawarded = await Samples.OpenNeedAsync(Grains);
        var missing = await Assert.ThrowsAsync<MarketplaceException>(() => Grains.GetGrain<IEngagementGrain>(unawarded.Need.GetPrimaryKeyString()).GetAsync(Samples.Admin));
        Assert.Equal(Problem.NotFound, missing.Problem);
    }

    [Fact]
    public async Task An_admin_reads_the_engagement_and_its_ledger_but_never_funds_approves_disputes_or_cancels_in_the_smes_place()
    {
        // Money moves on the SME's decision: an admin confirms transfers and settles disputes, it does not decide for the SME.
        var (engagement, sme, founder, _) = await AwardedAsync();
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-ADM");
        await engagement.DeliverAsync(founder, 0, "Livré.", []);
        foreach (var refused in new Func<Task>[]
        {
            () => engagement.ApproveAsync(Samples.Admin, 0),
            () => engagement.OpenDisputeAsync(Samples.Admin, 0, "Contesté par un admin."),
            () => engagement.RequestFundingAsync(Samples.Admin, 1, PaymentMethod.BankTransfer),
            () => engagement.CancelAsync(Samples.Admin),
        })
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(refused)).Problem);
        var seen = await engagement.GetAsync(Samples.Admin);
        Assert.Equal(MilestoneStatus.Delivered, seen.Milestones[0].Status);
        Assert.Null(seen.Milestones[0].Dispute);
        Assert.Null(seen.Milestones[1].FundingRequestedAt);
        Assert.Null(seen.CancelledAt);
        Assert.NotEmpty((await engagement.GetLedgerAsync(Samples.Admin)).Entries);
        Assert.Equal(MilestoneStatus.Approved, (await engagement.ApproveAsync(sme, 0)).Milestones[0].Status); // the SME still decides
    }

    [Fact]
    public async Task Each_change_is_written_with_its_event_raised_after_the_write_and_pending_until_confirmed()
    {
        var (engagement, sme, founder, _) = await AwardedAsync();
        var needId = engagement.GetPrimaryKeyString();
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-7");
        fixture.EngagementEvents.Failing = true;
        try
        {
            var delivered = await engagement.DeliverAsync(founder, 0, "Livré.", []); // stored although the hand-over failed
            Assert.Equal(MilestoneStatus.Delivered, delivered.Milestones[0].Status);
        }
        finally
        {
            fixture.EngagementEvents.Failing = false;
        }
        var approved = await engagement.ApproveAsync(sme, 0);
        Assert.Equal(MilestoneStatus.Approved, approved.Milestones[0].Status); // the release is the follow-up's
        Assert.Equal([EngagementEventKind.Opened, EngagementEventKind.FundingRequested, EngagementEventKind.Funded, EngagementEventKind.Approved],
            fixture.EngagementEvents.Of(needId).Select(e => e.Kind));

        await engagement.RaisePendingEventsAsync(); // the sweep: every unconfirmed event again, the delivery's included
        var raised = fixture.EngagementEvents.Of(needId);
        Assert.Equal(4 + 5, raised.Count);
        Assert.Contains(raised.Skip(4), e => e.Kind == EngagementEventKind.Delivered && e.Index == 0);
        foreach (var e in raised) await engagement.ConfirmEventAsync(e.Id);
        await engagement.ConfirmEventAsync(raised[0].Id); // a retried job confirms twice
        await engagement.RaisePendingEventsAsync();
        Assert.Equal(9, fixture.EngagementEvents.Of(needId).Count);
    }

    [Fact]
    public async Task A_dispute_proposes_the_startups_cohorts_institutes_as_mediators_whose_managers_resolve_it_only_once_the_sme_accepts()
    {
        var (engagement, sme, founder, startupId) = await AwardedAsync();
        var (mediatorInstitute, otherInstitute, laterInstitute) = (Samples.NewId("inst"), Samples.NewId("inst"), Samples.NewId("inst"));
        await Grains.GetGrain<Incubation.IStartupActivityGrain>(startupId).JoinCohortAsync(Samples.NewId("coh"), mediatorInstitute);
        async Task<Caller> ManagerAsync(string institute)
        {
            var id = Samples.NewId("acc");
            await Grains.GetGrain<Accounts.IAccountGrain>(id).CreateAsync(new Accounts.NewAccount($"{id}@example.ma", Roles.Manager, "Manager", "fr", [institute]));
            return new Caller(id, Roles.Manager);
        }
        var (mediator, other, later) = (await ManagerAsync(mediatorInstitute), await ManagerAsync(otherInstitute), await ManagerAsync(laterInstitute));
        var request = await engagement.RequestFundingAsync(sme, 0, PaymentMethod.BankTransfer);
        await engagement.ConfirmFundingAsync(Samples.Admin, request.PaymentId, PaymentMethod.BankTransfer, request.SmeMinor, "VIR-9");
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.GetAsync(mediator))).Problem); // no dispute yet

        var disputed = await engagement.OpenDisputeAsync(founder, 0, "Le client ne répond plus depuis deux semaines.");
        Assert.Equal([mediatorInstitute], disputed.Milestones[0].Dispute!.MediatorInstitutes);
        await Grains.GetGrain<Incubation.IStartupActivityGrain>(startupId).JoinCohortAsync(Samples.NewId("coh"), laterInstitute); // too late to mediate
        foreach (var stranger in new[] { other, later })
        {
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.GetAsync(stranger))).Problem);
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() =>
                engagement.ResolveDisputeAsync(stranger, 0, 1_500_000, 0, "Tout à la startup."))).Problem);
        }
        // The startup's incubator gets no say over the SME's money by the startup's choice alone: the SME accepts it first.
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.GetAsync(mediator))).Problem);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() =>
            engagement.ResolveDisputeAsync(mediator, 0, 1_500_000, 0, "Tout à la startup."))).Problem);
        foreach (var notTheSme in new[] { founder, Samples.Admin, mediator })
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => engagement.AcceptMediatorsAsync(notTheSme, 0))).Problem);
        var accepted = await engagement.AcceptMediatorsAsync(sme, 0);
        Assert.NotNull(accepted.Milestones[0].Dispute!.MediatorsAcceptedAt);
        Assert.Equal(accepted.Milestones[0].Dispute!.MediatorsAcceptedAt, (await engagement.AcceptMediatorsAsync(sme, 0)).Milestones[0].Dispute!.MediatorsAcceptedAt); // once
        Assert.Equal(MilestoneStatus.Disputed, (await engagement.GetAsync(mediator)).Milestones[0].Status);
        var resolved = await engagement.ResolveDisputeAsync(mediator, 0, 1_000_000, 500_000, "Deux tiers livrés.");
        Assert.Equal(mediator.AccountId, resolved.Milestones[0].Dispute!.ResolvedBy);
        Assert.Equal(2, resolved.Milestones[0].PendingMoves.Count);
    }

    [Fact]
    public void A_full_engagement_of_the_largest_texts_stays_under_the_size_bound()
    {
        static string Arabic(int n) => new([.. Enumerable.Range(0, n).Select(_ => (char)Random.Shared.Next(0x0627, 0x064A))]);
        var at = DateTimeOffset.UtcNow;
        var state = new EngagementState { NeedId = Samples.NewId("need"), Title = Arabic(200), StartupName = Arabic(200) };
        for (var i = 0; i < 10; i++)
        {
            state.Milestones.Add(new MilestoneState
            {
                Index = i, Title = Arabic(200), DeliveryNote = Arabic(2000), DeliveryLinks = [.. Enumerable.Range(0, 5).Select(_ => "https://" + new string('x', 290))],
                Dispute = new Dispute(Samples.NewId("dsp"), "sme", Arabic(1000), at, at, 1, 1, Arabic(1000), Samples.NewId("acc")),
                Funding = [new(FundingSource.Sme, 1, FundingStatus.Paid), new(FundingSource.Programme, 1, FundingStatus.Paid)],
            });
            foreach (var what in new[] { "fund", "release", "refund" })
                state.Ledger.Add(new LedgerEntry(Samples.NewId("entry"), $"{state.NeedId}:m{i}:{what}", at,
                    [new("escrow", -2), new(LedgerAccounts.Startup(Samples.NewId("st")), 1), new(LedgerAccounts.Programme(Samples.NewId("prog")), 1)]));
            foreach (var kind in new[] { MoveKind.Release, MoveKind.Refund })
                state.Payouts.Add(new PayoutOrder(Samples.NewId("po"), state.NeedId, i, kind, "startup", Samples.NewId("st"), Arabic(200), 1, "MAD",
                    PayoutStatus.Paid, at, new string('r', 100), at));
        }
        for (var i = 0; i < EngagementGrain.MaxPendingEvents; i++)
            state.PendingEvents.Add(new EngagementEvent(Samples.NewId("evt"), EngagementEventKind.DisputeResolved, 9, at));
        state.Told.AddRange(Enumerable.Range(0, EngagementGrain.MaxTold).Select(_ => $"{Samples.NewId("dsp")}:{at.UtcTicks}:resolved"));
        var size = fixture.Silo.Services.GetRequiredService<Orleans.Serialization.Serializer>().SerializeToArray(state).Length;
        Assert.InRange(size, 40 * 1024, 256 * 1024);
    }
}
