using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>
/// "Post a need", guided: first the category (each explained), then the details with budget guidance from the
/// open needs of that category. Saved as a draft or published at once; the API's checks and rules.
/// </summary>
public sealed class NewNeedModel(IGrainFactory grains, Text text, NeedCommands needs, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    [BindProperty]
    public NeedInput Input { get; set; } = new();
    [BindProperty]
    public string? Skills { get; set; }
    public string? Category { get; private set; }
    public BudgetGuide Guide { get; private set; } = BudgetGuide.None;

    public async Task<IActionResult> OnGetAsync(string? category)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        if (!Reference.IsCategory(category)) return Page();
        var sme = (await Grains.GetGrain<ISmeGrain>(smeId).GetAsync(Me)).Details;
        Input = new NeedInput
        {
            Region = sme.Region, Language = T.Lang,
            Deadline = Languages.Formats.Today(time.GetUtcNow()).AddMonths(1).ToString("yyyy-MM-dd"),
        };
        await ShowCategoryAsync(category!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool publish)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        string? id = null;
        var created = await TryAsync(async () =>
        {
            id = (await needs.CreateAsync(Me, Input with { Skills = Split(Skills) })).Id;
            if (publish) await needs.PublishAsync(Me, id);
        });
        if (created) return Redirect($"/sme/needs/{id}");
        if (Reference.IsCategory(Input.Category)) await ShowCategoryAsync(Input.Category!);
        return Page();
    }

    private async Task ShowCategoryAsync(string category)
    {
        Category = category;
        Guide = await BudgetGuide.ForAsync(Grains, category);
    }
}

/// <summary>What similar open needs ask for: the newest open needs of a category, their budgets' medians and range.</summary>
public sealed record BudgetGuide(int Count, long MedianMinMinor, long MedianMaxMinor, long LowestMinor, long HighestMinor)
{
    public const int Sample = 30;
    public static readonly BudgetGuide None = new(0, 0, 0, 0, 0);

    public static async Task<BudgetGuide> ForAsync(IGrainFactory grains, string category)
    {
        var open = await grains.GetGrain<IOpenNeedsGrain>(category).ListAsync(null, Sample);
        var listings = await Task.WhenAll(open.Needs.Select(n => grains.GetGrain<INeedGrain>(n.NeedId).GetListingAsync()));
        var budgets = listings.Where(n => n?.Status == NeedStatus.Open).Select(n => n!.Details).ToList();
        if (budgets.Count == 0) return None;
        return new(budgets.Count, Median(budgets.Select(b => b.BudgetMinMinor)), Median(budgets.Select(b => b.BudgetMaxMinor)),
            budgets.Min(b => b.BudgetMinMinor), budgets.Max(b => b.BudgetMaxMinor));
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
