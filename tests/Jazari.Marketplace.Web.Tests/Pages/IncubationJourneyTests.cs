using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The incubation journeys in the browser, in Arabic and in French: a manager reviews a cohort (scores an
/// application, admits the startup, opens the dashboard and its export, assigns a suggested mentor), and a
/// mentor follows an assigned startup (logs a session, records a goal's progress). What the journeys need
/// beforehand (institute, manager account, startups) is set up through the API. Screenshots and axe on each page.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed class IncubationJourneyTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar", "حلول أطلس", "نبيع للمقاولات الصغرى متاجر إلكترونية جاهزة.")]
    public async Task A_manager_scores_an_application_admits_it_opens_the_dashboard_and_assigns_a_mentor(string language, string startupName, string answer)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        startupName = $"{startupName} {run}";
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"manager-{run}@example.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));

        // A startup applies; its answer carries markup, which must show as text and run nothing.
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef", language);
        await startup.CreateAsync("/api/startups", Api.Startup(startupName));
        await startup.CreateAsync($"/api/cohorts/{cohortId}/applications", new { answers = new[] { answer, "<img src=x onerror=alert(1)>" } });
        using var mentor = await HostApi.SignUpAsync(host, "mentor", $"mentor-{run}@example.ma", "Salma");
        var mentorName = $"Salma Idrissi {run}";
        await mentor.CreateAsync("/api/mentors", new { name = mentorName, expertise = new[] { "ecommerce", "woocommerce" }, languages = new[] { "fr", "ar" }, capacity = 3 });

        var page = await host.NewPageAsync(language, bypassCsp: true);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await HostApi.SignInAsync(host, page, managerEmail);
        Assert.EndsWith("/manager", page.Url);
        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        await Shot(page, "manager-cohorts", language);

        // The cohort, its applications; the startup's application with its answers.
        await page.ClickAsync($"a[href='/manager/cohorts/{cohortId}']");
        await Journeys.ExpectUrlAsync(page, $"/manager/cohorts/{cohortId}$");
        await Shot(page, "manager-cohort", language);
        // What happens next: the call is open to every startup until the cohort starts.
        var callOpen = new Text(new Strings());
        callOpen.Use(language);
        Assert.Contains(callOpen["cohort.call-open"][..20], await page.InnerTextAsync("main"));
        // The goals the manager set, to read again.
        await Assertions.Expect(page.Locator("section[aria-labelledby=goals] li")).ToContainTextAsync("Premiers clients PME");
        await page.ClickAsync($"a[href^='/manager/cohorts/{cohortId}/applications/']");
        await Assertions.Expect(page.Locator(".answers dd").Nth(1)).ToHaveTextAsync("<img src=x onerror=alert(1)>");

        // Scores per criterion of the rubric, then the decision.
        await page.SelectOptionAsync("#score-0", "4");
        await page.SelectOptionAsync("#score-1", "3");
        await page.ClickAsync("form[action*='handler=score'] button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "done=scored");
        Assert.Contains("3.75", (await page.InnerTextAsync(".meta")).Replace(',', '.').Replace('٫', '.'));
        await Shot(page, "manager-application", language);
        await page.ClickAsync("form[action*='handler=decide'] input[value=true] ~ button");
        await Journeys.ExpectUrlAsync(page, "done=decided");
        await Assertions.Expect(page.Locator(".pill.status-admitted")).ToBeVisibleAsync();
        await HostApi.AssertAccessibleAsync(page);

        // The dashboard: the admitted startup's row, the charts drawn as SVG, the CSV export.
        await page.GotoAsync($"/manager/cohorts/{cohortId}/dashboard");
        await Assertions.Expect(page.Locator("table tbody th", new() { HasText = startupName })).ToBeVisibleAsync();
        // Activity and the funnel; revenue is drawn once there is some, and said to be none until then (not an axis of 0 to 4 MAD).
        var noRevenue = await page.Locator("#no-revenue").CountAsync();
        Assert.Equal(3 - noRevenue, await page.Locator("figure.chart svg[role=img]").CountAsync());
        Assert.True(await page.Locator("figure.chart polyline").CountAsync() >= 4);
        var csv = await page.APIRequest.GetAsync($"/manager/cohorts/{cohortId}/dashboard?handler=csv");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"]);
        Assert.Equal("no-store", csv.Headers["cache-control"]); // a cohort's figures stay in no cache
        Assert.Contains(startupName, await csv.TextAsync());
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "manager-dashboard", language);

        // Mentor assignment from the suggestions, with their reasons.
        await page.GotoAsync($"/manager/cohorts/{cohortId}/mentors");
        var suggestion = page.Locator(".suggestions > li", new() { HasText = mentorName });
        await Assertions.Expect(suggestion).ToBeVisibleAsync();
        Assert.True(await suggestion.Locator(".reasons li").CountAsync() > 0);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "manager-mentors", language);
        await suggestion.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "assigned=true");
        await Assertions.Expect(page.Locator(".card .meta", new() { HasText = mentorName })).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        Assert.Equal(0, dialogs);

        // The startup finds the cohort among its own, with its mentor's name, in its language; its call says admitted.
        var own = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, own, $"startup-{run}@example.ma");
        await own.GotoAsync("/startup/invitations");
        await Assertions.Expect(own.Locator("section[aria-labelledby=mine] li.card", new() { HasText = mentorName })).ToHaveCountAsync(1);
        await Assertions.Expect(own.Locator("section[aria-labelledby=calls] .pill.status-admitted")).ToHaveCountAsync(1);
        await HostApi.AssertTranslatedAsync(own);
        await HostApi.AssertAccessibleAsync(own);

        // Another institute's manager is told the cohort does not exist.
        var otherInstitute = await HostApi.InstituteAsync(host, run + "b");
        var otherEmail = $"other-{run}@example.ma";
        using var other = await HostApi.ManagerAsync(host, otherInstitute, otherEmail, language);
        var stranger = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, stranger, otherEmail);
        var response = await stranger.GotoAsync($"/manager/cohorts/{cohortId}/dashboard");
        Assert.Equal(404, response!.Status);
        Assert.Equal(404, (await stranger.APIRequest.GetAsync($"/manager/cohorts/{cohortId}/dashboard?handler=csv")).Status);
    }

    [Theory]
    [InlineData("fr")]
    public async Task A_manager_invites_a_startup_which_sees_the_invitation_in_its_language_joins_when_it_accepts_and_may_leave(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var startupName = $"Souss Invitée {run}";
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"manager-{run}@example.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        var startupEmail = $"startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup(startupName));

        // The manager finds the startup by a part of its name, typed without its accent, and invites it from the
        // results: the startup is listed as invited, not as a member.
        var page = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, page, managerEmail);
        await page.GotoAsync($"/manager/cohorts/{cohortId}");
        await page.FillAsync("#name", $"invitee {run}");
        await page.ClickAsync("form[role=search] button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "name=");
        var result = page.Locator(".found li", new() { HasText = startupName });
        await Assertions.Expect(result.Locator($"a[href='/startups/{startupId}']")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await result.Locator("form[action*='handler=member'] button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "invited=true");
        await Assertions.Expect(page.Locator("#invitations + ul li", new() { HasText = startupName })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".pill.status-invited")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "manager-invited", language);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/startups/{startupId}/kpis")).StatusCode);

        // The startup sees the invitation in its language and accepts.
        var own = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, own, startupEmail);
        await own.GotoAsync("/startup/invitations");
        Assert.Equal(language, await own.GetAttributeAsync("html", "lang"));
        await HostApi.AssertTranslatedAsync(own);
        await HostApi.AssertAccessibleAsync(own);
        await Shot(own, "startup-invitations", language);
        // The invitation names the institute that sends it.
        await Assertions.Expect(own.Locator("section[aria-labelledby=invitations] li.card").First).ToContainTextAsync($"Jazari Souss-Massa {run}");
        // The cohort's call is open too: invited, the startup is sent to the invitation, not asked to apply.
        var invitedCall = own.Locator("section[aria-labelledby=calls] li.card", new() { Has = own.Locator($"a[href='/startup/cohorts/{cohortId}']") });
        await Assertions.Expect(invitedCall.Locator("a[href='#invitations']")).ToHaveCountAsync(1);
        Assert.Equal(0, await invitedCall.Locator("a.button").CountAsync());
        // Declining is final: it is asked again first, and "not now" leaves the invitation waiting.
        await own.ClickAsync("button[formaction*='handler=decline']");
        await Journeys.ExpectUrlAsync(own, "confirm=");
        await Assertions.Expect(own.Locator("#confirm h4")).ToContainTextAsync("Cohorte Agadir 2027");
        await HostApi.AssertTranslatedAsync(own);
        await HostApi.AssertAccessibleAsync(own);
        await own.ClickAsync("#confirm a");
        await Assertions.Expect(own.Locator("#confirm")).ToHaveCountAsync(0);
        await own.ClickAsync("button[formaction*='handler=accept']");
        await Journeys.ExpectUrlAsync(own, "done=accepted");
        await Assertions.Expect(own.Locator("section[aria-labelledby=invitations] .pill.status-accepted")).ToBeVisibleAsync();
        await Assertions.Expect(own.Locator("section[aria-labelledby=mine] li.card")).ToHaveCountAsync(1); // among its cohorts

        // Now a member: on the cohort's page and open to its managers.
        await page.GotoAsync($"/manager/cohorts/{cohortId}");
        await Assertions.Expect(page.Locator("#members ~ ul li", new() { HasText = startupName })).ToBeVisibleAsync();
        await (await manager.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);

        // The startup may withdraw that consent: leaving is asked again first, says what it closes, and is final.
        await own.GotoAsync("/startup/invitations");
        await own.ClickAsync("section[aria-labelledby=mine] form[action*='handler=leave'] button");
        await Journeys.ExpectUrlAsync(own, "leave=");
        await Assertions.Expect(own.Locator("#leave h4")).ToContainTextAsync("Cohorte Agadir 2027");
        await HostApi.AssertTranslatedAsync(own);
        await HostApi.AssertAccessibleAsync(own);
        await own.ClickAsync("#leave button[type=submit]");
        await Journeys.ExpectUrlAsync(own, "done=left");
        await own.ReloadAsync();
        await Assertions.Expect(own.Locator("section[aria-labelledby=mine]")).ToHaveCountAsync(0);
        await Assertions.Expect(own.Locator("section[aria-labelledby=invitations] .pill")).ToHaveTextAsync("Acceptée, puis quittée");
        // Its call, still open, offers no application: only a new invitation brings it back.
        await Assertions.Expect(own.Locator("section[aria-labelledby=calls] li.card", new() { Has = own.Locator($"a[href='/startup/cohorts/{cohortId}']") })
            .Locator(".pill")).ToHaveTextAsync("Vous avez quitté cette cohorte");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/startups/{startupId}/kpis")).StatusCode);
        // Its managers see it left, on the dashboard, and no longer among the members.
        await page.GotoAsync($"/manager/cohorts/{cohortId}/dashboard");
        await Assertions.Expect(page.Locator("section[aria-labelledby=left] li")).ToContainTextAsync(startupName);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
    }

    [Theory]
    [InlineData("ar", "نبيع متاجر إلكترونية للتعاونيات.")]
    public async Task A_startup_finds_an_open_call_among_its_cohorts_and_applies_from_the_page(string language, string answer)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, $"manager-{run}@example.ma", language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        var started = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute, startsInDays: -1));
        var startupEmail = $"startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Coop Web {run}"));

        // The open call is listed under Cohorts with a button to apply; a cohort that started is not.
        var page = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, page, startupEmail);
        await page.GotoAsync("/startup/invitations");
        var call = page.Locator("#calls ~ ul li", new() { Has = page.Locator($"a[href='/startup/cohorts/{cohortId}']") });
        await Assertions.Expect(call).ToHaveCountAsync(1);
        // The last day to apply: the day before the cohort starts (30 days from now), in the page's language.
        var text = new Text(new Strings());
        text.Use(language);
        await Assertions.Expect(call).ToContainTextAsync(text.Format("calls.apply-by", text.Date(DateOnly.Parse(Incubation.Day(29)))));
        Assert.Equal(0, await page.Locator($"a[href='/startup/cohorts/{started}']").CountAsync());
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "startup-calls", language);
        await call.Locator("a.button").ClickAsync();
        await Journeys.ExpectUrlAsync(page, $"/startup/cohorts/{cohortId}$");

        // One answer a question; a missing answer is refused next to the form and nothing is sent.
        await page.FillAsync("#answer-0", answer);
        await page.FillAsync("#answer-1", "<b>PME du Souss</b>");
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "startup-apply", language);
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "done=applied");
        await Assertions.Expect(call.Locator(".pill.status-submitted")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);

        // The managers read the application with its answers as typed; the call page now shows its status.
        var applications = await (await manager.GetAsync($"/api/cohorts/{cohortId}/applications")).Json(HttpStatusCode.OK);
        var application = applications.EnumerateArray().Single();
        Assert.Equal(startupId, application.GetProperty("startupId").GetString());
        var read = await (await manager.GetAsync($"/api/cohorts/{cohortId}/applications/{application.GetProperty("id").GetString()}")).Json(HttpStatusCode.OK);
        Assert.Equal([answer, "<b>PME du Souss</b>"], read.GetProperty("answers").EnumerateArray().Select(a => a.GetString()));
        await page.GotoAsync($"/startup/cohorts/{cohortId}");
        await Assertions.Expect(page.Locator(".pill.status-submitted")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("textarea").CountAsync());

        // A cohort that started has no call to answer.
        Assert.Equal(404, (await page.GotoAsync($"/startup/cohorts/{started}"))!.Status);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("ar")]
    public async Task A_mentor_invited_to_evaluate_accepts_from_the_email_and_scores_an_application(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, $"manager-{run}@example.ma", language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef");
        var startupName = $"حلول أطلس {run}"; // an Arabic name inside a French page
        await startup.CreateAsync("/api/startups", Api.Startup(startupName));
        await startup.CreateAsync($"/api/cohorts/{cohortId}/applications", new { answers = new[] { "Des boutiques en ligne.", "Les coopératives." } });
        var mentorEmail = $"mentor-{run}@example.ma";
        using var mentor = await HostApi.SignUpAsync(host, "mentor", mentorEmail, "Salma", language);
        // The manager asks the mentor from the cohort's page (a manager on a phone has no API token).
        var managerPage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, managerPage, $"manager-{run}@example.ma");
        await managerPage.GotoAsync($"/manager/cohorts/{cohortId}");
        await managerPage.FillAsync("#evaluator-email", mentorEmail);
        await managerPage.ClickAsync("form[action*='handler=evaluator'] button[type=submit]");
        await Journeys.ExpectUrlAsync(managerPage, "evaluator=true");
        await Assertions.Expect(managerPage.Locator("section[aria-labelledby=evaluators] li", new() { HasText = mentorEmail }).Locator(".pill.status-invited")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(managerPage);
        await HostApi.AssertAccessibleAsync(managerPage);

        // The e-mail's link opens the page where the invitation is answered.
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(OutboxFiles.Emails(outbox, mentorEmail).Any(e => e.GetProperty("kind").GetString() == "evaluator-invitation")),
            "the invitation e-mailed");
        var text = OutboxFiles.Emails(outbox, mentorEmail).Single(e => e.GetProperty("kind").GetString() == "evaluator-invitation").GetProperty("text").GetString()!;
        var link = Regex.Match(text, @"https?://\S+/evaluations").Value;
        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, page, mentorEmail);
        await page.GotoAsync(link);
        var card = page.Locator($"#cohort-{cohortId}");
        await Assertions.Expect(card.Locator(".pill.status-invited")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator($"a[href^='/evaluations/{cohortId}/applications/']").CountAsync()); // nothing before accepting
        await HostApi.AssertTranslatedAsync(page);
        await card.Locator("button[formaction*='handler=accept']").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "done=accepted");
        await page.ReloadAsync();

        // The applications are listed under the cohort; the mentor opens one and scores it.
        await page.ClickAsync($"a[href^='/evaluations/{cohortId}/applications/']");
        await Assertions.Expect(page.Locator("h1 bdi")).ToHaveTextAsync(startupName);
        Assert.Equal(0, await page.Locator("form[action*='handler=decide']").CountAsync()); // the decision stays the managers'
        await page.SelectOptionAsync("#score-0", "4");
        await page.SelectOptionAsync("#score-1", "2");
        await page.ClickAsync("form[action*='handler=score'] button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "scored=true");
        await page.ReloadAsync();
        Assert.Equal(("4", "2"), (await page.InputValueAsync("#score-0"), await page.InputValueAsync("#score-1")));
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        var application = Assert.Single((await (await manager.GetAsync($"/api/cohorts/{cohortId}/applications")).Json(HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(1, application.GetProperty("scorecards").GetInt32());
    }

    [Theory]
    [InlineData("fr", "Karim Mentor", "Revue de la page de paiement et du plan marketing.")]
    public async Task A_mentor_logs_a_session_and_records_a_goal_of_an_assigned_startup(string language, string mentorName, string notes)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        mentorName = $"{mentorName} {run}";
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, $"manager-{run}@example.ma", language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Souss Web {run}"));
        var invitation = await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/members", new { startupId })).Json(HttpStatusCode.Accepted);
        (await startup.PostAsync($"/api/me/invitations/{invitation.GetProperty("invitationId").GetString()}/accept", null)).EnsureSuccessStatusCode();

        // The mentor signs up in the browser and describes their expertise.
        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignUpInBrowserAsync(host, page, "mentor", $"mentor-{run}@example.ma", mentorName);
        await page.GotoAsync("/mentor");
        await Shot(page, "mentor-empty", language);
        await page.ClickAsync("a[href='/mentor/profile']:not(nav a)");
        await page.FillAsync("#name", mentorName);
        await page.FillAsync("#expertise", "e-commerce, WooCommerce, marketing");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/mentor\\?profile=saved$");
        await Assertions.Expect(page.Locator("main .notice[role=status]")).ToBeVisibleAsync(); // saved, it says so

        // The manager assigns them (through the API, from the suggestions).
        var suggestions = await (await manager.GetAsync($"/api/cohorts/{cohortId}/mentors/suggestions?startupId={startupId}&top=50")).Json(HttpStatusCode.OK);
        var mentorId = suggestions.EnumerateArray().Single(s => s.GetProperty("name").GetString() == mentorName).GetProperty("mentorId").GetString();
        (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/mentors", new { mentorId, startupId })).EnsureSuccessStatusCode();

        // The startup is on the mentor's page with its cohort goal; the mentor opens it and logs a session.
        await page.ReloadAsync();
        var card = page.Locator("li.card", new() { Has = page.Locator($"a[href='/mentor/startups/{startupId}']") });
        await Assertions.Expect(card.Locator(".goal")).ToHaveCountAsync(1);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "mentor-startups", language);
        await card.Locator($"a[href='/mentor/startups/{startupId}']").ClickAsync();
        await Journeys.ExpectUrlAsync(page, $"/mentor/startups/{startupId}");

        await page.FillAsync("#minutes", "45");
        await page.FillAsync("#notes", notes);
        await page.FillAsync("#next", "<b>Mettre en ligne</b>");
        await page.ClickAsync("#log ~ form button[type=submit], section[aria-labelledby=log] button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "logged=true");
        var session = page.Locator(".session").First;
        await Assertions.Expect(session).ToContainTextAsync(notes);
        await Assertions.Expect(session).ToContainTextAsync("<b>Mettre en ligne</b>");

        // The date is typed as day, month (named in the page's language) and year. A future date is refused next to
        // the field, and nothing is logged; so is a day the month does not have (typed in Arabic digits), shown back as typed.
        var future = DateTime.UtcNow.AddDays(3);
        await page.FillAsync("#date-day", future.Day.ToString(CultureInfo.InvariantCulture));
        await page.SelectOptionAsync("#date-month", future.Month.ToString("00", CultureInfo.InvariantCulture));
        await page.FillAsync("#date-year", future.Year.ToString(CultureInfo.InvariantCulture));
        await page.FillAsync("#notes", "Une séance qui n'a pas encore eu lieu.");
        await page.ClickAsync("section[aria-labelledby=log] button[type=submit]");
        await Assertions.Expect(page.Locator("#date .error")).ToBeVisibleAsync();
        Assert.Equal(1, await page.Locator(".session").CountAsync());
        await page.FillAsync("#date-day", "٣١");
        await page.SelectOptionAsync("#date-month", "02");
        await page.ClickAsync("section[aria-labelledby=log] button[type=submit]");
        await Assertions.Expect(page.Locator("#date .error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#date-day")).ToHaveValueAsync("31");
        await Assertions.Expect(page.Locator("#date-month option:checked")).ToHaveTextAsync(language == "ar" ? "فبراير" : "février");
        Assert.Equal(1, await page.Locator(".session").CountAsync());

        // The goal's progress today.
        var goal = page.Locator("section[aria-labelledby=goals] li.card").First;
        await goal.Locator("input[name=value]").FillAsync("2");
        await goal.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "recorded=.*#goal-");
        await Assertions.Expect(goal.Locator(".notice[role=status]")).ToBeVisibleAsync(); // recorded, beside the goal
        Assert.Equal("40", await page.Locator("section[aria-labelledby=goals] progress").First.GetAttributeAsync("value"));
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "mentor-startup", language);

        // The startup records where the goal stands on its own page, dated two days ago in the three date fields.
        var own = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, own, $"startup-{run}@example.ma");
        await own.GotoAsync("/startup/goals");
        var form = own.Locator("li.card form").First;
        async Task RecordAsync(long value, DateOnly on)
        {
            await form.Locator("input[name=value]").FillAsync(value.ToString(CultureInfo.InvariantCulture));
            await form.Locator("input[name='date.Day']").FillAsync(on.Day.ToString(CultureInfo.InvariantCulture));
            await form.Locator("select[name='date.Month']").SelectOptionAsync(on.Month.ToString("00", CultureInfo.InvariantCulture));
            await form.Locator("input[name='date.Year']").FillAsync(on.Year.ToString(CultureInfo.InvariantCulture));
            // The page again: after the redirect when recorded, the refusal itself otherwise. What follows waits for what
            // that page shows (a load-state wait here once never returned under a loaded machine, the page long there).
            await own.RunAndWaitForResponseAsync(() => form.Locator("button[type=submit]").ClickAsync(),
                r => r.Request.ResourceType == "document" && r.Status == 200 && r.Url.Contains("/startup/goals"));
        }
        var later = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);
        await RecordAsync(3, later); // refused beside that goal's date, shown back as typed
        await Assertions.Expect(form.Locator(".date .error")).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("input[name='date.Day']")).ToHaveValueAsync(later.Day.ToString("00", CultureInfo.InvariantCulture));
        await Assertions.Expect(form.Locator("input[name=value]")).ToHaveValueAsync("3");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
        await RecordAsync(3, day);
        await Assertions.Expect(own.Locator(".error")).ToHaveCountAsync(0);
        await Assertions.Expect(own.Locator("li.card .notice[role=status]")).ToHaveCountAsync(1); // said saved, beside its goal
        var goals = await (await startup.GetAsync($"/api/startups/{startupId}/goals")).Json(HttpStatusCode.OK);
        var progress = goals.EnumerateArray().First().GetProperty("progress").EnumerateArray()
            .Select(p => (p.GetProperty("on").GetString(), p.GetProperty("value").GetInt32())).ToList();
        Assert.Equal(2, progress.Count);
        Assert.Equal((day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 3), progress[0]);
        Assert.Equal(2, progress[1].Item2); // the mentor's value of today stays the latest

        // The startup sees the session in its follow-up (the same grains as the API).
        var sessions = await (await startup.GetAsync($"/api/startups/{startupId}/sessions")).Json(HttpStatusCode.OK);
        Assert.Equal(notes, sessions.EnumerateArray().Single().GetProperty("notes").GetString());
        Assert.Equal(45, sessions.EnumerateArray().Single().GetProperty("minutes").GetInt32());

        // On its Cohorts page: its cohort with the mentor's name, and the session's notes and next steps, which it rates.
        await own.GotoAsync("/startup/invitations");
        var mine = own.Locator("section[aria-labelledby=mine] li.card");
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(mine).ToContainTextAsync(mentorName);
        var held = own.Locator("section[aria-labelledby=sessions] .session");
        await Assertions.Expect(held).ToHaveCountAsync(1);
        await Assertions.Expect(held).ToContainTextAsync(notes);
        await Assertions.Expect(held).ToContainTextAsync("<b>Mettre en ligne</b>");
        await Assertions.Expect(held).ToContainTextAsync(mentorName);
        await HostApi.AssertTranslatedAsync(own);
        await HostApi.AssertAccessibleAsync(own);
        await Shot(own, "startup-cohorts", language);
        // Its cohort's call, still open, says it is a member rather than offering to apply.
        var call = own.Locator("section[aria-labelledby=calls] li.card", new() { Has = own.Locator($"a[href='/startup/cohorts/{cohortId}']") });
        await Assertions.Expect(call.Locator(".pill")).ToHaveTextAsync(language == "ar" ? "عضو" : "Membre");
        await Assertions.Expect(call.Locator("a.button")).ToHaveCountAsync(0);
        await held.Locator("select[name=stars]").SelectOptionAsync("4");
        await held.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(own, "done=rated");
        await Assertions.Expect(own.Locator(".notice")).ToBeVisibleAsync();
        await own.ReloadAsync();
        await Assertions.Expect(held.Locator("select[name=stars] option:checked")).ToHaveAttributeAsync("value", "4");
        Assert.Equal(4, (await (await startup.GetAsync($"/api/startups/{startupId}/sessions")).Json(HttpStatusCode.OK)).EnumerateArray().Single().GetProperty("rating").GetInt32());

        // The mentor sees the rating beside the session.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".session").First).ToContainTextAsync(language == "ar" ? "4 / 5" : "notée 4 / 5");
    }

    private static Task Shot(IPage page, string name, string language) => BrowserHost.ScreenshotAsync(page, $"{name}-{language}");
}
