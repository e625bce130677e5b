using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>
/// "Post a need", guided: first the category (each explained), then the details with budget guidance from the
/// open needs of that category. Saved as a draft or published at once; the API's checks and rules.
/// With <c>?draft={id}</c> the same form edits one of the SME's drafts (its category stays) before it is published.
/// </summary>
public sealed class NewNeedModel(IGrainFactory grains, Text text, NeedCommands needs, ProgrammeCommands programmes,
    Notifications.NotificationSettings notifications, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    /// <summary>How long a published need stays open at most, whatever its deadline (the deadline's hint says it).</summary>
    public int OpenAtMostDays => (int)notifications.OpenAtMost.TotalDays;

    /// <summary>The co-funding programmes that approved the SME: a need may name one of them.</summary>
    public IReadOnlyList<ProgrammeApplicationResponse> Approved { get; private set; } = [];
    /// <summary>The programme chosen on the programmes page, carried through the category step.</summary>
    public string? ProgrammeId { get; private set; }

    [BindProperty]
    public NeedInput Input { get; set; } = new();
    [BindProperty]
    public string? Skills { get; set; }
    public string? Category { get; private set; }
    public BudgetGuide Guide { get; private set; } = BudgetGuide.None;
    /// <summary>The draft being edited; null for a new need.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Draft { get; set; }

    public async Task<IActionResult> OnGetAsync(string? category, string? programmeId)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        ProgrammeId = Ids.IsValid(programmeId) ? programmeId : null;
        if (Draft is not null)
        {
            var need = await needs.GetAsync(Me, Draft);
            if (need.SmeId != smeId) throw MarketplaceException.NotFound("Need");
            if (need.Status != NeedStatus.Draft) return Redirect($"/sme/needs/{need.Id}");
            var d = need.Details;
            Input = new NeedInput
            {
                Title = d.Title, Description = d.Description, Category = d.Category, BudgetMinMad = d.BudgetMinMinor / 100m,
                BudgetMaxMad = d.BudgetMaxMinor / 100m, Deadline = d.Deadline.ToString("yyyy-MM-dd"), Region = d.Region,
                RemoteOk = d.RemoteOk, Language = d.Language,
            };
            Skills = Join(d.Skills);
            await ShowCategoryAsync(d.Category);
            return Page();
        }
        if (!Reference.IsCategory(category)) return Page();
        var sme = (await Grains.GetGrain<ISmeGrain>(smeId).GetAsync(Me)).Details;
        await LoadProgrammesAsync();
        Input = new NeedInput
        {
            Region = sme.Region, Language = T.Content, ProgrammeId = ProgrammeId,
            // The longest a need stays open: a later day would be shown and never reached.
            Deadline = Languages.Formats.Today(time.GetUtcNow()).AddDays(OpenAtMostDays).ToString("yyyy-MM-dd"),
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
            var input = Input with { Skills = Split(Skills) };
            id = Draft is null ? (await needs.CreateAsync(Me, input)).Id : (await OwnDraftAsync(smeId, Draft)).Id;
            if (Draft is not null) await needs.UpdateDraftAsync(Me, id, input with { ProgrammeId = null }); // a draft keeps its programme
            if (publish) await needs.PublishAsync(Me, id);
        });
        if (created) return Redirect($"/sme/needs/{id}");
        if (Reference.IsCategory(Input.Category)) await ShowCategoryAsync(Input.Category!);
        // A draft keeps its programme, so its form offers none (as when it opened); shown "None" after a refusal, it told the
        // SME its need had left its co-funding.
        if (Draft is null) await LoadProgrammesAsync();
        return Page();
    }

    /// <summary>The need grain lets admins in too; this page edits the signed-in SME's own needs only.</summary>
    private async Task<NeedView> OwnDraftAsync(string smeId, string id)
    {
        var need = await needs.GetAsync(Me, id);
        return need.SmeId == smeId ? need : throw MarketplaceException.NotFound("Need");
    }

    private async Task LoadProgrammesAsync() => Approved = [.. (await programmes.MineAsync(Me)).Where(a => a.Status == "approved")];

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

    /// <summary>The middle half is the whole range (a few needs): one range says it all.</summary>
    public bool OneRange => MedianMinMinor == LowestMinor && MedianMaxMinor == HighestMinor;

    public static async Task<BudgetGuide> ForAsync(IGrainFactory grains, string category)
    {
        var open = await grains.GetGrain<IOpenNeedsGrain>(category).ListAsync(null, 0, Sample);
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
