using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>
/// Mentor assignment: each member startup with its mentors and the best suggestions (expertise, shared language,
/// free capacity, with the reasons in the reader's language); assigning goes through the API's own endpoint.
/// </summary>
public sealed class MentorsModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public const int Suggested = 3;

    public CohortView Cohort { get; private set; } = null!;
    public IReadOnlyList<MemberMentors> Members { get; private set; } = [];
    public bool Assigned { get; private set; }

    public async Task OnGetAsync(string id, bool assigned)
    {
        Assigned = assigned;
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostAsync(string id, string? mentorId, string? startupId)
    {
        var input = new MentorAssignmentInput { MentorId = mentorId, StartupId = startupId };
        if (await TryAsync(() => cohorts.AssignMentorAsync(Me, id, input)))
            return Redirect($"/manager/cohorts/{id}/mentors?assigned=true#{startupId}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Cohort = await Grains.GetGrain<ICohortGrain>(id).GetAsync(Me);
        Members = await cohorts.MentorBoardAsync(Me, id, Suggested, T.Content);
    }
}
