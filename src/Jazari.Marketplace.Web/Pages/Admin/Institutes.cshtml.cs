using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>The Jazari institutes: the list with their cohorts and managers (by name, and whether they signed in yet), and
/// a new one (the API's endpoint).</summary>
public sealed class InstitutesModel(IGrainFactory grains, Text text, InstituteCommands institutes) : MarketplacePage(grains, text)
{
    public IReadOnlyList<InstituteView> Institutes { get; private set; } = [];
    public bool Created { get; private set; }
    /// <summary>The managers of the listed institutes, by account id; an erased account is left out.</summary>
    public IReadOnlyDictionary<string, AccountView> Managers { get; private set; } = new Dictionary<string, AccountView>();

    [BindProperty] public InstituteInput Input { get; set; } = new();

    public async Task OnGetAsync(bool created)
    {
        Created = created;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        Institutes = await InstituteList.LoadAsync(Grains);
        var ids = Institutes.SelectMany(i => i.ManagerAccountIds).Distinct().ToList();
        var accounts = await Task.WhenAll(ids.Select(id => Grains.GetGrain<IAccountGrain>(id).GetAsync()));
        Managers = accounts.OfType<AccountView>().Where(a => a.ErasedAt is null).ToDictionary(a => a.Id);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var body = Input with { Id = Input.Id?.Trim().ToLowerInvariant() };
        if (await TryAsync(() => institutes.CreateAsync(Me, body))) return Redirect("/admin/institutes?created=true");
        await LoadAsync();
        return Page();
    }
}
