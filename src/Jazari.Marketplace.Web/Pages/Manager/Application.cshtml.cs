using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>One application: the startup's answers next to the questions, the manager's scorecard (one score per
/// criterion of the rubric), the other scorecards, and the decision (the applicant is e-mailed once).</summary>
public sealed class ApplicationModel(IGrainFactory grains, Text text, CohortCommands cohorts)
    : MarketplacePage(grains, text)
{
    public CohortView Cohort { get; private set; } = null!;
    public ApplicationSummary Summary { get; private set; } = null!;
    public ApplicationView Application { get; private set; } = null!;
    public Scorecard? Mine => Application.Scorecards.FirstOrDefault(s => s.ScorerAccountId == Me.AccountId);
    public string? Done { get; private set; }
    /// <summary>The manager asked to decline: the confirmation is shown, nothing is decided yet.</summary>
    public bool ConfirmDecline { get; private set; }

    public async Task OnGetAsync(string id, string appId, string? done, string? confirm)
    {
        Done = done;
        ConfirmDecline = confirm == "decline";
        await LoadAsync(id, appId);
    }

    public async Task<IActionResult> OnPostScoreAsync(string id, string appId, List<int?> scores)
    {
        if (await TryAsync(() => cohorts.ScoreAsync(Me, id, appId, new ScoreInput { Scores = scores })))
            return Redirect($"/manager/cohorts/{id}/applications/{appId}?done=scored");
        await LoadAsync(id, appId);
        return Page();
    }

    /// <summary>Admitting acts at once; declining only with its confirmation (a post without it is asked first).</summary>
    public async Task<IActionResult> OnPostDecideAsync(string id, string appId, bool admit, bool confirmed)
    {
        if (!admit && !confirmed) return Redirect($"/manager/cohorts/{id}/applications/{appId}?confirm=decline#confirm");
        if (await TryAsync(() => cohorts.DecideAsync(Me, id, appId, new DecisionInput { Admit = admit })))
            return Redirect($"/manager/cohorts/{id}/applications/{appId}?done=decided");
        await LoadAsync(id, appId);
        return Page();
    }

    /// <summary>The cohort grain answers 404 to anyone who is not one of its evaluators or managers.</summary>
    private async Task LoadAsync(string id, string appId) => (Cohort, Application, Summary) = await cohorts.ApplicationPageAsync(Me, id, appId);
}
