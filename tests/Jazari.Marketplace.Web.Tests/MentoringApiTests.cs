using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class MentoringApiTests(MarketplaceHost host)
{
    [Fact]
    public async Task A_mentor_is_suggested_assigned_logs_sessions_for_assigned_startups_only_and_the_startup_rates_them()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Sahara Pay");
        var (stranger, strangerId) = await Api.StartupAsync(host, "Other");
        await p.AddMemberAsync(startup, startupId);
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        var (otherMentor, otherMentorId) = await Incubation.MentorAsync(host, ["iot"]);

        var suggestions = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/mentors/suggestions?startupId={startupId}&top=50")).Json(HttpStatusCode.OK);
        var ranked = suggestions.EnumerateArray().Select(s => s.GetProperty("mentorId").GetString()).ToList();
        Assert.True(ranked.IndexOf(mentorId) >= 0 && ranked.IndexOf(mentorId) < ranked.IndexOf(otherMentorId));
        var reason = suggestions[ranked.IndexOf(mentorId)].GetProperty("reasons")[0];
        Assert.Equal("expertise", reason.GetProperty("factor").GetString());
        Assert.Contains("commerce en ligne", reason.GetProperty("detail").GetString()); // the lexicon's label, in the manager's French
        var inArabic = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/mentors/suggestions?startupId={startupId}&language=ar")).Json(HttpStatusCode.OK);
        Assert.Contains("التجارة الإلكترونية", inArabic[0].GetProperty("reasons")[0].GetProperty("detail").GetString());

        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId = strangerId })).Problem(HttpStatusCode.NotFound);
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);
        var assigned = await (await mentor.Client.GetAsync($"/api/mentors/{mentorId}/startups")).Json(HttpStatusCode.OK);
        Assert.Equal(startupId, Assert.Single(assigned.EnumerateArray()).GetProperty("startupId").GetString());
        // The mentor hears of it once, with the startup's page, even when the manager assigns it again.
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(mentor.Email).Any(e => e.GetProperty("kind").GetString() == "mentor-assigned")), "the mentor told");
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(startup.Email).Any(e => e.GetProperty("kind").GetString() == "your-mentor")), "the startup told");
        await host.JobsSettledAsync();
        var told = Assert.Single(host.Emails(mentor.Email), e => e.GetProperty("kind").GetString() == "mentor-assigned");
        Assert.Contains("Sahara Pay", told.GetProperty("subject").GetString());
        Assert.Contains($"/mentor/startups/{startupId}", told.GetProperty("text").GetString());
        // The startup hears who follows it, once, with the page where it reads and rates the sessions.
        var introduced = Assert.Single(host.Emails(startup.Email), e => e.GetProperty("kind").GetString() == "your-mentor");
        Assert.Contains("Salma Idrissi", introduced.GetProperty("subject").GetString());
        Assert.Contains("/startup/invitations", introduced.GetProperty("text").GetString());

        var session = new { startupId, date = Incubation.Day(-1), minutes = 60, notes = "Revue du pricing et du pipeline PME.", nextSteps = "Relancer 3 coopératives." };
        // Sent twice at once (a double submit): one session, counted once.
        var twice = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
            await (await mentor.Client.PostAsJsonAsync($"/api/mentors/{mentorId}/sessions", session)).Json(HttpStatusCode.Created)));
        Assert.Single(twice.Select(t => t.Id()).Distinct());
        var logged = twice[0];
        await (await mentor.Client.PostAsJsonAsync($"/api/mentors/{mentorId}/sessions", session with { startupId = strangerId })).Problem(HttpStatusCode.NotFound);
        await (await otherMentor.Client.PostAsJsonAsync($"/api/mentors/{mentorId}/sessions", session)).Problem(HttpStatusCode.NotFound);
        await (await otherMentor.Client.PostAsJsonAsync($"/api/mentors/{otherMentorId}/sessions", session)).Problem(HttpStatusCode.NotFound);
        await (await otherMentor.Client.GetAsync($"/api/startups/{startupId}/sessions")).Problem(HttpStatusCode.NotFound);
        await (await mentor.Client.GetAsync($"/api/startups/{strangerId}/goals")).Problem(HttpStatusCode.NotFound);

        var sessionId = logged.Id();
        await (await mentor.Client.PostAsJsonAsync($"/api/startups/{startupId}/sessions/{sessionId}/rating", new { stars = 5 })).Problem(HttpStatusCode.NotFound);
        await (await stranger.Client.PostAsJsonAsync($"/api/startups/{startupId}/sessions/{sessionId}/rating", new { stars = 1 })).Problem(HttpStatusCode.NotFound);
        await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/sessions/{sessionId}/rating", new { stars = 4 })).Json(HttpStatusCode.OK);
        var sessions = await (await startup.Client.GetAsync($"/api/startups/{startupId}/sessions")).Json(HttpStatusCode.OK);
        Assert.Equal(4, Assert.Single(sessions.EnumerateArray()).GetProperty("rating").GetInt32());
        await (await stranger.Client.GetAsync($"/api/startups/{startupId}/sessions")).Problem(HttpStatusCode.NotFound);

        // Its own cohorts name the mentor. On its Cohorts page, a rating outside 1 to 5 is refused beside that session and
        // changes nothing; another startup cannot rate it from its own page (404).
        var mine = Assert.Single((await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("Salma Idrissi", Assert.Single(mine.GetProperty("mentors").EnumerateArray()).GetProperty("name").GetString());
        var pages = await Payments.ReceiptTests.PagesAsync(host, startup);
        var html = await pages.GetStringAsync("/startup/invitations");
        Assert.Contains("Revue du pricing et du pipeline PME.", html);
        foreach (var stars in new[] { "", "9" })
        {
            var refused = await pages.PostAsync("/startup/invitations?handler=rate", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["sessionId"] = sessionId, ["stars"] = stars, ["__af"] = Payments.ReceiptTests.Antiforgery(html),
            }));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("class=\"error\"", await refused.Content.ReadAsStringAsync());
        }
        var strangerPages = await Payments.ReceiptTests.PagesAsync(host, stranger);
        var strangerHtml = await strangerPages.GetStringAsync("/startup/invitations");
        var stolen = await strangerPages.PostAsync("/startup/invitations?handler=rate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sessionId"] = sessionId, ["stars"] = "1", ["__af"] = Payments.ReceiptTests.Antiforgery(strangerHtml),
        }));
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        sessions = await (await startup.Client.GetAsync($"/api/startups/{startupId}/sessions")).Json(HttpStatusCode.OK);
        Assert.Equal(4, Assert.Single(sessions.EnumerateArray()).GetProperty("rating").GetInt32());

        var row = (await p.DashboardAsync()).Row(startupId);
        Assert.Equal(1, row.GetProperty("mentorSessions").GetInt32());
        Assert.Equal(4.0, row.GetProperty("mentorSessionRating").GetDouble());
    }

    [Fact]
    public async Task A_member_gets_the_cohorts_goals_and_progress_is_recorded_by_date()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host);
        var invitationId = await p.InviteAsync(startupId);
        await Incubation.AcceptAsync(startup, invitationId);
        await Incubation.AcceptAsync(startup, invitationId); // accepted twice: joined once, the cohort's goals given once

        var goals = await (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK);
        var goal = Assert.Single(goals.EnumerateArray());
        Assert.Equal("clients", goal.GetProperty("unit").GetString());
        var own = await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals",
            new { what = "Recruter un développeur", unit = "personnes", target = 1, dueOn = Incubation.Day(60) })).Json(HttpStatusCode.Created);
        var progressed = await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{goal.Id()}/progress",
            new { date = Incubation.Day(0), value = 2 })).Json(HttpStatusCode.OK);
        Assert.Equal(0.4, progressed.GetProperty("done").GetDouble());
        // Where a goal stood, not a plan: a date after today is refused and nothing is recorded.
        var future = await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{goal.Id()}/progress",
            new { date = Incubation.Day(3), value = 5 })).Problem(HttpStatusCode.BadRequest);
        Assert.True(future.GetProperty("errors").TryGetProperty("date", out _));
        // A value past any target (at most 10^12) is a slip, refused.
        var huge = await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{goal.Id()}/progress",
            new { date = Incubation.Day(0), value = long.MaxValue })).Problem(HttpStatusCode.BadRequest);
        Assert.True(huge.GetProperty("errors").TryGetProperty("value", out _));
        var listed = await (await startup.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK);
        Assert.Equal(2, listed.GetArrayLength());
        Assert.Equal(1, listed.EnumerateArray().Single(g => g.Id() == goal.Id()).GetProperty("progress").GetArrayLength());

        var outsider = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));
        await (await outsider.Client.GetAsync($"/api/startups/{startupId}/goals")).Problem(HttpStatusCode.NotFound);
        await (await outsider.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{own.Id()}/progress", new { date = Incubation.Day(0), value = 1 }))
            .Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Joining_a_cohort_past_three_ended_ones_archives_the_earliest_ended_goals_shown_last_on_the_goals_page_without_a_form()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host);
        var goals = host.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Grains.Incubation.IStartupGoalsGrain>(startupId);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var (cohort, endedDaysAgo) in new[] { ("cohort-2024", 300), ("cohort-2025a", 120), ("cohort-2025b", 20) })
            await goals.AddFromCohortAsync($"{cohort}-{startupId}", today.AddDays(-endedDaysAgo),
                [.. Enumerable.Range(1, 10).Select(i => new Grains.Incubation.GoalTemplate($"Objectif {cohort} {i}", "clients", 10, today.AddDays(-endedDaysAgo)))]);
        await Incubation.AcceptAsync(startup, await p.InviteAsync(startupId)); // a fourth cohort: the earliest ended makes room

        var listed = (await (await startup.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(31, listed.Count);
        var archived = listed.Where(g => g.GetProperty("archived").GetBoolean()).ToList();
        Assert.Equal(10, archived.Count);
        Assert.All(archived, g => Assert.StartsWith("Objectif cohort-2024 ", g.GetProperty("what").GetString()));
        await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{archived[0].Id()}/progress", new { date = Incubation.Day(0), value = 3 }))
            .Problem(HttpStatusCode.Conflict);

        var page = WebUtility.HtmlDecode(await (await Payments.ReceiptTests.PagesAsync(host, startup)).GetStringAsync("/startup/goals"));
        const string ended = "Cohorte terminée le "; // the startup reads French
        Assert.Equal(10, page.Split(ended).Length - 1);
        Assert.Equal(21, page.Split("name=\"goalId\"").Length - 1); // a record form for each goal still worked on, none for the archived
        Assert.True(page.LastIndexOf("Objectif cohort-2025b", StringComparison.Ordinal) < page.IndexOf(ended, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_institutes_manager_neither_writes_a_cohorts_goal_nor_fills_the_goals_so_the_startup_still_joins_a_cohort()
    {
        var first = await Incubation.ProgrammeAsync(host);
        var second = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host);
        await first.AddMemberAsync(startup, startupId);
        await second.AddMemberAsync(startup, startupId);
        var goals = await (await second.Manager.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK);
        Assert.Equal(2, goals.GetArrayLength()); // one of each cohort, both shown to each follower
        var firstGoal = (await (await first.Manager.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Select(g => g.Id()).First(id => id.StartsWith(first.CohortId, StringComparison.Ordinal));
        await (await second.Manager.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{firstGoal}/progress", new { date = Incubation.Day(0), value = 5 }))
            .Problem(HttpStatusCode.NotFound);
        await (await first.Manager.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals/{firstGoal}/progress", new { date = Incubation.Day(0), value = 1 }))
            .Json(HttpStatusCode.OK);

        // Goals set by hand take at most 15: the cohorts keep their room.
        for (var i = 0; i < 15; i++)
            await (await second.Manager.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals",
                new { what = $"Objectif {i}", unit = "clients", target = 1, dueOn = Incubation.Day(60) })).Json(HttpStatusCode.Created);
        await (await second.Manager.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals",
            new { what = "Un de trop", unit = "clients", target = 1, dueOn = Incubation.Day(60) })).Problem(HttpStatusCode.Conflict);
        var third = await Incubation.ProgrammeAsync(host);
        await third.AddMemberAsync(startup, startupId); // joined, its goal given
        var all = await (await startup.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK);
        Assert.Equal(18, all.GetArrayLength());

        // The startup removes the goals set by hand it does not want (nobody else may); its cohorts' goals stay.
        var junk = all.EnumerateArray().First(g => g.GetProperty("what").GetString() == "Objectif 0").Id();
        await (await second.Manager.Client.DeleteAsync($"/api/startups/{startupId}/goals/{junk}")).Problem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await startup.Client.DeleteAsync($"/api/startups/{startupId}/goals/{junk}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await startup.Client.DeleteAsync($"/api/startups/{startupId}/goals/{junk}")).StatusCode); // again: nothing
        await (await startup.Client.DeleteAsync($"/api/startups/{startupId}/goals/{firstGoal}")).Problem(HttpStatusCode.Conflict);
        await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/goals",
            new { what = "Le nôtre", unit = "clients", target = 3, dueOn = Incubation.Day(60) })).Json(HttpStatusCode.Created);
    }
}
