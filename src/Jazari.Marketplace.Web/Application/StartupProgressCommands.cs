using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// A startup's follow-up in its cohorts: mentor sessions, goals, self-reported figures and KPIs. Seen by the
/// startup itself, its assigned mentors, the managers of the institutes of cohorts it is a member of (it accepted
/// their invitation or was admitted) and admins; anyone else gets 404.
/// </summary>
public sealed class StartupProgressCommands(IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    /// <summary>
    /// The date of something that happened (a session held, where a goal stood): today in Morocco at the latest. A
    /// refused date reads as <see cref="Checks.MinDate"/>, never after today, so it is not refused twice.
    /// </summary>
    private DateOnly DayThatHasCome(Checks c, string? value)
    {
        var day = c.Date("date", value);
        if (day > Languages.Formats.Today(time.GetUtcNow())) c.Error("date", "Must not be in the future.");
        return day;
    }

    public async Task<MentorSession> LogSessionAsync(Caller caller, string mentorId, SessionInput input)
    {
        await EnsureMentorAsync(caller, mentorId);
        var (startupId, session) = Checks.Valid(c =>
        {
            var startupId = c.Id("startupId", input.StartupId);
            var date = DayThatHasCome(c, input.Date);
            return (startupId, new MentorSession(Ids.New("session"), mentorId, date, c.Whole("minutes", input.Minutes, 5, 600),
                c.Text("notes", input.Notes, 1000, multiLine: true), c.OptionalText("nextSteps", input.NextSteps, 500, multiLine: true) ?? "", null, time.GetUtcNow()));
        });
        if (!await grains.GetGrain<IMentoringGrain>(mentorId).IsAssignedAsync(startupId)) throw MarketplaceException.NotFound("Startup");
        return await grains.GetGrain<IMentorSessionsGrain>(startupId).LogAsync(session);
    }

    public async Task<IReadOnlyList<MentoredStartup>> MentoredAsync(Caller caller, string mentorId)
    {
        await EnsureMentorAsync(caller, mentorId);
        return await grains.GetGrain<IMentoringGrain>(mentorId).FollowingAsync();
    }

    public async Task<IReadOnlyList<MentorSession>> SessionsAsync(Caller caller, string startupId)
    {
        await EnsureFollowerAsync(caller, startupId);
        return await grains.GetGrain<IMentorSessionsGrain>(startupId).ListAsync();
    }

    public async Task<MentorSession> RateSessionAsync(Caller caller, string startupId, string sessionId, RatingInput input)
    {
        await EnsureStartupItselfAsync(caller, startupId);
        var stars = Checks.Valid(c => c.Whole("stars", input.Stars, 1, 5));
        return await grains.GetGrain<IMentorSessionsGrain>(startupId).RateAsync(sessionId, stars);
    }

    public async Task<List<GoalResponse>> GoalsAsync(Caller caller, string startupId)
    {
        await EnsureFollowerAsync(caller, startupId);
        return [.. (await grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync()).Select(GoalResponse.From)];
    }

    public async Task<GoalResponse> SetGoalAsync(Caller caller, string startupId, GoalInput input)
    {
        await EnsureFollowerAsync(caller, startupId);
        var plan = Checks.Valid(c => input.ToTemplate(c));
        return GoalResponse.From(await grains.GetGrain<IStartupGoalsGrain>(startupId).SetAsync(Ids.New("goal"), plan));
    }

    /// <summary>The startup removes a goal set by hand (by itself or a follower); its cohorts' goals stay.</summary>
    public async Task RemoveGoalAsync(Caller caller, string startupId, string goalId)
    {
        await EnsureStartupItselfAsync(caller, startupId);
        await grains.GetGrain<IStartupGoalsGrain>(startupId).RemoveAsync(goalId);
    }

    public async Task<GoalResponse> RecordProgressAsync(Caller caller, string startupId, string goalId, ProgressInput input)
    {
        var goals = grains.GetGrain<IStartupGoalsGrain>(startupId);
        // A cohort's goal takes progress from that cohort's followers only: another institute's sees it but does not write it.
        await EnsureFollowerAsync(caller, startupId, (await goals.ListAsync()).FirstOrDefault(g => g.Id == goalId)?.CohortId);
        var (on, value) = Checks.Valid(c =>
        {
            var on = DayThatHasCome(c, input.Date);
            // Where a goal stands is on the scale of its target (1 to 10^12): a value past any target is a typing slip.
            if (input.Value is not { } value || value < 0) { c.Error("value", "Required, not negative."); value = 0; }
            else if (value > 1_000_000_000_000) { c.Error("value", "Must be between 0 and 1000000000000."); value = 0; }
            return (on, value);
        });
        return GoalResponse.From(await goals.RecordProgressAsync(goalId, on, value));
    }

    public async Task<MonthlyFigures> ReportFiguresAsync(Caller caller, string startupId, FiguresInput input)
    {
        await EnsureStartupItselfAsync(caller, startupId);
        var figures = Checks.Valid(c => input.ToFigures(c, Languages.Formats.Today(time.GetUtcNow())));
        await grains.GetGrain<IStartupActivityGrain>(startupId).ReportFiguresAsync(figures);
        return figures;
    }

    public async Task<StartupKpisResponse> KpisAsync(Caller caller, string startupId)
    {
        await EnsureFollowerAsync(caller, startupId);
        var activity = await grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync();
        var name = "";
        try { name = (await grains.GetGrain<Grains.Profiles.IStartupGrain>(startupId).GetAsync(Caller.Marketplace)).Details.Name; }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { } // figures of a profile gone: no name to give
        return new StartupKpisResponse(startupId, DashboardRow.From(startupId, name, activity.Kpis), activity.Months, activity.Figures);
    }

    /// <summary>The startup itself, a mentor assigned to it, a manager of an institute of one of its cohorts, or an admin;
    /// with <paramref name="cohortId"/>, mentors and managers of that cohort only.</summary>
    public async Task EnsureFollowerAsync(Caller caller, string startupId, string? cohortId = null)
    {
        if (caller.IsAdmin) return;
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        var allowed = caller.Role switch
        {
            Roles.Startup => account?.ProfileId == startupId,
            Roles.Mentor => account?.ProfileId is { } mentorId && (cohortId is null
                ? await grains.GetGrain<IMentoringGrain>(mentorId).IsAssignedAsync(startupId)
                : (await grains.GetGrain<IMentoringGrain>(mentorId).FollowingAsync()).Any(s => s.StartupId == startupId && s.CohortId == cohortId)),
            Roles.Manager => account is not null && await ManagesAsync(account.Institutes, startupId, cohortId),
            Roles.Sme => false,
            Roles.Admin => true,
            _ => throw new InvalidOperationException($"Unknown role {caller.Role}."),
        };
        if (!allowed) throw MarketplaceException.NotFound("Startup");
    }

    /// <summary>
    /// Whether a cohort of the manager's institutes follows the startup: one it joined (it accepted the invitation or was
    /// admitted, never on a manager's say alone), still a member, and not ended more than a month ago.
    /// </summary>
    private async Task<bool> ManagesAsync(IReadOnlyCollection<string> institutes, string startupId, string? cohortId)
    {
        var links = (await grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Cohorts
            .Where(c => institutes.Contains(c.InstituteId) && (cohortId is null || c.CohortId == cohortId));
        foreach (var link in links)
            if (await grains.GetGrain<ICohortGrain>(link.CohortId).FollowsAsync(startupId)) return true;
        return false;
    }

    /// <summary>Only the mentor who owns the profile acts in its name.</summary>
    private async Task EnsureMentorAsync(Caller caller, string mentorId)
    {
        if ((await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId != mentorId)
            throw MarketplaceException.NotFound("Mentor");
    }

    private async Task EnsureStartupItselfAsync(Caller caller, string startupId)
    {
        if (caller.Role != Roles.Startup || (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId != startupId)
            throw MarketplaceException.NotFound("Startup");
    }
}
