using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>Creates manager and admin accounts (the API's endpoint: same checks, same audit); managers join institutes.</summary>
public sealed class AccountsModel(IGrainFactory grains, Text text, AdminCommands admin) : MarketplacePage(grains, text)
{
    public IReadOnlyList<InstituteView> Institutes { get; private set; } = [];
    public string? Created { get; private set; }

    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Role { get; set; } = Jazari.Marketplace.Grains.Roles.Manager;
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public List<string?> InstituteIds { get; set; } = [];

    public async Task OnGetAsync(string? created)
    {
        Created = created;
        Language = T.Content;
        Institutes = await InstituteList.LoadAsync(Grains);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var body = new AccountInput { Email = Email, DisplayName = DisplayName, Role = Role, Language = Language, Institutes = InstituteIds };
        if (await TryAsync(() => admin.CreateAccountAsync(Me, body)))
            return Redirect("/admin/accounts?created=" + Uri.EscapeDataString(Email?.Trim().ToLowerInvariant() ?? ""));
        Institutes = await InstituteList.LoadAsync(Grains);
        return Page();
    }
}
