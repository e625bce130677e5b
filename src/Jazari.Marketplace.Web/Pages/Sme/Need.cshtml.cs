using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Pages.Support;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>
/// One need of the SME: publish or cancel it, its bids side by side with their match reasons, accept one; its matches.
/// Accepting a bid and cancelling the need first show what will happen (amount, to whom, the platform fee) and act only
/// when that confirmation is posted back (<c>confirmed=true</c>): a single click never commits the SME.
/// </summary>
public sealed class NeedModel(IGrainFactory grains, Text text, NeedCommands needs, BidCommands bids, ReviewCommands reviews, ExpertReviewCommands expertReviews,
    ProgrammeCommands programmes, PaymentSettings payments) : MarketplacePage(grains, text)
{
    public decimal FeePercent => payments.PlatformFeePercent;
    /// <summary>The bid the SME asked to accept, shown for confirmation before anything is done.</summary>
    public Bid? ConfirmAccept { get; private set; }
    /// <summary>The SME asked to cancel the need: the confirmation is shown.</summary>
    public bool ConfirmCancel { get; private set; }
    public const int MatchesShown = 20;
    public NeedView Need { get; private set; } = null!;
    public IReadOnlyList<Bid> Bids { get; private set; } = [];
    public IReadOnlyList<Recommendation> Matches { get; private set; } = [];
    public Dictionary<string, TrackRecord> Tracks { get; } = [];
    public ReviewsSection? Reviews { get; private set; }
    /// <summary>The need's expert opinions, beside the bids (shown once there are bids or opinions).</summary>
    public Shared.ExpertReviewsSection? ExpertReviews { get; private set; }
    [BindProperty]
    public ReviewInput Review { get; set; } = new();
    /// <summary>The co-funding programme the need is in, if any.</summary>
    public ProgrammeView? Programme { get; private set; }
    /// <summary>What the programme may still pay for this SME (its cap per SME less what it granted the SME already).</summary>
    private long programmeRoomMinor;
    /// <summary>The programmes that approved the SME, which a draft or open need outside any programme may join.</summary>
    public IReadOnlyList<ProgrammeApplicationResponse> Joinable { get; private set; } = [];
    /// <summary>The SME's applications awaiting a decision: accepting a bid before it leaves this need out of co-funding.</summary>
    public IReadOnlyList<ProgrammeApplicationResponse> Waiting { get; private set; } = [];

    /// <summary>The page; <paramref name="confirm"/> (accept, cancel) asks first, by a plain GET that Back and reload repeat
    /// harmlessly: what accepting costs or what cancelling means, with the button that posts the decision.</summary>
    public async Task OnGetAsync(string id, string? confirm, string? bidId)
    {
        await LoadAsync(id);
        if (confirm == "cancel") ConfirmCancel = true;
        if (confirm == "accept")
        {
            ConfirmAccept = Bids.FirstOrDefault(b => b.Id == bidId && b.Status == BidStatus.Submitted);
            if (ConfirmAccept is null) AddError("", T["journey.bid-gone"]);
        }
    }

    public Task<IActionResult> OnPostPublishAsync(string id) => ActAsync(id, () => needs.PublishAsync(Me, id));

    public Task<IActionResult> OnPostProgrammeAsync(string id, string? programmeId) =>
        ActAsync(id, () => needs.JoinProgrammeAsync(Me, id, new(programmeId)));

    /// <summary>Only the confirmation acts; a post without it (a page from before the asking step was a GET) is asked first.</summary>
    public async Task<IActionResult> OnPostCancelAsync(string id, bool confirmed) =>
        confirmed ? await ActAsync(id, () => needs.CancelAsync(Me, id)) : Redirect($"/sme/needs/{id}?confirm=cancel#confirm");

    public async Task<IActionResult> OnPostAcceptAsync(string id, string bidId, bool confirmed) =>
        confirmed ? await ActAsync(id, () => bids.AcceptAsync(Me, id, bidId ?? ""))
            : Redirect($"/sme/needs/{id}?confirm=accept&bidId={Uri.EscapeDataString(bidId ?? "")}#confirm");

    /// <summary>The key of the "what next" line for the need's state: what the SME (or a startup) does now.</summary>
    public string WhatNextKey => Need.Status switch
    {
        NeedStatus.Draft => "journey.next-need-draft",
        NeedStatus.Open => Bids.Any(b => b.Status == BidStatus.Submitted) ? "journey.next-need-bids" : "journey.next-need-no-bids",
        NeedStatus.Awarded => transferAwaited ? "journey.next-need-awaiting-transfer" : "journey.next-need-awarded",
        NeedStatus.InProgress => "journey.next-need-in-progress",
        NeedStatus.Completed => Reviews is { CanWrite: true } ? "journey.next-need-review" : "journey.next-need-completed",
        _ => "journey.next-need-closed",
    };

    /// <summary>The platform's fee on an amount at today's rate (the rate is agreed at the award).</summary>
    public long FeeOf(long amountMinor) => PaymentRules.Fee(amountMinor, payments.Rules.PlatformFeeBasisPoints);

    /// <summary>What the programme would pay of a bid, as each milestone's funding reserves it (its percentage of each
    /// milestone, within what the SME's cap leaves today); 0 outside a programme. Its budget may run out before.</summary>
    public long ProgrammeShareOf(Bid bid) => Programme is not { } programme ? 0
        : Math.Min(bid.Offer.Milestones.Sum(m => PaymentRules.ProgrammeShare(m.AmountMinor, programme.Terms.SubsidyPercent)), programmeRoomMinor);

    public Task<IActionResult> OnPostReviewAsync(string id) => ActAsync(id, () => reviews.WriteAsync(Me, id, Review), "?reviewed=true#reviews");

    private async Task<IActionResult> ActAsync(string id, Func<Task> action, string then = "")
    {
        await EnsureOwnAsync(id);
        if (await TryAsync(action)) return Redirect($"/sme/needs/{id}{then}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Need = await EnsureOwnAsync(id);
        Bids = [.. Need.Bids.Where(b => b.Status != BidStatus.Withdrawn).OrderBy(b => b.Status == BidStatus.Rejected).ThenBy(b => b.Offer.PriceMinor)];
        Matches = await Grains.StartupsForNeedAsync(id, Need.Details, MatchesShown, T.Content);
        foreach (var startupId in Bids.Select(b => b.StartupId).Distinct())
            Tracks[startupId] = await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync();
        var opinions = await expertReviews.OfNeedAsync(Me, id);
        var canAsk = Need.Status == NeedStatus.Open && Bids.Any(b => b.Status == BidStatus.Submitted);
        if (opinions.Count > 0 || canAsk) ExpertReviews = new(id, opinions, canAsk);
        if (Need.ProgrammeId is { } programmeId && await IProgrammeSmeGrain.RoomAsync(Grains, programmeId, Need.SmeId) is { } room)
            (Programme, programmeRoomMinor) = room;
        else if (Need.Status is NeedStatus.Draft or NeedStatus.Open)
        {
            var mine = await programmes.MineAsync(Me);
            Joinable = [.. mine.Where(a => a.Status == "approved")];
            Waiting = [.. mine.Where(a => a.Status == "submitted")];
        }
        if (Need.AwardedAt is not null) Reviews = await ReviewsSection.LoadAsync(Grains, id, Me, $"/sme/needs/{id}?handler=review", Review, ErrorFor);
        // Awarded, and the SME chose to pay the first milestone by transfer: the next step is that transfer, not the choice.
        if (Need.Status == NeedStatus.Awarded)
        {
            try
            {
                transferAwaited = (await Grains.GetGrain<IEngagementGrain>(id).GetAsync(Me)).Milestones
                    .Any(m => m is { Status: MilestoneStatus.AwaitingFunding, Method: PaymentMethod.BankTransfer, FundingRequestedAt: not null });
            }
            catch (MarketplaceException) { } // no engagement to read (yet): the awarded need's own next step
        }
    }

    private bool transferAwaited;

    /// <summary>The need grain lets admins in too; this page is the owning SME's: anyone else gets "not found".</summary>
    private async Task<NeedView> EnsureOwnAsync(string id)
    {
        var need = await needs.GetAsync(Me, id);
        return need.SmeId == await ProfileIdAsync() ? need : throw MarketplaceException.NotFound("Need");
    }
}
