using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>What admins look after, and the way into the jobs dashboard (a signed link, audited, valid one hour).</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, LinkSigner signer, AuditTrail audit,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostJobsAsync()
    {
        var url = HangfireDashboardAccess.Link(signer, time.GetUtcNow());
        await audit.RecordAsync(HttpContext, AuditActions.JobsDashboardLink, null, "signed link to the Hangfire dashboard");
        return Redirect(url);
    }
}
