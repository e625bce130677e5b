using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>One need of the SME: publish or cancel it, its bids side by side with their match reasons, accept one; its matches.</summary>
public sealed class NeedModel(IGrainFactory grains, Text text, NeedCommands needs, BidCommands bids, ReviewCommands reviews) : MarketplacePage(grains, text)
{
    public const int MatchesShown = 20;
    public NeedView Need { get; private set; } = null!;
    public IReadOnlyList<Bid> Bids { get; private set; } = [];
    public IReadOnlyList<Recommendation> Matches { get; private set; } = [];
    public Dictionary<string, TrackRecord> Tracks { get; } = [];
    public ReviewsSection? Reviews { get; private set; }
    [BindProperty]
    public ReviewInput Review { get; set; } = new();

    public async Task OnGetAsync(string id) => await LoadAsync(id);

    public Task<IActionResult> OnPostPublishAsync(string id) => ActAsync(id, () => needs.PublishAsync(Me, id));

    public Task<IActionResult> OnPostCancelAsync(string id) => ActAsync(id, () => needs.CancelAsync(Me, id));

    public Task<IActionResult> OnPostAcceptAsync(string id, string bidId) => ActAsync(id, () => bids.AcceptAsync(Me, id, bidId ?? ""));

    public Task<IActionResult> OnPostReviewAsync(string id) => ActAsync(id, () => reviews.WriteAsync(Me, id, Review));

    private async Task<IActionResult> ActAsync(string id, Func<Task> action)
    {
        await EnsureOwnAsync(id);
        if (await TryAsync(action)) return Redirect($"/sme/needs/{id}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Need = await EnsureOwnAsync(id);
        Bids = [.. Need.Bids.Where(b => b.Status != BidStatus.Withdrawn).OrderBy(b => b.Status == BidStatus.Rejected).ThenBy(b => b.Offer.PriceMinor)];
        Matches = await Grains.StartupsForNeedAsync(id, Need.Details, MatchesShown, T.Lang);
        foreach (var startupId in Bids.Select(b => b.StartupId).Distinct())
            Tracks[startupId] = await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync();
        if (Need.AwardedAt is not null) Reviews = await ReviewsSection.LoadAsync(Grains, id, Me, $"/sme/needs/{id}?handler=review");
    }

    /// <summary>The need grain lets admins in too; this page is the owning SME's: anyone else gets "not found".</summary>
    private async Task<NeedView> EnsureOwnAsync(string id)
    {
        var need = await needs.GetAsync(Me, id);
        return need.SmeId == await ProfileIdAsync() ? need : throw MarketplaceException.NotFound("Need");
    }
}
