using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Pages.Support;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>
/// An open need as a startup sees it, with its own bid or the bid form. The milestone builder works without
/// JavaScript: "add a milestone" posts the form back with one more row; the sum is checked on the server by the API's rules.
/// </summary>
public sealed class NeedModel(IGrainFactory grains, Text text, NeedCommands needs, BidCommands bids, ReviewCommands reviews, PaymentSettings payments) : MarketplacePage(grains, text)
{
    /// <summary>The platform's fee, in percent, taken from each release (the rate of the day is agreed at the award).</summary>
    public decimal FeePercent => payments.PlatformFeePercent;

    /// <summary>What the startup receives of an amount released at once, less the platform fee (a bid's: the sum over its
    /// milestones, as each release takes its fee rounded down).</summary>
    public long Receives(long priceMinor) => priceMinor - PaymentRules.Fee(priceMinor, payments.Rules.PlatformFeeBasisPoints);

    public int MaxRows => BidInput.MaxMilestones;
    public NeedView Need { get; private set; } = null!;
    public Bid? MyBid { get; private set; }
    public bool Sent { get; private set; }
    public ReviewsSection? Reviews { get; private set; }
    [BindProperty]
    public ReviewInput Review { get; set; } = new();

    /// <summary>The startup asked to withdraw its bid: the page asks to confirm.</summary>
    public bool ConfirmWithdraw { get; private set; }
    public bool Withdrawn { get; private set; }

    [BindProperty]
    public BidInput Input { get; set; } = new();
    [BindProperty]
    public List<MilestoneInput> Milestones { get; set; } = [];
    [BindProperty]
    public int Rows { get; set; } = 3;
    /// <summary>The milestones' total beside the price, while each typed amount is one a bid may hold (the refusals say the rest).</summary>
    public decimal? MilestoneSum => Milestones.Any(m => m.AmountMad is not null) && Input.PriceMad is null or (>= 0 and <= Checks.MaxMad)
        && Milestones.All(m => m.AmountMad is null or (>= 0 and <= Checks.MaxMad)) ? Milestones.Sum(m => m.AmountMad ?? 0) : null;

    public async Task<IActionResult> OnGetAsync(string id, bool sent, bool withdrawn, string? confirm)
    {
        if (await ProfileIdAsync() is null) return Redirect("/startup/profile?first=true");
        Sent = sent;
        Withdrawn = withdrawn;
        await LoadAsync(id);
        ConfirmWithdraw = confirm == "withdraw";
        return Page();
    }

    public async Task<IActionResult> OnPostAddRowAsync(string id)
    {
        Rows = Math.Clamp(Math.Max(Rows, Milestones.Count) + 1, 1, MaxRows);
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        if (await ProfileIdAsync() is null) return Redirect("/startup/profile?first=true");
        Rows = Math.Clamp(Rows, 1, MaxRows);
        // Rows left blank at the end are not milestones; a blank row in the middle is reported like the API would.
        var typed = Milestones.Take(MaxRows + 1).ToList();
        while (typed.Count > 0 && typed[^1] is { Title: null or "", AmountMad: null, DueInDays: null }) typed.RemoveAt(typed.Count - 1);
        var sent = await TryAsync(() => bids.SubmitAsync(Me, id, Input with { Milestones = typed }));
        if (sent) return Redirect($"/startup/needs/{id}?sent=true");
        await LoadAsync(id);
        return Page();
    }

    /// <summary>Withdrawing asks first (<c>confirmed=true</c> comes from the confirmation): a single click never takes a bid back.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(string id, string bidId, bool confirmed)
    {
        if (!confirmed) return Redirect($"/startup/needs/{id}?confirm=withdraw#confirm");
        if (await TryAsync(() => bids.WithdrawAsync(Me, id, bidId ?? ""))) return Redirect($"/startup/needs/{id}?withdrawn=true");
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostReviewAsync(string id)
    {
        if (await TryAsync(() => reviews.WriteAsync(Me, id, Review))) return Redirect($"/startup/needs/{id}?reviewed=true#reviews");
        await LoadAsync(id);
        return Page();
    }

    /// <summary>The key of the "what next" line for the startup: from its bid's status and the need's.</summary>
    public string WhatNextKey => MyBid?.Status switch
    {
        BidStatus.Submitted => SmeHasAccount ? "journey.next-bid-submitted" : "journey.next-bid-submitted-no-sme",
        BidStatus.Accepted => Need.Status == NeedStatus.Completed
            ? Reviews is { CanWrite: true } ? "journey.next-bid-review" : "journey.next-need-completed-startup"
            : "journey.next-bid-accepted",
        BidStatus.Rejected => "journey.next-bid-rejected",
        _ when Need.Status != NeedStatus.Open => "journey.next-bid-closed",
        _ => SmeHasAccount ? "journey.next-bid-none" : "journey.next-bid-none-no-sme",
    };

    /// <summary>False for a need brought in by an import whose SME has no account here: nobody can choose its bids or be
    /// written to about it, and the page says so rather than promising an answer.</summary>
    public bool SmeHasAccount { get; private set; } = true;

    private async Task LoadAsync(string id)
    {
        Need = await needs.GetAsync(Me, id);
        if (Need.Status == NeedStatus.Open)
            SmeHasAccount = (await Grains.GetGrain<ISmeGrain>(Need.SmeId).GetAsync(Caller.Marketplace)).OwnerAccountId is not null;
        var startupId = await ProfileIdAsync();
        MyBid = Need.Bids.LastOrDefault(b => b.StartupId == startupId && b.Status != BidStatus.Withdrawn);
        if (MyBid?.Status == BidStatus.Accepted) Reviews = await ReviewsSection.LoadAsync(Grains, id, Me, $"/startup/needs/{id}?handler=review", Review, ErrorFor);
    }
}
