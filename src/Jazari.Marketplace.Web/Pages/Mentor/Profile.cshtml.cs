using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Mentor;

/// <summary>The mentor's profile: expertise and languages (what mentor suggestions read) and how many startups they can follow.</summary>
public sealed class ProfileModel(IGrainFactory grains, Text text, AuditTrail audit) : MarketplacePage(grains, text)
{
    [BindProperty]
    public MentorInput Input { get; set; } = new();
    [BindProperty]
    public string? Expertise { get; set; }

    public async Task OnGetAsync()
    {
        if ((await AccountAsync())?.ProfileId is { } id)
        {
            var d = (await Grains.GetGrain<IMentorGrain>(id).GetAsync(Me)).Details;
            Input = new MentorInput { Name = d.Name, Languages = [.. d.Languages], Capacity = d.Capacity };
            Expertise = string.Join(", ", d.Expertise);
        }
        else Input = new MentorInput { Name = User.Identity?.Name, Languages = [T.Lang], Capacity = 3 };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var expertise = (Expertise ?? "").Split([',', '،', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var input = new MentorInput { Name = Input.Name, Expertise = expertise, Languages = Input.Languages, Capacity = Input.Capacity };
        var id = (await AccountAsync())?.ProfileId;
        var saved = await TryAsync(async () =>
        {
            var details = Checked(input.ToDetails);
            if (id is null) await ProfilesApi.CreateProfileAsync<IMentorGrain, MentorDetails>(Grains, Me, "mentor", details, HttpContext, audit);
            else
            {
                await Grains.GetGrain<IMentorGrain>(id).UpdateAsync(Me, details);
                await audit.RecordAsync(HttpContext, AuditActions.ProfileUpdated, id);
            }
        });
        return saved ? Redirect("/mentor") : Page();
    }
}
