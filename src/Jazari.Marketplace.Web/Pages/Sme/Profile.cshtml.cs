using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The SME's profile: created once, then edited, through the same commands as the API.</summary>
public sealed class ProfileModel(IGrainFactory grains, Text text, ProfileCommands profiles) : MarketplacePage(grains, text)
{
    [BindProperty]
    public SmeInput Input { get; set; } = new();
    public bool First { get; private set; }
    public bool Saved { get; private set; }
    public bool Claimed { get; private set; }
    /// <summary>Profiles imported with the reader's address, offered to take over while it has none.</summary>
    public IReadOnlyList<ListedProfileResponse> Listed { get; private set; } = [];

    public async Task OnGetAsync(bool first, bool saved, bool claimed)
    {
        (First, Saved, Claimed) = (first, saved, claimed);
        if (await ProfileIdAsync() is { } id)
        {
            var d = await profiles.GetSmeAsync(Me, id);
            Input = new SmeInput { Name = d.Name, Sector = d.Sector, City = d.City, Region = d.Region, Employees = d.Employees, Languages = [.. d.Languages], Ice = d.Ice };
        }
        else
        {
            Input = new SmeInput { Languages = [T.Content] }; // no region chosen for the SME: it picks its own
            Listed = await profiles.ListedAsync(Me);
        }
    }

    /// <summary>Takes over a profile listed for the reader's address; sent again after a failure, it finishes the job.</summary>
    public async Task<IActionResult> OnPostClaimAsync(string? profileId)
    {
        if (await TryAsync(() => profiles.ClaimAsync(Me, profileId ?? ""))) return Redirect("/sme/profile?claimed=true");
        await OnGetAsync(first: true, saved: false, claimed: false);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var id = await ProfileIdAsync();
        var saved = await TryAsync(async () =>
        {
            if (id is null) await profiles.CreateSmeAsync(Me, Input);
            else await profiles.UpdateSmeAsync(Me, id, Input);
        });
        return saved ? Redirect("/sme?profile=saved") : Page();
    }
}
