using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Receipts;

/// <summary>The receipt of a confirmed funding or of a payout, for its SME, its startup and admins, to print or save as PDF
/// (the print style sheet leaves out the menus). Anyone else, or a receipt not numbered yet, is told it does not exist.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class ReceiptModel(IGrainFactory grains, Text text, ReceiptCommands receipts) : MarketplacePage(grains, text)
{
    public ReceiptResponse Receipt { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        try
        {
            Receipt = await receipts.GetAsync(Me, id);
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException missing) when (missing.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            return NotFound();
        }
        return Page();
    }
}
