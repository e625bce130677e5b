using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class CohortsApiTests(MarketplaceHost host)
{
    [Fact]
    public async Task A_manager_sees_only_the_cohorts_of_their_institute()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var other = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));

        var seen = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}")).Json(HttpStatusCode.OK);
        Assert.Equal(p.InstituteId, seen.GetProperty("instituteId").GetString());
        Assert.Contains((await (await p.Manager.Client.GetAsync("/api/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray(), c => c.Id() == p.CohortId);

        Assert.DoesNotContain((await (await other.Client.GetAsync("/api/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray(), c => c.Id() == p.CohortId);
        await (await other.Client.GetAsync($"/api/cohorts/{p.CohortId}")).Problem(HttpStatusCode.NotFound);
        await (await other.Client.GetAsync($"/api/cohorts/{p.CohortId}/dashboard")).Problem(HttpStatusCode.NotFound);
        await (await other.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        var (_, startupId) = await Api.StartupAsync(host);
        await (await other.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/members", new { startupId })).Problem(HttpStatusCode.NotFound);
        await (await other.Client.PostAsJsonAsync("/api/cohorts", Incubation.Cohort(p.InstituteId))).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_startup_joins_a_cohort_only_when_it_accepts_and_until_then_the_manager_sees_nothing_private_of_it()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var startup = await host.SignUpAsync("startup", language: "ar");
        var startupId = await startup.Client.CreateAsync("/api/startups", Api.Startup("Tiznit Digital"));
        var invitationId = await p.InviteAsync(startupId);
        Assert.Equal(invitationId, await p.InviteAsync(startupId)); // inviting again while it waits: the same invitation

        // Invited is not a member: KPIs, goals, sessions and matches stay private; the dashboard has no row.
        foreach (var path in new[] { "kpis", "goals", "sessions", "matches" })
            await (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/{path}")).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await p.DashboardAsync()).GetProperty("startups").EnumerateArray());
        Assert.Empty((await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray()); // nor in its own cohorts

        // The startup is told once, in its language, and lists the invitation; nobody else can answer it.
        var mail = await EventuallyAsync(() => host.Emails(startup.Email).Where(e => e.GetProperty("kind").GetString() == "cohort-invitation").ToList());
        Assert.Single(mail);
        Assert.Equal("ar", mail[0].GetProperty("language").GetString());
        Assert.Contains("/startup/invitations", mail[0].GetProperty("text").GetString());
        var listed = Assert.Single((await (await startup.Client.GetAsync("/api/me/invitations")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(("invited", p.CohortId), (listed.GetProperty("status").GetString(), listed.GetProperty("cohortId").GetString()));
        var (intruder, _) = await Api.StartupAsync(host, "Intrus");
        await (await intruder.Client.PostAsync($"/api/me/invitations/{invitationId}/accept", null)).Problem(HttpStatusCode.NotFound);
        await (await p.Manager.Client.PostAsync($"/api/me/invitations/{invitationId}/accept", null)).Problem(HttpStatusCode.Forbidden);

        // Accepted: a member, followed by its cohort's managers; answering again the same way changes nothing, otherwise 409.
        var accepted = await Incubation.AcceptAsync(startup, invitationId);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        await Incubation.AcceptAsync(startup, invitationId);
        await (await startup.Client.PostAsync($"/api/me/invitations/{invitationId}/decline", null)).Problem(HttpStatusCode.Conflict);
        await (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);
        Assert.Equal("Tiznit Digital", (await p.DashboardAsync()).Row(startupId).GetProperty("name").GetString());
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/members", new { startupId })).Problem(HttpStatusCode.Conflict);
        var mine = Assert.Single((await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(p.CohortId, mine.GetProperty("cohortId").GetString());
        Assert.Empty(mine.GetProperty("mentors").EnumerateArray()); // none assigned yet
        // A member has nothing to apply for: its call says so, and an application is refused (the managers score none).
        var call = (await (await startup.Client.GetAsync("/api/cohorts/open")).Json(HttpStatusCode.OK)).EnumerateArray().Single(c => c.GetProperty("cohortId").GetString() == p.CohortId);
        Assert.True(call.GetProperty("member").GetBoolean());
        await (await startup.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Un problème.", "Des PME." } })).Problem(HttpStatusCode.Conflict);
        Assert.Empty((await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Json(HttpStatusCode.OK)).EnumerateArray());

        // Declined: nothing opens.
        var (shy, shyId) = await Api.StartupAsync(host, "Discrète");
        var declinedId = await p.InviteAsync(shyId);
        var declined = await (await shy.Client.PostAsync($"/api/me/invitations/{declinedId}/decline", null)).Json(HttpStatusCode.OK);
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        await (await p.Manager.Client.GetAsync($"/api/startups/{shyId}/kpis")).Problem(HttpStatusCode.NotFound);
        Assert.Single((await p.DashboardAsync()).GetProperty("startups").EnumerateArray());
        var sent = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/invitations")).Json(HttpStatusCode.OK);
        Assert.Equal(new[] { "declined", "accepted" }, sent.EnumerateArray().Select(i => i.GetProperty("status").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_member_that_leaves_its_cohort_is_read_no_more_by_its_managers_and_mentors_there_until_it_accepts_to_come_back()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Souss Data");
        await p.AddMemberAsync(startup, startupId);
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);
        await (await mentor.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);
        await (await p.Manager.Client.GetAsync($"/api/mentors/{mentorId}")).Json(HttpStatusCode.OK); // the mentor of one of its members
        var month = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM");
        async Task ReportAsync(int employees) => await (await startup.Client.PostAsJsonAsync($"/api/startups/{startupId}/figures",
            new { month, revenueMad = 1000m, employees, fundingRaisedMad = 0 })).Json(HttpStatusCode.OK);
        await ReportAsync(2);
        Assert.Equal(2, (await p.DashboardAsync()).Row(startupId).GetProperty("employees").GetInt32());

        // Nobody leaves in its place: another startup never was in it, and the manager is no startup.
        var (other, _) = await Api.StartupAsync(host, "Autre");
        await (await other.Client.PostAsync($"/api/me/cohorts/{p.CohortId}/leave", null)).Problem(HttpStatusCode.NotFound);
        await (await p.Manager.Client.PostAsync($"/api/me/cohorts/{p.CohortId}/leave", null)).Problem(HttpStatusCode.Forbidden);

        // Sent twice at once (a double submit): it leaves once, and both answers say it is out.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => startup.Client.PostAsync($"/api/me/cohorts/{p.CohortId}/leave", null)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.StatusCode));
        await Incubation.ReloadGrainsAsync(host); // written, not only in memory

        foreach (var path in new[] { "kpis", "goals", "sessions", "matches" })
        {
            await (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/{path}")).Problem(HttpStatusCode.NotFound);
            await (await mentor.Client.GetAsync($"/api/startups/{startupId}/{path}")).Problem(HttpStatusCode.NotFound);
        }
        Assert.Empty((await (await mentor.Client.GetAsync($"/api/mentors/{mentorId}/startups")).Json(HttpStatusCode.OK)).EnumerateArray());
        await (await p.Manager.Client.GetAsync($"/api/mentors/{mentorId}")).Problem(HttpStatusCode.NotFound); // no longer one of its mentors
        await (await mentor.Client.PostAsJsonAsync($"/api/mentors/{mentorId}/sessions",
            new { startupId, date = Incubation.Day(-1), minutes = 30, notes = "Après le départ.", nextSteps = "" })).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray());
        // The cohort's goal is its own now: no longer the cohort's, and it may remove it.
        var goal = Assert.Single((await (await startup.Client.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, goal.GetProperty("cohortId").ValueKind);
        (await startup.Client.DeleteAsync($"/api/startups/{startupId}/goals/{goal.Id()}")).EnsureSuccessStatusCode();
        // The dashboard names it among those that left; its figures left with it, and its later ones do not come back.
        await ReportAsync(5);
        var dashboard = await p.DashboardAsync();
        Assert.Empty(dashboard.GetProperty("startups").EnumerateArray());
        Assert.Equal(0, dashboard.GetProperty("totals").GetProperty("employees").GetInt32());
        var left = Assert.Single(dashboard.GetProperty("left").EnumerateArray());
        Assert.Equal((startupId, "Souss Data"), (left.GetProperty("startupId").GetString(), left.GetProperty("name").GetString()));
        await (await startup.Client.PostAsync($"/api/me/cohorts/{p.CohortId}/leave", null)).Json(HttpStatusCode.NoContent); // again: nothing changes
        Assert.Single((await p.DashboardAsync()).GetProperty("left").EnumerateArray());
        // Applying to come back is refused: the managers' admission is not its consent; the call says it left.
        var call = (await (await startup.Client.GetAsync("/api/cohorts/open")).Json(HttpStatusCode.OK)).EnumerateArray().Single(c => c.GetProperty("cohortId").GetString() == p.CohortId);
        Assert.True(call.GetProperty("left").GetBoolean());
        await (await startup.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Un problème.", "Des PME." } })).Problem(HttpStatusCode.Conflict);

        // Invited again, it comes back only by accepting; a mentor assigned again follows it again.
        await p.AddMemberAsync(startup, startupId);
        Assert.Equal(5, (await p.DashboardAsync()).Row(startupId).GetProperty("employees").GetInt32());
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);
        await (await mentor.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_startup_invited_then_admitted_on_its_own_application_has_its_invitation_answered_and_cannot_decline_it_to_look_out()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Oujda Data");
        var invitationId = await p.InviteAsync(startupId);
        var appId = await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Les PME de l'Oriental.", "Une équipe de trois." } });
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{appId}/decision", new { admit = true })).Json(HttpStatusCode.OK);
        var listed = Assert.Single((await (await startup.Client.GetAsync("/api/me/invitations")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("accepted", listed.GetProperty("status").GetString()); // its application answered it
        await (await startup.Client.PostAsync($"/api/me/invitations/{invitationId}/decline", null)).Problem(HttpStatusCode.Conflict);
        await (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK); // a member, as the answer says
        // Its application sent again (a retry) gets the same application back, not the refusal made for members.
        Assert.Equal(appId, await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Les PME de l'Oriental.", "Une équipe de trois." } }));
        Assert.Equal(p.CohortId, Assert.Single((await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray()).GetProperty("cohortId").GetString());
    }

    [Fact]
    public async Task A_startup_that_applied_then_accepts_an_invitation_is_a_member_and_its_application_is_answered_not_left_to_score()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Fès Cloud");
        var appId = await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Les coopératives.", "Deux fondateurs." } });
        await Incubation.AcceptAsync(startup, await p.InviteAsync(startupId));

        var application = Assert.Single((await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal((appId, "admitted"), (application.Id(), application.GetProperty("status").GetString()));
        await host.JobsSettledAsync();
        Assert.DoesNotContain(host.Emails(startup.Email), e => e.GetProperty("kind").GetString() == "application-admitted"); // it joined by its own answer
        // Deciding it now changes nothing; declining it is refused.
        var decided = await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{appId}/decision", new { admit = true })).Json(HttpStatusCode.OK);
        Assert.False(decided.GetProperty("changed").GetBoolean());
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{appId}/decision", new { admit = false })).Problem(HttpStatusCode.Conflict);
        await host.JobsSettledAsync();
        Assert.DoesNotContain(host.Emails(startup.Email), e => e.GetProperty("kind").GetString() == "application-admitted"); // nor by that decision
        var call = (await (await startup.Client.GetAsync("/api/cohorts/open")).Json(HttpStatusCode.OK)).EnumerateArray().Single(c => c.GetProperty("cohortId").GetString() == p.CohortId);
        Assert.True(call.GetProperty("member").GetBoolean());
    }

    [Fact]
    public async Task A_join_a_mentor_assignment_and_a_leave_whose_request_died_after_the_write_are_followed_up_once_by_their_job()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Oasis Data");
        var invitationId = await p.InviteAsync(startupId);
        var cohort = host.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.Incubation.ICohortGrain>(p.CohortId);
        // The accept's request dies right after the cohort's write: what it would have done next is left to the stored event.
        await cohort.AnswerInvitationAsync(startupId, invitationId, accept: true);
        await Payments.Engagements.EventuallyAsync(async () => (await (await startup.Client.GetAsync("/api/me/cohorts")).Json(HttpStatusCode.OK))
            .EnumerateArray().Any(c => c.GetProperty("cohortId").GetString() == p.CohortId), "the startup lists its cohort");
        Assert.Equal(HttpStatusCode.OK, (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/kpis")).StatusCode); // its figures reach the managers

        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await cohort.AssignMentorAsync(new Grains.Caller(p.Manager.AccountId, Grains.Roles.Manager), mentorId, startupId);
        bool Mailed(Person person, string kind) => host.Emails(person.Email).Any(e => e.GetProperty("kind").GetString() == kind);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(Mailed(startup, "your-mentor") && Mailed(mentor, "mentor-assigned")), "both told");
        // The manager repeats the assignment (its page had answered an error): nothing is sent twice.
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);
        await host.JobsSettledAsync();
        Assert.Single(host.Emails(startup.Email), e => e.GetProperty("kind").GetString() == "your-mentor");
        Assert.Single(host.Emails(mentor.Email), e => e.GetProperty("kind").GetString() == "mentor-assigned");
        Assert.Empty(await cohort.GetPendingEventsAsync());

        // A leave's request dies right after the cohort's write: its job ends the link (its figures stop going there, its
        // page no longer lists the cohort) and the mentor's following.
        await cohort.LeaveAsync(startupId);
        Assert.Equal(HttpStatusCode.NotFound, (await p.Manager.Client.GetAsync($"/api/startups/{startupId}/kpis")).StatusCode); // at once
        await Payments.Engagements.EventuallyAsync(async () => (await mentor.Client.GetAsync($"/api/startups/{startupId}/kpis")).StatusCode == HttpStatusCode.NotFound
            && (await host.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.Incubation.IStartupActivityGrain>(startupId).GetAsync()).Cohorts.Count == 0,
            "the link and the mentor's following ended");
        await host.JobsSettledAsync();
        Assert.Empty(await cohort.GetPendingEventsAsync());
    }

    [Fact]
    public async Task The_managers_hear_of_the_first_application_of_the_day_once_with_the_cohorts_page()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var other = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));
        var answers = new { answers = new[] { "Un problème.", "Des PME." } };
        var applied = new List<(Person Startup, string AppId)>();
        foreach (var name in new[] { "Oujda Data", "Souss Digital" })
        {
            var (startup, _) = await Api.StartupAsync(host, name);
            applied.Add((startup, await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", answers)));
        }
        await host.JobsSettledAsync();
        var told = Assert.Single(host.Emails(p.Manager.Email), e => e.GetProperty("kind").GetString() == "application-received");
        Assert.Contains("Oujda Data", told.GetProperty("subject").GetString() + told.GetProperty("text").GetString());
        Assert.Contains($"/manager/cohorts/{p.CohortId}?lang=fr", told.GetProperty("text").GetString());
        Assert.DoesNotContain(host.Emails(other.Email), e => e.GetProperty("kind").GetString() == "application-received");

        // Applying again, once declined, is no news: a manager who joined since (not yet told today) hears nothing.
        var (declinedStartup, declinedApp) = applied[0];
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{declinedApp}/decision", new { admit = false })).Json(HttpStatusCode.OK);
        var newcomer = await Incubation.ManagerAsync(host, p.InstituteId);
        Assert.Equal(declinedApp, await declinedStartup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", answers));
        await host.JobsSettledAsync();
        Assert.DoesNotContain(host.Emails(newcomer.Email), e => e.GetProperty("kind").GetString() == "application-received");
    }

    [Fact]
    public async Task Declining_an_application_on_its_page_asks_first_and_only_the_confirmation_declines_it()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, _) = await Api.StartupAsync(host, "Oujda Data");
        var appId = await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Un problème.", "Des PME." } });
        async Task<string?> StatusAsync() => (await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Json(HttpStatusCode.OK))
            .EnumerateArray().Single(a => a.Id() == appId).GetProperty("status").GetString();
        using var pages = await Payments.ReceiptTests.PagesAsync(host, p.Manager);
        var path = $"/manager/cohorts/{p.CohortId}/applications/{appId}";

        // "Refuser" opens the question (a plain GET); nothing is decided by it, nor by a post without the confirmation.
        Assert.Contains("name=\"confirm\" value=\"decline\"", await pages.GetStringAsync(path));
        var asking = WebUtility.HtmlDecode(await pages.GetStringAsync(path + "?confirm=decline"));
        Assert.Contains("Refuser la candidature d'<bdi>Oujda Data</bdi> ?", asking); // "de" elided before a vowel
        Assert.Contains("ne peut plus être admise", asking);
        var unconfirmed = await pages.PostAsync(path + "?handler=decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["admit"] = "false", ["__af"] = Payments.ReceiptTests.Antiforgery(asking),
        }));
        Assert.Equal(HttpStatusCode.Redirect, unconfirmed.StatusCode);
        Assert.Contains("confirm=decline", unconfirmed.Headers.Location!.ToString());
        Assert.Equal("submitted", await StatusAsync());
        Assert.DoesNotContain(host.Emails(startup.Email), e => e.GetProperty("kind").GetString() == "application-declined");

        // A choice that is not one is refused, not read as "decline" (which is final).
        var forged = await pages.PostAsync(path + "?handler=decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["admit"] = "abc", ["confirmed"] = "true", ["__af"] = Payments.ReceiptTests.Antiforgery(asking),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("<html lang=\"fr\"", await forged.Content.ReadAsStringAsync()); // the error page, in the reader's language
        Assert.Equal("submitted", await StatusAsync());

        var confirmed = await pages.PostAsync(path + "?handler=decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["admit"] = "false", ["confirmed"] = "true", ["__af"] = Payments.ReceiptTests.Antiforgery(asking),
        }));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Contains("done=decided", confirmed.Headers.Location!.ToString());
        Assert.Equal("declined", await StatusAsync());
    }

    [Fact]
    public async Task A_manager_finds_startups_by_name_with_their_public_fields_and_whether_they_are_already_invited()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var run = Guid.NewGuid().ToString("N")[..8];
        var (_, atlasId) = await Api.StartupAsync(host, $"Atlas Numérique {run}");
        var (_, souss) = await Api.StartupAsync(host, $"Souss Digital {run}");
        await p.InviteAsync(souss);

        // Case and accents do not count; only the public fields come back, and the invited one says so.
        var found = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name=NUMERIQUE%20{run}")).Json(HttpStatusCode.OK);
        var atlas = Assert.Single(found.EnumerateArray());
        Assert.Equal(atlasId, atlas.Id());
        Assert.Equal(["id", "name", "city", "region", "categories", "already"], atlas.EnumerateObject().Select(f => f.Name));
        Assert.Equal(JsonValueKind.Null, atlas.GetProperty("already").ValueKind);
        var invited = Assert.Single((await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name=digital%20{run}")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal("invited", invited.GetProperty("already").GetString());

        // Too short a text is a field error; another institute's manager and a startup are refused.
        await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name=a")).Problem(HttpStatusCode.BadRequest);
        await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name=%CC%81%CC%81")).Problem(HttpStatusCode.BadRequest); // accents alone match every name
        var other = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));
        await (await other.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name={run}")).Problem(HttpStatusCode.NotFound);
        var (startup, _) = await Api.StartupAsync(host, $"Curieuse {run}");
        await (await startup.Client.GetAsync($"/api/cohorts/{p.CohortId}/startups?name={run}")).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_startup_lists_the_open_calls_of_every_institute_with_its_own_application()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var started = await p.Manager.Client.CreateAsync("/api/cohorts", Incubation.Cohort(p.InstituteId, startsInDays: -2));
        var (startup, _) = await Api.StartupAsync(host, "Candidate");
        var calls = await (await startup.Client.GetAsync("/api/cohorts/open")).Json(HttpStatusCode.OK);
        var call = calls.EnumerateArray().Single(c => c.GetProperty("cohortId").GetString() == p.CohortId);
        Assert.Equal(JsonValueKind.Null, call.GetProperty("applicationStatus").ValueKind);
        Assert.Equal(2, call.GetProperty("questions").GetArrayLength());
        Assert.StartsWith("Jazari", call.GetProperty("instituteName").GetString());
        Assert.DoesNotContain(calls.EnumerateArray(), c => c.GetProperty("cohortId").GetString() == started);
        // Once its call has closed, a cohort's questions and rubric are not every startup's to read (its managers' are).
        await (await startup.Client.GetAsync($"/api/cohorts/{started}")).Problem(HttpStatusCode.NotFound);
        await (await startup.Client.GetAsync($"/api/cohorts/{p.CohortId}")).Json(HttpStatusCode.OK);
        await (await p.Manager.Client.GetAsync($"/api/cohorts/{started}")).Json(HttpStatusCode.OK);
        var running = await Incubation.ProgrammeAsync(host, startsInDays: -2);
        var (member, memberId) = await Api.StartupAsync(host, "Member");
        await running.AddMemberAsync(member, memberId);
        Assert.Equal(running.CohortId, (await (await member.Client.GetAsync($"/api/cohorts/{running.CohortId}")).Json(HttpStatusCode.OK)).Id());

        await startup.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "Un problème.", "Des PME." } });
        // A started cohort and an id made up refuse the application, and leave no trace on the account.
        var answers = new { answers = new[] { "Un problème.", "Des PME." } };
        await (await startup.Client.PostAsJsonAsync($"/api/cohorts/{started}/applications", answers)).Problem(HttpStatusCode.Conflict);
        var madeUp = Grains.Ids.New("coh");
        await (await startup.Client.PostAsJsonAsync($"/api/cohorts/{madeUp}/applications", answers)).Problem(HttpStatusCode.NotFound);
        var places = await host.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Grains.Accounts.IAccountGrain>(startup.AccountId).GetPlacesAsync();
        Assert.Equal([p.CohortId], places.CohortIds);
        calls = await (await startup.Client.GetAsync("/api/cohorts/open")).Json(HttpStatusCode.OK);
        call = calls.EnumerateArray().Single(c => c.GetProperty("cohortId").GetString() == p.CohortId);
        Assert.Equal("submitted", call.GetProperty("applicationStatus").GetString());
        await (await p.Manager.Client.GetAsync("/api/cohorts/open")).Problem(HttpStatusCode.Forbidden);
    }

    private static async Task<List<T>> EventuallyAsync<T>(Func<List<T>> read)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = read();
            if (found.Count > 0) return found;
            await Task.Delay(100);
        }
        return read();
    }

    [Fact]
    public async Task Applications_are_scored_on_the_weighted_rubric_ranked_and_each_applicant_is_told_in_their_language()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var strong = await host.SignUpAsync("startup", language: "ar");
        await strong.Client.CreateAsync("/api/startups", Api.Startup("Souss Digital"));
        var weak = await host.SignUpAsync("startup", language: "fr");
        await weak.Client.CreateAsync("/api/startups", Api.Startup("Argan Web"));

        var call = await (await strong.Client.GetAsync($"/api/cohorts/{p.CohortId}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, call.GetProperty("questions").GetArrayLength());
        var answers = new { answers = new[] { "Les PME du Souss vendent peu en ligne.", "Coopératives d'argan." } };
        var strongApp = await strong.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", answers);
        var weakApp = await weak.Client.CreateAsync($"/api/cohorts/{p.CohortId}/applications", answers);
        await (await weak.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications", new { answers = new[] { "une seule" } }))
            .Problem(HttpStatusCode.BadRequest);

        // Team weighs 3, market 1: (2*3 + 5*1)/4 = 2.75 < (4*3 + 1*1)/4 = 3.25.
        var scored = await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{weakApp}/scores",
            new { scores = new[] { 2, 5 } })).Json(HttpStatusCode.OK);
        Assert.Equal(2.75, scored.GetProperty("score").GetDouble());
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{strongApp}/scores",
            new { scores = new[] { 4, 1 } })).Json(HttpStatusCode.OK);
        var ranked = await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal(new[] { strongApp, weakApp }, ranked.EnumerateArray().Select(a => a.Id()).ToArray());

        // A startup reads its own application only, and never the ranking.
        await (await strong.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications/{strongApp}")).Json(HttpStatusCode.OK);
        await (await strong.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications/{weakApp}")).Problem(HttpStatusCode.NotFound);
        await (await strong.Client.GetAsync($"/api/cohorts/{p.CohortId}/applications")).Problem(HttpStatusCode.Forbidden);
        // Nor the scorers' scorecards, in its data export either.
        var exported = (await (await weak.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK)).GetProperty("incubation").GetProperty("applications");
        Assert.Equal(0, Assert.Single(exported.EnumerateArray()).GetProperty("scorecards").GetArrayLength());

        var decided = await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{strongApp}/decision", new { admit = true })).Json(HttpStatusCode.OK);
        Assert.Equal(("admitted", true), (decided.GetProperty("status").GetString(), decided.GetProperty("changed").GetBoolean()));
        var again = await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{strongApp}/decision", new { admit = true })).Json(HttpStatusCode.OK);
        Assert.Equal(("admitted", false), (again.GetProperty("status").GetString(), again.GetProperty("changed").GetBoolean()));
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{weakApp}/decision", new { admit = false })).Json(HttpStatusCode.OK);
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/applications/{weakApp}/decision", new { admit = true })).Problem(HttpStatusCode.Conflict);

        await host.JobsSettledAsync(); // decisions are e-mailed through the notification pipeline
        var admitted = Assert.Single(host.Emails(strong.Email), e => e.GetProperty("kind").GetString() == "application-admitted");
        Assert.Equal("ar", admitted.GetProperty("language").GetString());
        Assert.Contains("dir=\"rtl\"", admitted.GetProperty("html").GetString());
        var declined = Assert.Single(host.Emails(weak.Email), e => e.GetProperty("kind").GetString() == "application-declined");
        Assert.Contains("n'a pas été retenue", declined.GetProperty("text").GetString());

        var dashboard = await p.DashboardAsync();
        Assert.Equal("Souss Digital", Assert.Single(dashboard.GetProperty("startups").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Cohort_input_is_checked_field_by_field()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var problem = await (await p.Manager.Client.PostAsJsonAsync("/api/cohorts", new
        {
            instituteId = p.InstituteId, name = "", startsOn = "2027-13-01", endsOn = "2027-01-01", questions = new[] { "ok" },
            rubric = new[] { new { name = "Équipe", weight = 50 } },
        })).Problem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("startsOn", out _));
        Assert.True(errors.TryGetProperty("rubric[0].weight", out _));
        // Its goals, reminders and digest run until it ends: not "until 2999".
        var endless = await (await p.Manager.Client.PostAsJsonAsync("/api/cohorts", new
        {
            instituteId = p.InstituteId, name = "Cohorte sans fin", startsOn = "2027-01-04", endsOn = "2999-12-31", questions = new[] { "ok" },
        }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(endless.GetProperty("errors").TryGetProperty("endsOn", out _));
        // A cohort already over would take no member: refused, not kept as an empty record.
        var over = await (await p.Manager.Client.PostAsJsonAsync("/api/cohorts", new
        {
            instituteId = p.InstituteId, name = "Cohorte passée", startsOn = Incubation.Day(-200), endsOn = Incubation.Day(-1), questions = new[] { "ok" },
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("The cohort's last day has passed.", over.GetProperty("errors").GetProperty("endsOn")[0].GetString());
        await (await p.Manager.Client.PostAsJsonAsync("/api/cohorts", new
        {
            instituteId = p.InstituteId, name = "Cohorte finissante", startsOn = Incubation.Day(-200), endsOn = Incubation.Day(0), questions = new[] { "ok" },
        })).Json(HttpStatusCode.Created); // its last day is today: still running
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.PostAsJsonAsync("/api/cohorts", Incubation.Cohort(p.InstituteId))).Problem(HttpStatusCode.Forbidden);
    }
}
