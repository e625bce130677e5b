using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The SME's profile: created once, then edited; the API's checks and audit.</summary>
public sealed class ProfileModel(IGrainFactory grains, Text text, AuditTrail audit) : MarketplacePage(grains, text)
{
    [BindProperty]
    public SmeInput Input { get; set; } = new();
    public bool First { get; private set; }
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool first, bool saved)
    {
        (First, Saved) = (first, saved);
        if (await ProfileIdAsync() is { } id)
        {
            var d = (await Grains.GetGrain<ISmeGrain>(id).GetAsync(Me)).Details;
            Input = new SmeInput { Name = d.Name, Sector = d.Sector, City = d.City, Region = d.Region, Employees = d.Employees, Languages = [.. d.Languages] };
        }
        else Input = new SmeInput { Languages = [T.Lang], Region = "Casablanca-Settat" };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var id = await ProfileIdAsync();
        var saved = await TryAsync(async () =>
        {
            var details = Checked(Input.ToDetails);
            if (id is null) id = await ProfilesApi.CreateProfileAsync<ISmeGrain, SmeDetails>(Grains, Me, "sme", details, HttpContext, audit);
            else
            {
                await Grains.GetGrain<ISmeGrain>(id).UpdateAsync(Me, details);
                await audit.RecordAsync(HttpContext, AuditActions.ProfileUpdated, id);
            }
        });
        return saved ? Redirect("/sme?profile=saved") : Page();
    }
}
