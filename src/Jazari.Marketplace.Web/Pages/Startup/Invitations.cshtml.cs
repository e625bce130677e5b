using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>
/// The startup's cohorts: those it is a member of, with its mentors and their sessions (which it rates); those that
/// invited it (it accepts and joins, or declines; nothing is shared before it accepts); and the calls for applications
/// still open, each a link to apply.
/// </summary>
public sealed class InvitationsModel(IGrainFactory grains, Text text, CohortCommands cohorts, StartupProgressCommands progress,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    /// <summary>Whether the invitation waits for an answer it can still get (its cohort has not ended, by the cohort's own clock).</summary>
    public bool Answerable(InvitationResponse i) => i.Status == "invited" && !i.EndedBy(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    public IReadOnlyList<MemberCohortResponse> Cohorts { get; private set; } = [];
    /// <summary>An accepted invitation of a cohort the startup is no longer a member of: it left.</summary>
    public bool LeftCohort(InvitationResponse i) => i.Status == "accepted" && Cohorts.All(c => c.CohortId != i.CohortId);
    /// <summary>The sessions its mentors logged, latest first.</summary>
    public IReadOnlyList<MentorSession> Sessions { get; private set; } = [];
    public IReadOnlyList<InvitationResponse> Invitations { get; private set; } = [];
    /// <summary>The names of the institutes that invited the startup, by id.</summary>
    public IReadOnlyDictionary<string, string> InstituteNames { get; private set; } = new Dictionary<string, string>();
    public string? Done { get; private set; }
    /// <summary>The calls for applications still open, in every institute.</summary>
    public IReadOnlyList<OpenCallResponse> Calls { get; private set; } = [];
    /// <summary>The session whose rating was refused, to show the refusal beside it.</summary>
    public string? RatedSessionId { get; private set; }

    /// <summary>A mentor's name as the cohorts list it; empty for a mentor no longer assigned.</summary>
    public string MentorNameOf(string mentorId) =>
        Cohorts.SelectMany(c => c.Mentors).FirstOrDefault(m => m.MentorId == mentorId)?.Name ?? "";

    /// <summary>The invitation whose decline is asked to be confirmed: a declined invitation cannot be accepted afterwards.</summary>
    public string? ConfirmDecline { get; private set; }

    /// <summary>The cohort whose leaving is asked to be confirmed: its managers and mentors then read nothing more of the startup.</summary>
    public string? ConfirmLeave { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, string? confirm, string? leave)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        Done = done is "accepted" or "declined" or "applied" or "rated" or "left" ? done : null;
        ConfirmDecline = confirm;
        ConfirmLeave = leave;
        await LoadAsync(startupId);
        return Page();
    }

    public Task<IActionResult> OnPostAcceptAsync(string invitationId) => AnswerAsync(invitationId, accept: true);

    /// <summary>Declining is final: it is asked again, on the invitation, before it is sent.</summary>
    public Task<IActionResult> OnPostDeclineAsync(string invitationId, bool confirmed) => confirmed
        ? AnswerAsync(invitationId, accept: false)
        : Task.FromResult<IActionResult>(Redirect($"/startup/invitations?confirm={Uri.EscapeDataString(invitationId ?? "")}#confirm"));

    /// <summary>Leaving a cohort withdraws what joining shared: it is asked again, on the cohort, before it is sent.</summary>
    public async Task<IActionResult> OnPostLeaveAsync(string? cohortId, bool confirmed)
    {
        if (!confirmed) return Redirect($"/startup/invitations?leave={Uri.EscapeDataString(cohortId ?? "")}#leave");
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        if (await TryAsync(() => cohorts.LeaveAsync(Me, cohortId ?? ""))) return Redirect("/startup/invitations?done=left");
        await LoadAsync(startupId);
        return Page();
    }

    /// <summary>The startup rates a session of its mentors, 1 to 5; rating it again changes the rating.</summary>
    public async Task<IActionResult> OnPostRateAsync(string sessionId, int? stars)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        if (await TryAsync(() => progress.RateSessionAsync(Me, startupId, sessionId ?? "", new RatingInput { Stars = stars })))
            return Redirect($"/startup/invitations?done=rated#session-{sessionId}");
        RatedSessionId = sessionId;
        await LoadAsync(startupId);
        return Page();
    }

    private async Task<IActionResult> AnswerAsync(string invitationId, bool accept)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        if (await TryAsync(() => cohorts.AnswerInvitationAsync(Me, invitationId ?? "", accept)))
            return Redirect($"/startup/invitations?done={(accept ? "accepted" : "declined")}");
        await LoadAsync(startupId);
        return Page();
    }

    private async Task LoadAsync(string startupId)
    {
        var (invitations, calls) = (cohorts.MyInvitationsAsync(Me), cohorts.OpenCallsAsync(Me));
        Cohorts = await cohorts.MyCohortsAsync(Me);
        // Sessions exist only once a cohort assigned a mentor: a startup of no cohort (most of them) reads none.
        if (Cohorts.Count > 0)
            Sessions = [.. (await progress.SessionsAsync(Me, startupId)).OrderByDescending(s => s.Date).ThenByDescending(s => s.LoggedAt)];
        Invitations = await invitations;
        var institutes = await Task.WhenAll(Invitations.Select(i => i.InstituteId).Distinct().Select(id => Grains.GetGrain<IInstituteGrain>(id).GetAsync()));
        InstituteNames = institutes.OfType<InstituteView>().ToDictionary(i => i.Id, i => i.Name);
        Calls = await calls;
    }
}
