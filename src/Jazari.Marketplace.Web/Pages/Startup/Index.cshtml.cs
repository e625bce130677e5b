using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>The startup's projects (won bids, under way then completed: each opens its engagement), then the open needs that fit the
/// startup, best first, each with the reasons, in the reader's language.</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, PayoutCommands payouts, NeedCommands needs) : MarketplacePage(grains, text)
{
    /// <summary>Projects looked at: the needs the startup won most recently (not every need it bid on).</summary>
    public const int ProjectsLooked = 50;
    public const int RecentBidsLooked = 5;
    public IReadOnlyList<NeedView> Projects { get; private set; } = [];
    public const int Shown = 20;
    public IReadOnlyList<Recommendation> Matches { get; private set; } = [];
    public bool ProfileSaved { get; private set; }
    /// <summary>No bank account for payouts yet: the next step is to give one (payouts wait without it).</summary>
    public bool NeedsPayoutDetails { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? profile)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        ProfileSaved = profile == "saved";
        var card = await Grains.GetGrain<IStartupGrain>(startupId).GetCardAsync() ?? throw MarketplaceException.NotFound("Startup");
        Matches = await Grains.NeedsForStartupAsync(startupId, card, Shown, T.Content);
        NeedsPayoutDetails = await payouts.GetAsync(Me, Roles.Startup, startupId) is null;
        // Under way first, then completed ones (whose reviews may still be to write).
        // The won needs, and the latest few bid on: a need won moments ago is there before its award's follow-up lists it.
        var won = await needs.ProjectsAsync(Me, startupId, ProjectsLooked);
        var recent = await needs.OfProfileAsync(Me, startupId, RecentBidsLooked);
        Projects = [.. won.Concat(recent).DistinctBy(n => n.Id)
            .Where(n => n.Status is NeedStatus.Awarded or NeedStatus.InProgress or NeedStatus.Completed
                && n.Bids.Any(b => b.StartupId == startupId && b.Status == BidStatus.Accepted))
            .OrderBy(n => n.Status == NeedStatus.Completed)];
        return Page();
    }
}
