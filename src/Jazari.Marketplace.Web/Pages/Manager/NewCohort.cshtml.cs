using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>
/// A new cohort of one of the manager's institutes: dates, the call's questions (one a line), the scoring rubric and
/// the goals every member gets. Empty rubric and goal rows are left out; the API's checks do the rest.
/// </summary>
public sealed class NewCohortModel(IGrainFactory grains, Text text, CohortCommands cohorts, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public const int Rows = 4;

    public IReadOnlyList<InstituteView> Institutes { get; private set; } = [];

    [BindProperty] public string? InstituteId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? StartsOn { get; set; }
    [BindProperty] public string? EndsOn { get; set; }
    [BindProperty] public string? Questions { get; set; }
    [BindProperty] public List<RubricInput> Rubric { get; set; } = [];
    [BindProperty] public List<GoalInput> Goals { get; set; } = [];

    public async Task OnGetAsync()
    {
        await LoadAsync();
        var today = Languages.Formats.Today(time.GetUtcNow());
        InstituteId = Institutes.FirstOrDefault()?.Id;
        StartsOn = today.AddDays(30).ToString("yyyy-MM-dd");
        EndsOn = today.AddDays(210).ToString("yyyy-MM-dd");
        Rubric = [new RubricInput { Name = T["cohort.rubric-team"], Weight = 3 }, new RubricInput { Name = T["cohort.rubric-market"], Weight = 2 }];
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        var body = new CohortInput
        {
            InstituteId = InstituteId, Name = Name, StartsOn = StartsOn, EndsOn = EndsOn,
            Questions = (Questions ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Rubric = [.. Rubric.Where(r => !string.IsNullOrWhiteSpace(r.Name) || r.Weight is not null)],
            Goals = [.. Goals.Where(g => !string.IsNullOrWhiteSpace(g.What) || !string.IsNullOrWhiteSpace(g.Unit) || g.Target is not null)],
        };
        string? id = null;
        if (await TryAsync(async () => id = await cohorts.CreateAsync(Me, body))) return Redirect($"/manager/cohorts/{id}");
        return Page();
    }

    private async Task LoadAsync()
    {
        var ids = (await AccountAsync())?.Institutes ?? [];
        Institutes = [.. (await Task.WhenAll(ids.Select(i => Grains.GetGrain<IInstituteGrain>(i).GetAsync()))).OfType<InstituteView>()];
    }
}
