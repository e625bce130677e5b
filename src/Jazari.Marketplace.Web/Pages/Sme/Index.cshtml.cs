using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The SME's needs, newest first, with their status and bids, 50 a page.</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, NeedCommands needs) : MarketplacePage(grains, text)
{
    public const int Shown = 50;
    public IReadOnlyList<NeedView> Needs { get; private set; } = [];
    public bool ProfileSaved { get; private set; }
    public int PageNumber { get; private set; } = 1;
    public bool Older { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? profile, [FromQuery(Name = "page")] int? page)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        ProfileSaved = profile == "saved";
        PageNumber = Math.Clamp(page ?? 1, 1, 10_000);
        (Needs, Older) = await needs.PageOfProfileAsync(Me, smeId, PageNumber, Shown);
        return Page();
    }
}
