using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Hangfire;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>One need of the SME: publish or cancel it, its bids side by side with their match reasons, accept one; its matches.</summary>
public sealed class NeedModel(IGrainFactory grains, Text text, AuditTrail audit, IBackgroundJobClient jobs) : MarketplacePage(grains, text)
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

    public Task<IActionResult> OnPostPublishAsync(string id) => ActAsync(id, need => need.PublishAsync(Me));

    public Task<IActionResult> OnPostCancelAsync(string id) => ActAsync(id, need => need.CancelAsync(Me));

    public Task<IActionResult> OnPostAcceptAsync(string id, string bidId) => ActAsync(id, async need =>
    {
        await need.AcceptBidAsync(Me, bidId ?? "");
        await audit.RecordAsync(HttpContext, AuditActions.BidAccepted, id, $"bid {bidId}");
    });

    public Task<IActionResult> OnPostReviewAsync(string id) => ActAsync(id, _ => ReviewsApi.WriteAsync(id, Review, Me, Grains, jobs));

    private async Task<IActionResult> ActAsync(string id, Func<INeedGrain, Task> action)
    {
        await EnsureOwnAsync(id);
        if (await TryAsync(() => action(Grains.GetGrain<INeedGrain>(id)))) return Redirect($"/sme/needs/{id}");
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
        var need = await Grains.GetGrain<INeedGrain>(id).GetAsync(Me);
        return need.SmeId == await ProfileIdAsync() ? need : throw MarketplaceException.NotFound("Need");
    }
}
