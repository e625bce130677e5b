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
    public bool Claimed { get; private set; }
    /// <summary>Profiles imported with the reader's address, offered to take over while it has none.</summary>
    public IReadOnlyList<ListedProfileResponse> Listed { get; private set; } = [];

    /// <summary>The portfolio rows of the form: the items and two empty rows, up to the most a profile shows.</summary>
    public int PortfolioRows => Math.Min(Jazari.Marketplace.Grains.Profiles.StartupDetails.MaxPortfolio, (Input.Portfolio?.Count ?? 0) + 2);

    public async Task OnGetAsync(bool first, bool claimed)
    {
        (First, Claimed) = (first, claimed);
        if (await ProfileIdAsync() is { } id)
        {
            HasProfile = true;
            var d = await profiles.GetStartupAsync(Me, id);
            Input = new StartupInput
            {
                Name = d.Name, City = d.City, Region = d.Region, Categories = [.. d.Categories], Description = d.Description,
                Languages = [.. d.Languages], PriceMinMad = d.PriceMinMad, PriceMaxMad = d.PriceMaxMad,
                RegionsServed = [.. d.RegionsServed], Capacity = d.Capacity, Ice = d.Ice,
                Portfolio = [.. d.Portfolio.Select(p => new PortfolioInput { Title = p.Title, Url = p.Url, Year = p.Year })],
            };
            Skills = Join(d.Skills);
        }
        else
        {
            Input = new StartupInput { Languages = [T.Content], Capacity = 3 };
            Listed = await profiles.ListedAsync(Me);
        }
    }

    /// <summary>Takes over a profile listed for the reader's address; sent again after a failure, it finishes the job.</summary>
    public async Task<IActionResult> OnPostClaimAsync(string? profileId)
    {
        if (await TryAsync(() => profiles.ClaimAsync(Me, profileId ?? ""))) return Redirect("/startup/profile?claimed=true");
        await OnGetAsync(first: true, claimed: false);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Rows of the form left empty are no items; the others are checked as the API checks them.
        var input = Input = Input with
        {
            Skills = Split(Skills),
            Portfolio = [.. (Input.Portfolio ?? []).Where(p => p is not null && !(string.IsNullOrWhiteSpace(p.Title) && string.IsNullOrWhiteSpace(p.Url) && p.Year is null))],
        };
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
        await OnGetAsync(false, false);
        return Page();
    }
}
