using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>
/// Mentor assignment: each member startup with its mentors and the best suggestions (expertise, shared language,
/// free capacity, with the reasons in the reader's language); assigning goes through the API's own endpoint.
/// </summary>
public sealed class MentorsModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    public const int Suggested = 3;

    public sealed record Member(CohortRow Row, IReadOnlyList<string> Mentors, IReadOnlyList<MentorSuggestion> Suggestions);

    public CohortView Cohort { get; private set; } = null!;
    public List<Member> Members { get; } = [];
    public bool Assigned { get; private set; }

    public async Task OnGetAsync(string id, bool assigned)
    {
        Assigned = assigned;
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostAsync(string id, string? mentorId, string? startupId)
    {
        var input = new MentorAssignmentInput { MentorId = mentorId, StartupId = startupId };
        if (await TryAsync(() => CohortsApi.AssignMentor(id, input, User, Grains)))
            return Redirect($"/manager/cohorts/{id}/mentors?assigned=true#{startupId}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        var cohort = Grains.GetGrain<ICohortGrain>(id);
        Cohort = await cohort.GetAsync(Me);
        var rows = (await cohort.GetDashboardAsync(Me)).Rows.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) return;
        // Every mentor of the network once, then the suggestions for each member from the same list.
        var loads = await Grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).ListAsync();
        var mentors = await Task.WhenAll(loads.Select(async l => (l.MentorId, (await Grains.GetGrain<IMentorGrain>(l.MentorId).GetAsync(Me)).Details, l.Assigned)));
        var names = mentors.ToDictionary(m => m.MentorId, m => m.Details.Name);
        foreach (var row in rows)
        {
            var startup = await Grains.GetGrain<IStartupGrain>(row.StartupId).GetAsync(Me);
            var current = Cohort.Mentors.Where(m => m.StartupId == row.StartupId).Select(m => m.MentorId).ToHashSet();
            var suggestions = MentorSuggestions.Rank(startup.Details, mentors.Where(m => !current.Contains(m.MentorId)), Suggested, T.Lang);
            Members.Add(new(row, [.. current.Select(m => names.GetValueOrDefault(m, m))], suggestions));
        }
    }
}
