using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>What admins look after, and the way into the jobs dashboard (a signed link, audited, valid one hour).</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, AdminCommands admin) : MarketplacePage(grains, text)
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostJobsAsync()
    {
        return Redirect(await admin.JobsDashboardLinkAsync(Me));
    }
}
