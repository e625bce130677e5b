using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Evaluations;

/// <summary>An application an evaluator scores: the answers beside the questions and their own scorecard, nothing else of the cohort.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class ApplicationModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public CohortView Cohort { get; private set; } = null!;
    public ApplicationSummary Summary { get; private set; } = null!;
    public ApplicationView Application { get; private set; } = null!;
    public Scorecard? Mine => Application.Scorecards.FirstOrDefault(s => s.ScorerAccountId == Me.AccountId);
    public bool Scored { get; private set; }

    public async Task OnGetAsync(string id, string appId, bool scored)
    {
        Scored = scored;
        await LoadAsync(id, appId);
    }

    public async Task<IActionResult> OnPostScoreAsync(string id, string appId, List<int?> scores)
    {
        if (await TryAsync(() => cohorts.ScoreAsync(Me, id, appId, new ScoreInput { Scores = scores })))
            return Redirect($"/evaluations/{id}/applications/{appId}?scored=true");
        await LoadAsync(id, appId);
        return Page();
    }

    /// <summary>The cohort grain answers 404 to anyone who is not one of its evaluators or managers.</summary>
    private async Task LoadAsync(string id, string appId) => (Cohort, Application, Summary) = await cohorts.ApplicationPageAsync(Me, id, appId);
}
