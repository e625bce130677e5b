using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>The cohorts of the manager's institutes, newest first (the API's own list).</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public IReadOnlyList<CohortResponse> Cohorts { get; private set; } = [];
    public bool HasInstitutes { get; private set; }

    public async Task OnGetAsync()
    {
        HasInstitutes = (await AccountAsync())?.Institutes.Count > 0;
        Cohorts = await cohorts.ListAsync(Me);
    }
}
