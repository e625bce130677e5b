using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>The startup's bids, newest need first, with their status (submitted, accepted, rejected, withdrawn), 50 a page.</summary>
public sealed class BidsModel(IGrainFactory grains, Text text, NeedCommands needs) : MarketplacePage(grains, text)
{
    public const int Shown = 50;
    public IReadOnlyList<(NeedView Need, Bid Bid)> Bids { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public bool Older { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? page)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        PageNumber = Math.Clamp(page ?? 1, 1, 10_000);
        (var bidOn, Older) = await needs.PageOfProfileAsync(Me, startupId, PageNumber, Shown);
        Bids = [.. bidOn.SelectMany(n => n.Bids.Where(b => b.StartupId == startupId).TakeLast(1).Select(b => (n, b)))];
        return Page();
    }
}
