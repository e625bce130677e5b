using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Evaluations;

/// <summary>
/// A mentor's or a manager's invitations to score a cohort's applications: accepted or declined here (nothing of the
/// cohort opens before); an accepted one lists the applications to score.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class IndexModel(IGrainFactory grains, Text text, EvaluatorCommands evaluators) : MarketplacePage(grains, text)
{
    public IReadOnlyList<EvaluatorInvitationResponse> Invitations { get; private set; } = [];
    /// <summary>The applications of the cohorts the reader accepted to score, by cohort id.</summary>
    public Dictionary<string, IReadOnlyList<ApplicationSummary>> Applications { get; } = [];
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        if (Me.Role is not (Roles.Mentor or Roles.Manager)) return NotFound();
        Done = done is "accepted" or "declined" ? done : null;
        await LoadAsync();
        return Page();
    }

    public Task<IActionResult> OnPostAcceptAsync(string cohortId) => AnswerAsync(cohortId, accept: true);

    public Task<IActionResult> OnPostDeclineAsync(string cohortId) => AnswerAsync(cohortId, accept: false);

    private async Task<IActionResult> AnswerAsync(string cohortId, bool accept)
    {
        if (Me.Role is not (Roles.Mentor or Roles.Manager)) return NotFound();
        if (await TryAsync(() => evaluators.AnswerAsync(Me, cohortId ?? "", accept)))
            return Redirect($"/evaluations?done={(accept ? "accepted" : "declined")}");
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Invitations = await evaluators.MineAsync(Me);
        foreach (var i in Invitations.Where(i => i.Status == "accepted"))
        {
            try
            {
                Applications[i.CohortId] = await Grains.GetGrain<ICohortGrain>(i.CohortId).RankAsync(Me);
            }
            catch (MarketplaceException gone) when (gone.Problem == Problem.NotFound)
            {
                // An acceptance of another account of this address (erased since): it opens nothing to this one.
            }
        }
    }
}
