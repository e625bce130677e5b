using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>
/// The startup's profile and offering: what matching reads (categories, skills, regions, prices, capacity); and the
/// Stripe onboarding to be paid by card (the API's own endpoint), with a clear message when Stripe is not configured.
/// </summary>
public sealed class ProfileModel(IGrainFactory grains, Text text, ProfileCommands profiles, StripeCommands stripe) : MarketplacePage(grains, text)
{
    [BindProperty]
    public StartupInput Input { get; set; } = new();
    [BindProperty]
    public string? Skills { get; set; }
    public bool First { get; private set; }
    public bool HasProfile { get; private set; }

    public async Task OnGetAsync(bool first)
    {
        First = first;
        if (await ProfileIdAsync() is { } id)
        {
            HasProfile = true;
            var d = await profiles.GetStartupAsync(Me, id);
            Input = new StartupInput
            {
                Name = d.Name, City = d.City, Region = d.Region, Categories = [.. d.Categories], Description = d.Description,
                Languages = [.. d.Languages], PriceMinMad = d.PriceMinMad, PriceMaxMad = d.PriceMaxMad,
                RegionsServed = [.. d.RegionsServed], Capacity = d.Capacity,
            };
            Skills = Join(d.Skills);
        }
        else Input = new StartupInput { Languages = [T.Content], Region = "Casablanca-Settat", RegionsServed = [Jazari.Marketplace.Grains.Reference.WholeCountry], Capacity = 3 };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var input = Input with { Skills = Split(Skills) };
        var id = await ProfileIdAsync();
        var saved = await TryAsync(async () =>
        {
            if (id is null) await profiles.CreateStartupAsync(Me, input);
            else await profiles.UpdateStartupAsync(Me, id, input);
        });
        return saved ? Redirect("/startup?profile=saved") : Page();
    }

    /// <summary>"Get paid by card": Stripe's onboarding page, or the reason it is not available.</summary>
    public async Task<IActionResult> OnPostStripeAsync()
    {
        if (await ProfileIdAsync() is not { } id) return Redirect("/startup/profile");
        string? url = null;
        if (await TryAsync(async () => url = (await stripe.OnboardingLinkAsync(Me, id)).Url)) return Redirect(url!);
        await OnGetAsync(false);
        return Page();
    }
}
