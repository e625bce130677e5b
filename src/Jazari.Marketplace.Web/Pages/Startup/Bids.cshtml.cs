using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>The startup's bids, newest need first, with their status (submitted, accepted, rejected, withdrawn).</summary>
public sealed class BidsModel(IGrainFactory grains, Text text, NeedCommands needs) : MarketplacePage(grains, text)
{
    public const int Shown = 50;
    public IReadOnlyList<(NeedView Need, Bid Bid)> Bids { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        var bidOn = await needs.OfProfileAsync(Me, startupId, Shown);
        Bids = [.. bidOn.SelectMany(n => n.Bids.Where(b => b.StartupId == startupId).TakeLast(1).Select(b => (n, b)))];
        return Page();
    }
}
