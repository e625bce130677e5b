using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>The Jazari institutes: the list with their cohorts and managers, and a new one (the API's endpoint).</summary>
public sealed class InstitutesModel(IGrainFactory grains, Text text, InstituteCommands institutes) : MarketplacePage(grains, text)
{
    public IReadOnlyList<InstituteView> Institutes { get; private set; } = [];
    public bool Created { get; private set; }

    [BindProperty] public InstituteInput Input { get; set; } = new();

    public async Task OnGetAsync(bool created)
    {
        Created = created;
        Institutes = await InstituteList.LoadAsync(Grains);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var body = Input with { Id = Input.Id?.Trim().ToLowerInvariant() };
        if (await TryAsync(() => institutes.CreateAsync(Me, body))) return Redirect("/admin/institutes?created=true");
        Institutes = await InstituteList.LoadAsync(Grains);
        return Page();
    }
}
