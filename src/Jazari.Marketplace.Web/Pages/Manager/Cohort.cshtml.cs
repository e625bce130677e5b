using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>A cohort: its call, the applications best score first, its members, and adding a startup directly.</summary>
public sealed class CohortModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    public CohortView Cohort { get; private set; } = null!;
    public IReadOnlyList<ApplicationSummary> Applications { get; private set; } = [];
    public IReadOnlyList<CohortRow> Members { get; private set; } = [];
    public bool Added { get; private set; }

    public async Task OnGetAsync(string id, bool added)
    {
        Added = added;
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostMemberAsync(string id, string? startupId)
    {
        await LoadAsync(id);
        try
        {
            if (await TryAsync(() => CohortsApi.AddMember(id, new MemberInput { StartupId = startupId?.Trim() }, User, Grains)))
                return Redirect($"/manager/cohorts/{id}?added=true#members");
        }
        catch (MarketplaceException unknown) when (unknown.Problem is Problem.NotFound)
        {
            AddError("startupId", "No startup has this identifier.");
        }
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        var cohort = Grains.GetGrain<ICohortGrain>(id);
        Cohort = await cohort.GetAsync(Me);
        Applications = await cohort.RankAsync(Me);
        Members = [.. (await cohort.GetDashboardAsync(Me)).Rows.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }
}
