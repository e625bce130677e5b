using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Mentor;

/// <summary>The mentor's profile: expertise and languages (what mentor suggestions read) and how many startups they can follow.</summary>
public sealed class ProfileModel(IGrainFactory grains, Text text, ProfileCommands profiles) : MarketplacePage(grains, text)
{
    [BindProperty]
    public MentorInput Input { get; set; } = new();
    [BindProperty]
    public string? Expertise { get; set; }

    public async Task OnGetAsync()
    {
        if ((await AccountAsync())?.ProfileId is { } id)
        {
            var d = await profiles.GetMentorAsync(Me, id);
            Input = new MentorInput { Name = d.Name, Languages = [.. d.Languages], Capacity = d.Capacity };
            Expertise = string.Join(", ", d.Expertise);
        }
        else Input = new MentorInput { Name = User.Identity?.Name, Languages = [T.Content], Capacity = 3 };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var expertise = (Expertise ?? "").Split([',', '،', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var input = Input with { Expertise = expertise };
        var id = (await AccountAsync())?.ProfileId;
        var saved = await TryAsync(async () =>
        {
            if (id is null) await profiles.CreateMentorAsync(Me, input);
            else await profiles.UpdateMentorAsync(Me, id, input);
        });
        return saved ? Redirect("/mentor?profile=saved") : Page();
    }
}
