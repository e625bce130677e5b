using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>
/// A cohort: its call, the applications best score first, its members, and inviting a startup found by its name (it
/// becomes a member when it accepts; until then the managers see nothing private of it, only its public profile).
/// </summary>
public sealed class CohortModel(IGrainFactory grains, Text text, CohortCommands cohorts, EvaluatorCommands evaluators,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    /// <summary>Whether the call for applications is open (until the cohort starts): what happens next is said.</summary>
    public bool CallOpen => Languages.Formats.Today(time.GetUtcNow()) < Cohort.StartsOn;
    public CohortView Cohort { get; private set; } = null!;
    public IReadOnlyList<ApplicationResponse> Applications { get; private set; } = [];
    public IReadOnlyList<CohortRow> Members { get; private set; } = [];
    /// <summary>Invitations still waiting for the startup's answer, and the declined ones.</summary>
    public IReadOnlyList<InvitationResponse> Invitations { get; private set; } = [];
    public bool Invited { get; private set; }
    /// <summary>The evaluators asked to score the applications, newest first, and the address typed in the form.</summary>
    public IReadOnlyList<EvaluatorInvitationResponse> Evaluators { get; private set; } = [];
    public bool EvaluatorInvited { get; private set; }
    public string? EvaluatorEmail { get; private set; }
    /// <summary>The name the manager searched for, and the startups found (null before a search).</summary>
    public string? Name { get; private set; }
    public IReadOnlyList<StartupCandidate>? Found { get; private set; }

    public async Task OnGetAsync(string id, bool invited, string? name, bool evaluator)
    {
        (Invited, EvaluatorInvited) = (invited, evaluator);
        await LoadAsync(id);
        if (name is null) return;
        Name = name;
        await TryAsync(async () => Found = await cohorts.FindStartupsAsync(Me, id, name));
    }

    public async Task<IActionResult> OnPostMemberAsync(string id, string? startupId, string? name)
    {
        await LoadAsync(id);
        Name = name;
        try
        {
            if (await TryAsync(() => cohorts.InviteAsync(Me, id, new MemberInput { StartupId = startupId?.Trim() })))
                return Redirect($"/manager/cohorts/{id}?invited=true#members");
        }
        catch (MarketplaceException unknown) when (unknown.Problem is Problem.NotFound)
        {
            AddError("startupId", T["cohort.no-such-startup"]);
        }
        return Page();
    }

    /// <summary>Asks an address to score the applications (the API's own command: the owner accepts on its Evaluations page).</summary>
    public async Task<IActionResult> OnPostEvaluatorAsync(string id, string? email)
    {
        if (await TryAsync(() => evaluators.InviteAsync(Me, id, new EvaluatorInput { Email = email })))
            return Redirect($"/manager/cohorts/{id}?evaluator=true#evaluators");
        await LoadAsync(id);
        EvaluatorEmail = email;
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Cohort = await Grains.GetGrain<ICohortGrain>(id).GetAsync(Me);
        Applications = await cohorts.RankAsync(Me, id);
        Members = await cohorts.MembersAsync(Me, id);
        Invitations = [.. (await cohorts.CohortInvitationsAsync(Me, id)).Where(i => i.Status != "accepted")];
        Evaluators = await evaluators.SentAsync(Me, id);
    }
}
