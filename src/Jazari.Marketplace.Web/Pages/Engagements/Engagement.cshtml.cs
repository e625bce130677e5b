using Microsoft.AspNetCore.Html;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Pages.Shared;
using Jazari.Marketplace.Web.Pages.Support;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Engagements;

/// <summary>
/// The engagement of an awarded need, milestone by milestone, for its SME (fund by bank transfer or card, approve,
/// dispute, ask the institute for an expert opinion on a delivery), its startup (deliver, dispute) and admins (resolve a
/// dispute: what is released, what is refunded); every action is the same command the API calls (EngagementCommands,
/// ExpertReviewCommands), with its rules and checks.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class EngagementModel(IGrainFactory grains, Text text, EngagementCommands engagements, PaymentSettings payments,
    ExpertReviewCommands expertReviews, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public EngagementResponse Engagement { get; private set; } = null!;
    /// <summary>The ways to pay offered here: only the rails configured on this marketplace.</summary>
    public IReadOnlyList<FundingOption> FundingOptions => engagements.FundingOptions;
    public BankDetails Bank => payments.Bank;
    public bool IsSme => Me.Role == Roles.Sme;
    public bool IsStartup => Me.Role == Roles.Startup;
    public bool IsAdmin => Me.IsAdmin;
    /// <summary>A manager reads an engagement only as a mediator the SME accepted (the grain decides): it may then resolve.</summary>
    public bool IsManager => Me.Role == Roles.Manager;
    public string? Done { get; private set; }
    /// <summary>What a form of this page (or of the expert review) did, said after its redirect.</summary>
    private static readonly HashSet<string> Outcomes =
        ["approved", "delivered", "disputed", "resolved", "mediators-accepted", "programme-funded", "transfer", "expert-review", "cancelled"];
    /// <summary>Whether the reader (the startup, or the SME for its refunds) gave the RIB its payouts go to (without it, a payout waits for it).</summary>
    public bool HasPayoutDetails => PayoutDetails is not null;
    /// <summary>The reader's RIB and when it last changed: a payout ordered before waits <see cref="PayoutHolds.AfterRibChange"/> after it.</summary>
    private PayoutDetailsView? PayoutDetails { get; set; }

    /// <summary>Until when the reader's payout stays out of the bank files, its RIB changed after it was ordered; null when it does not wait.</summary>
    public DateTimeOffset? WaitsUntil(PayoutResponse p) =>
        p.Status == "pending" ? PayoutHolds.WaitsUntil(p.CreatedAt, PayoutDetails, time.GetUtcNow()) : null;
    /// <summary>To the startup, the SME it works for (the page's header names the other party).</summary>
    public string? SmeName { get; private set; }
    /// <summary>The names of the institutes the disputes propose as mediators.</summary>
    public Dictionary<string, string> InstituteNames { get; } = [];

    /// <summary>The proposed mediators of a dispute, by name, in the reader's list.</summary>
    public string Mediators(DisputeResponse d) => T.List(d.Mediators.Select(i => InstituteNames.GetValueOrDefault(i, i)), typed: true);

    /// <summary>The page; <c>confirm=approve</c> with a milestone's index first shows what approving releases (a plain GET,
    /// which Back and reload repeat harmlessly); only the confirmation posted from there acts.</summary>
    public async Task OnGetAsync(string id, string? done, string? confirm, int? index)
    {
        Done = done is not null && Outcomes.Contains(done) ? done : null; // an address with another word shows no notice, never a raw key
        if (IsAdmin)
        {
            // A bank's closing whose event never came; Stripe slow or unreachable, the page says the bank has not closed it
            // yet (after five seconds at most), and the decision asks again.
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
            patience.CancelAfter(TimeSpan.FromSeconds(5));
            try { await engagements.LookUpChargebacksAsync(Me, id, patience.Token); }
            catch (Exception slow) when (slow is Stripe.StripeException or OperationCanceledException && !HttpContext.RequestAborted.IsCancellationRequested) { }
        }
        await LoadAsync(id);
        ConfirmCancel = confirm == "cancel" && CanCancel;
        if (confirm != "approve") return;
        ConfirmApprove = IsSme ? Engagement.Milestones.FirstOrDefault(m => m.Index == index && m.Status == "delivered") : null;
        if (ConfirmApprove is null) AddError("", T["journey.nothing-to-approve"]);
    }

    /// <summary>A bank transfer the SME was asked to make for a milestone, read from the engagement itself, so it
    /// stays on the page (after a reload too) until an admin confirms the transfer; null when none is awaited.</summary>
    public BankTransfer? TransferFor(EngagementMilestone m) =>
        IsSme && m is { Status: "awaiting-funding", Method: "bank-transfer", PaymentId: { } paymentId } && m.SmeMinor > 0
            ? new BankTransfer(BankTransferRail.Reference(paymentId), m.SmeMinor, PayBy(m))
            : null;

    /// <summary>The day to pay by: while the programme holds its share, the day before the hold ends (one date, the one that
    /// counts, with a day for the transfer to arrive); otherwise the day of the reminder.</summary>
    private DateOnly PayBy(EngagementMilestone m) => payments.PayBy(m.ProgrammeHeldUntil, m.ProgrammeMinor, m.FundingRequestedAt);

    /// <summary>To the SME, while its request holds the programme's share: how much and until when (null otherwise).</summary>
    public (long ProgrammeMinor, DateTimeOffset Until)? HeldFor(EngagementMilestone m) =>
        IsSme && m is { Status: "awaiting-funding", ProgrammeHeldUntil: { } until } && m.ProgrammeMinor > 0 ? (m.ProgrammeMinor, until) : null;

    /// <summary>To the SME, on a milestone whose last funding request lapsed unpaid and that waits for a new one: when it lapsed.</summary>
    public DateTimeOffset? LapsedOn(EngagementMilestone m) =>
        IsSme && m is { Status: "awaiting-funding", FundingRequestedAt: null, FundingLapsedAt: { } lapsed } && Engagement.Status == "active" ? lapsed : null;

    /// <summary>The "what next" line for the reader: what they (or the other party) do now, from the first milestone still open.</summary>
    public IHtmlContent? WhatNext()
    {
        var e = Engagement;
        if (e.Status == "cancelled") return T.Html("journey.next-engagement-cancelled");
        if (e.Status == "completed" || e.Milestones.All(m => m.Status is "released" or "refunded" or "cancelled"))
            return !IsSme && !IsStartup ? null : !CanReview ? T.Html("journey.next-engagement-reviewed")
                : IsSme ? T.Html("journey.next-engagement-completed-sme") : T.Html("journey.next-engagement-completed-startup");
        if (!IsSme && !IsStartup) return null;
        // An approved milestone's release follows by itself: the next step is the next milestone's, when one is left.
        var m = e.Milestones.FirstOrDefault(x => x.Status == "disputed")
            ?? e.Milestones.FirstOrDefault(x => x.Status is not ("released" or "refunded" or "cancelled" or "approved"))
            ?? e.Milestones.First(x => x.Status is not ("released" or "refunded" or "cancelled"));
        var role = IsSme ? "sme" : "startup";
        var state = m.Status == "awaiting-funding" && TransferFor(m) is not null ? "awaiting-transfer" : m.Status;
        // The SME pays its share once a programme took its own (the transfer's amount below), else the milestone's amount.
        var amount = SmePays(m) ?? m.AmountMinor;
        // The milestone's title and the startup's name are typed: isolated, so that "« تطوير الموقع » (15.000 MAD)" keeps its order.
        return T.Html($"journey.next-{state}-{role}", m.Title, T.Money(amount, e.Currency), e.StartupName, payments.AutoReleaseDays);
    }

    /// <summary>To the SME, on a milestone still to fund: what it pays of it. Once asked, its share; before, in a co-funded
    /// engagement, what funding would reserve today (the programme's percentage, milestone after milestone, within what the
    /// SME's cap and the budget leave); null otherwise (the milestone's amount).</summary>
    public long? SmePays(EngagementMilestone m) =>
        !IsSme || m.Status != "awaiting-funding" ? null : m.SmeMinor > 0 ? m.SmeMinor : expectedShares.TryGetValue(m.Index, out var share) ? share : null;

    private Dictionary<int, long> expectedShares = [];

    private async Task ExpectSharesAsync()
    {
        if (!IsSme || Engagement is not { Status: "active", ProgrammeId: { } programmeId, SubsidyPercent: > 0 } e) return;
        if (await IProgrammeSmeGrain.RoomAsync(Grains, programmeId, e.SmeId) is not { RoomMinor: var room }) return;
        foreach (var m in e.Milestones.Where(m => m is { Status: "awaiting-funding", FundingRequestedAt: null, SmeMinor: 0 }))
        {
            var programmePays = Math.Min(PaymentRules.ProgrammeShare(m.AmountMinor, e.SubsidyPercent), room);
            room -= programmePays;
            expectedShares[m.Index] = m.AmountMinor - programmePays;
        }
    }

    /// <summary>What the startup receives of a milestone once released: its amount less the platform fee agreed at the award.</summary>
    public long StartupReceives(long amountMinor) => amountMinor - PaymentRules.Fee(amountMinor, (int)(Engagement.PlatformFeePercent * 100));

    public async Task<IActionResult> OnPostFundAsync(string id, int index, string? method)
    {
        FundResponse? funding = null;
        if (await TryAsync(async () => funding = await engagements.FundAsync(Me, id, index, new FundInput { Method = method })))
        {
            if (funding!.CheckoutUrl is { } checkout) return Redirect(checkout);
            // The instructions are read back from the engagement on the next page, so a reload shows them again.
            return Redirect($"/engagements/{id}?done={(funding.Funded ? "programme-funded" : "transfer")}#m{index}");
        }
        await LoadAsync(id);
        return Page();
    }

    public Task<IActionResult> OnPostDeliverAsync(string id, int index, string? note, string? links)
    {
        Delivery = (index, note, links); // shown back with its refusals beside the fields when refused
        return ActAsync(id, "delivered", () => engagements.DeliverAsync(Me, id, index, new DeliverInput { Note = note, Links = Split(links) }));
    }

    /// <summary>The delivery the startup just sent, when it was refused: the milestone, the note and the links as typed.</summary>
    public (int Index, string? Note, string? Links)? Delivery { get; private set; }

    /// <summary>The refusals of one field of the delivery form: "links" gathers those of each link ("links[1]").</summary>
    public string? DeliveryError(string field) => Errors.Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal))
        .SelectMany(e => e.Value).Distinct().ToList() is { Count: > 0 } found ? string.Join(" ", found) : null;

    /// <summary>The milestone the SME asked to approve, shown with what will be released before anything is done.</summary>
    public EngagementMilestone? ConfirmApprove { get; private set; }

    /// <summary>Approving releases money: only the confirmation posted from the asking page acts; a post without it is asked first.</summary>
    public async Task<IActionResult> OnPostApproveAsync(string id, int index, bool confirmed) =>
        confirmed ? await ActAsync(id, "approved", () => engagements.ApproveAsync(Me, id, index)) : Redirect($"/engagements/{id}?confirm=approve&index={index}#confirm");

    /// <summary>Whether the reader may end the engagement now (the grain decides: the SME while nothing is delivered or
    /// disputed; the startup while nothing is paid or on its way).</summary>
    public bool CanCancel { get; private set; }
    /// <summary>Ending was asked: what it means is shown, and only the confirmation posted from there acts.</summary>
    public bool ConfirmCancel { get; private set; }

    public async Task<IActionResult> OnPostCancelAsync(string id, bool confirmed) =>
        confirmed ? await ActAsync(id, "cancelled", () => engagements.CancelAsync(Me, id)) : Redirect($"/engagements/{id}?confirm=cancel#confirm-cancel");

    /// <summary>The SME's expert opinions on the deliveries of this engagement (the startup never sees them).</summary>
    private IReadOnlyList<ExpertReviewResponse> deliveryReviews = [];
    /// <summary>The milestone whose request was refused, with the question typed: shown again beside it.</summary>
    private (int Index, string? Question)? asked;

    /// <summary>
    /// The expert opinions on a milestone's delivery, newest first, and the form to ask one: to the SME, while the delivery
    /// waits for approval and no opinion on it is asked or given (once one expired unanswered, another may be asked).
    /// </summary>
    public ExpertReviewsSection? ExpertReviewsOf(EngagementMilestone m)
    {
        if (!IsSme) return null;
        var reviews = deliveryReviews.Where(r => r.Milestone == m.Index).ToList();
        var canAsk = m.Status == "delivered" && reviews.All(r => r.Status == "expired");
        if (reviews.Count == 0 && !canAsk) return null;
        var refused = asked?.Index == m.Index;
        return new ExpertReviewsSection(Engagement.NeedId, reviews, canAsk)
        {
            Milestone = m.Index,
            AskAction = $"/engagements/{Engagement.NeedId}?handler=expertReview",
            Question = refused ? asked?.Question : null,
            QuestionError = refused ? ErrorFor("question") ?? ErrorFor("milestone") : null,
        };
    }

    /// <summary>The SME asks the institute for a neutral opinion on a delivered milestone (before approving it).</summary>
    public async Task<IActionResult> OnPostExpertReviewAsync(string id, int index, string? question)
    {
        if (await TryAsync(() => expertReviews.RequestAsync(Me, id, new ExpertReviewInput { Milestone = index, Question = question })))
            return Redirect($"/engagements/{id}?done=expert-review#m{index}");
        asked = (index, question);
        await LoadAsync(id);
        return Page();
    }

    public Task<IActionResult> OnPostDisputeAsync(string id, int index, string? reason) =>
        ActAsync(id, "disputed", () => engagements.DisputeAsync(Me, id, index, new DisputeInput { Reason = reason }));

    public Task<IActionResult> OnPostAcceptMediatorsAsync(string id, string? disputeId) =>
        ActAsync(id, "mediators-accepted", () => engagements.AcceptMediatorsAsync(Me, disputeId ?? ""));

    /// <summary>The decision the mediator just sent, when it was refused: shown again as typed, the refusal beside its field.</summary>
    public (string? DisputeId, decimal? Release, decimal? Refund, string? Note) Resolution { get; private set; }

    public Task<IActionResult> OnPostResolveAsync(string id, string? disputeId, decimal? releaseMad, decimal? refundMad, string? note)
    {
        Resolution = (disputeId, releaseMad, refundMad, note);
        return ActAsync(id, "resolved", () => engagements.ResolveAsync(Me, disputeId ?? "",
            new ResolveInput { ReleaseMinor = Minor(releaseMad), RefundMinor = Minor(refundMad), Note = note }));
    }

    /// <summary>An amount typed in MAD as minor units; -1 (refused by the command's checks) when it has more than two decimals.</summary>
    private static long? Minor(decimal? mad) => mad is not { } m ? null : decimal.Round(m, 2) == m && m is >= 0 and <= Checks.MaxMad ? (long)(m * 100) : -1;

    private async Task<IActionResult> ActAsync(string id, string done, Func<Task> action)
    {
        if (await TryAsync(action)) return Redirect($"/engagements/{id}?done={done}");
        await LoadAsync(id);
        return Page();
    }

    /// <summary>Receipts are numbered by the follow-up moments after a confirmation or a payout: only numbered ones are linked.</summary>
    public bool HasReceipt(string id) => issuedReceipts.Contains(id);

    private HashSet<string> issuedReceipts = [];

    /// <summary>An ended engagement whose reader (the SME or the startup) has not written its review yet, while reviews are open.</summary>
    public bool CanReview { get; private set; }

    private async Task LoadAsync(string id)
    {
        Engagement = await engagements.GetAsync(Me, id);
        CanCancel = (IsSme || IsStartup) && await engagements.CanCancelAsync(Me, id);
        var ids = Engagement.Milestones.Where(m => m.FundedAt is not null).Select(m => m.PaymentId).OfType<string>().Concat(Engagement.Payouts.Select(p => p.Id)).ToList();
        var numbers = await Task.WhenAll(ids.Select(r => Grains.GetGrain<IReceiptGrain>(r).GetAsync()));
        issuedReceipts = [.. ids.Where((_, i) => numbers[i] is not null)];
        if (IsSme) deliveryReviews = [.. (await expertReviews.OfNeedAsync(Me, id)).Where(r => r.Kind == "milestone")];
        if (Engagement.Status is "completed" or "cancelled" && (IsSme || IsStartup))
            CanReview = (await ReviewsSection.LoadAsync(Grains, id, Me, "", new(), _ => null)).CanWrite;
        await ExpectSharesAsync();
        foreach (var institute in Engagement.Milestones.SelectMany(m => m.Dispute?.Mediators ?? []).Distinct())
            if (await Grains.GetGrain<Jazari.Marketplace.Grains.Incubation.IInstituteGrain>(institute).GetAsync() is { } found) InstituteNames[institute] = found.Name;
        if (IsStartup || IsSme)
            PayoutDetails = await Grains.GetGrain<IPayoutDetailsGrain>(IsSme ? Engagement.SmeId : Engagement.StartupId).GetAsync(Caller.Marketplace);
        // The startup reads its client's name at the top, as the SME reads the startup's.
        if (IsStartup)
        {
            try { SmeName = (await Grains.GetGrain<Jazari.Marketplace.Grains.Profiles.ISmeGrain>(Engagement.SmeId).GetAsync(Caller.Marketplace)).Details.Name; }
            catch (Jazari.Marketplace.Grains.MarketplaceException) { } // erased: the startup's own name, as before
        }
    }
}

/// <summary>What the SME transfers for a milestone: the amount, the reference to quote, and the day to pay by.</summary>
public sealed record BankTransfer(string Reference, long AmountMinor, DateOnly PayBy);
