using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// An expert opinion in the browser, in French: the SME asks on its need's page about a bid, the institute's manager
/// assigns the mentor suggested, the mentor gives fit, price and risks, and the SME reads them beside the bids. The
/// institute, the need and the bid are set up through the API. In Arabic, the same on a delivered milestone: the SME
/// asks on the engagement page, the manager assigns from the queue, the mentor answers on the milestone (its title,
/// amount and delivery note), and the SME reads the opinion beside the milestone.
/// </summary>
[Collection(BrowserCollection.Name)] // the second queue took the newer page tests
public sealed partial class ExpertReviewPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task The_sme_asks_the_manager_assigns_the_mentor_answers_and_the_sme_reads_the_opinion()
    {
        const string language = "fr";
        var run = Guid.NewGuid().ToString("N")[..8];
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"manager-{run}@jazari.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme("Souss-Massa"));
        var needId = await sme.CreateAsync("/api/needs", Api.Need(region: "Souss-Massa", title: $"Huile d'argan en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var founder = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef", language);
        await founder.CreateAsync("/api/startups", Api.Startup($"Atlas Web {run}"));
        await founder.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var mentorEmail = $"mentor-{run}@example.ma";
        using var mentor = await HostApi.SignUpAsync(host, "mentor", mentorEmail, "Salma", language);
        var mentorName = $"Salma Idrissi {run}";
        var mentorId = await mentor.CreateAsync("/api/mentors", new { name = mentorName, expertise = new[] { "ecommerce", "woocommerce", "argan" }, languages = new[] { "fr" }, capacity = 2 });
        // Suggested as an expert, a mentor the institute works with: it follows another startup of one of its cohorts.
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        using var followed = await HostApi.SignUpAsync(host, "startup", $"followed-{run}@example.ma", "Omar", language);
        var followedId = await followed.CreateAsync("/api/startups", Api.Startup($"Suivie {run}"));
        var invitation = await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/members", new { startupId = followedId })).Json(HttpStatusCode.Accepted);
        (await followed.PostAsync($"/api/me/invitations/{invitation.GetProperty("invitationId").GetString()}/accept", null)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/mentors", new { mentorId, startupId = followedId })).EnsureSuccessStatusCode();

        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync($"/sme/needs/{needId}");
        await smePage.ClickAsync($"section.expert-reviews a[href='/sme/needs/{needId}/expert-review']");
        const string question = "Le prix est-il juste pour une boutique WooCommerce ?";
        await smePage.FillAsync("#question", question);
        await smePage.ClickAsync("form.form button[type=submit]"); // no bid ticked: refused, the question typed kept
        await Assertions.Expect(smePage.Locator("fieldset .error")).ToBeVisibleAsync();
        await Assertions.Expect(smePage.Locator("#question")).ToHaveValueAsync(question);
        await smePage.CheckAsync("input[name=bidIds]");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await smePage.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(smePage, url => ReviewUrl().IsMatch(url));
        var reviewId = ReviewUrl().Match(smePage.Url).Groups[1].Value;
        await Assertions.Expect(smePage.Locator(".pill.status-requested")).ToContainTextAsync("En attente d'un mentor");

        var managerPage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, managerPage, managerEmail);
        await HostApi.OpenMenuAsync(managerPage); // folded on a phone
        await managerPage.ClickAsync("nav a[href='/expert-reviews']");
        await managerPage.ClickAsync($"a[href='/expert-reviews/{reviewId}']");
        var suggestion = managerPage.Locator("li.card", new() { HasText = mentorName });
        await HostApi.AssertTranslatedAsync(managerPage);
        await HostApi.AssertAccessibleAsync(managerPage);
        await BrowserHost.ScreenshotAsync(managerPage, $"expert-review-assign-{language}");
        await suggestion.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(managerPage.Locator(".pill.status-assigned")).ToContainTextAsync("Mentor désigné");

        var mentorPage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, mentorPage, mentorEmail);
        await mentorPage.GotoAsync($"/expert-reviews/{reviewId}");
        await mentorPage.SelectOptionAsync("#o-0-fit", "5");
        await mentorPage.SelectOptionAsync("#o-0-price", "3");
        await mentorPage.SelectOptionAsync("#o-0-risks", "4");
        await mentorPage.FillAsync("#o-0-notes", "Équipe solide ; prix un peu haut pour le catalogue prévu.");
        await HostApi.AssertTranslatedAsync(mentorPage);
        await HostApi.AssertAccessibleAsync(mentorPage);
        await BrowserHost.ScreenshotAsync(mentorPage, $"expert-review-opinion-{language}");
        await mentorPage.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(mentorPage.Locator(".pill.status-answered")).ToContainTextAsync("Avis donné");

        await smePage.GotoAsync($"/sme/needs/{needId}");
        var section = smePage.Locator("section.expert-reviews");
        await Assertions.Expect(section).ToContainTextAsync("Avis donné");
        await Assertions.Expect(section).ToContainTextAsync("5 sur 5");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await smePage.ClickAsync($"section.expert-reviews a[href='/expert-reviews/{reviewId}']");
        await Assertions.Expect(smePage.Locator("main")).ToContainTextAsync("prix un peu haut");
        await BrowserHost.ScreenshotAsync(smePage, $"expert-review-read-{language}");
    }

    [Fact]
    public async Task The_sme_asks_on_a_delivered_milestone_and_reads_the_opinion_beside_it_in_arabic()
    {
        const string language = "ar";
        var run = Guid.NewGuid().ToString("N")[..8];
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"manager-{run}@jazari.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "فاطمة", language);
        await sme.CreateAsync("/api/smes", Api.Sme("Souss-Massa"));
        var needId = await sme.CreateAsync("/api/needs", Api.Need(region: "Souss-Massa", title: $"متجر إلكتروني لزيت الأركان {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "يوسف", language);
        await startup.CreateAsync("/api/startups", Api.Startup($"Atlas Web {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await EngagementAsync(sme, needId);
        var funding = await (await sme.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        using var admin = HostApi.Admin(host);
        await (await admin.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = funding.GetProperty("amountMinor").GetInt64(), bankReference = $"BOA-{run}" })).Json(HttpStatusCode.OK);
        await (await startup.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/deliver", new { note = "تم تسليم النماذج والكتالوج.", links = Array.Empty<string>() }))
            .Json(HttpStatusCode.OK);
        var mentorEmail = $"mentor-{run}@example.ma";
        using var mentor = await HostApi.SignUpAsync(host, "mentor", mentorEmail, "سلمى", language);
        var mentorId = await mentor.CreateAsync("/api/mentors", new { name = $"سلمى الإدريسي {run}", expertise = new[] { "ecommerce" }, languages = new[] { "ar" }, capacity = 2 });

        // The SME asks beside the delivered milestone; the request's status stays there after a reload.
        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync($"/engagements/{needId}");
        var opinions = smePage.Locator("#m0 section.expert-reviews");
        await opinions.Locator("summary").ClickAsync();
        await smePage.FillAsync("#xrev-question-0", "هل يطابق التسليم ما اتفقنا عليه؟");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await opinions.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(smePage, "done=expert-review");
        await smePage.ReloadAsync();
        await Assertions.Expect(opinions.Locator(".pill.status-requested")).ToContainTextAsync("في انتظار مؤطر");
        Assert.Equal(0, await opinions.Locator("form").CountAsync()); // asked once: no second request
        var reviewId = ReviewUrl().Match(await opinions.Locator("a[href^='/expert-reviews/']").GetAttributeAsync("href") ?? "").Groups[1].Value;

        // The manager finds it in the queue, named by the milestone, and finds a mentor by name (no id to know).
        var managerPage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, managerPage, managerEmail);
        await managerPage.GotoAsync("/expert-reviews");
        await Assertions.Expect(managerPage.Locator("li.card", new() { HasText = $"متجر إلكتروني لزيت الأركان {run}" })).ToContainTextAsync("Maquettes et catalogue");
        await managerPage.ClickAsync($"a[href='/expert-reviews/{reviewId}']");
        await managerPage.FillAsync("#mentor-name", $"الادريسي {run}"); // typed without the hamza: found all the same
        await managerPage.ClickAsync("#find button[type=submit]");
        var found = managerPage.Locator("#find + ul li.card");
        await Assertions.Expect(found).ToHaveCountAsync(1);
        await Assertions.Expect(found).ToContainTextAsync($"سلمى الإدريسي {run}");
        Assert.Equal(mentorId, await found.Locator("input[name=mentorId]").InputValueAsync());
        await HostApi.AssertTranslatedAsync(managerPage);
        await found.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(managerPage.Locator(".pill.status-assigned")).ToContainTextAsync("تم تعيين مؤطر");
        await Assertions.Expect(managerPage.Locator("p.meta").First).ToContainTextAsync($"سلمى الإدريسي {run} · "); // the mentor, then the due date

        // The mentor reads the milestone (title, amount, delivery note) and answers.
        var mentorPage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, mentorPage, mentorEmail);
        await mentorPage.GotoAsync($"/expert-reviews/{reviewId}");
        await Assertions.Expect(mentorPage.Locator("form.form fieldset")).ToContainTextAsync("Maquettes et catalogue");
        await Assertions.Expect(mentorPage.Locator("form.form fieldset")).ToContainTextAsync("تم تسليم النماذج والكتالوج.");
        await mentorPage.SelectOptionAsync("#o-0-fit", "4");
        await mentorPage.SelectOptionAsync("#o-0-price", "3");
        await mentorPage.SelectOptionAsync("#o-0-risks", "5");
        await mentorPage.FillAsync("#o-0-notes", "النماذج مطابقة؛ يبقى إتمام الكتالوج.");
        await HostApi.AssertTranslatedAsync(mentorPage);
        await HostApi.AssertAccessibleAsync(mentorPage);
        await BrowserHost.ScreenshotAsync(mentorPage, $"expert-review-milestone-opinion-{language}");
        await mentorPage.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(mentorPage.Locator(".pill.status-answered")).ToContainTextAsync("تم تقديم الرأي");
        await Assertions.Expect(mentorPage.Locator(".notice[role=status] a[href='/expert-reviews']")).ToHaveCountAsync(1); // sent, and what else waits
        // A mentor's e-mails ask it to act: its preferences page offers none of the SMEs' and startups' kinds.
        await mentorPage.GotoAsync("/account/notifications");
        Assert.Equal(0, await mentorPage.Locator("input[type=radio]").CountAsync());
        await Assertions.Expect(mentorPage.Locator("main")).ToContainTextAsync("تصل دائماً");

        // The SME reads it beside the milestone, after a reload.
        await smePage.GotoAsync($"/engagements/{needId}");
        await smePage.ReloadAsync();
        await Assertions.Expect(opinions.Locator(".pill.status-answered")).ToContainTextAsync("تم تقديم الرأي");
        await Assertions.Expect(opinions).ToContainTextAsync("4 من 5");
        await Assertions.Expect(opinions).ToContainTextAsync("يبقى إتمام الكتالوج");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await BrowserHost.ScreenshotAsync(smePage, $"engagement-expert-review-{language}");
    }

    /// <summary>The engagement, once the award has created it (a job may still be on it).</summary>
    private static async Task<JsonElement> EngagementAsync(HttpClient sme, string needId)
    {
        for (var tries = 0; ; tries++)
        {
            var response = await sme.GetAsync($"/api/needs/{needId}/engagement");
            if (response.StatusCode == HttpStatusCode.OK || tries >= 100) return await response.Json(HttpStatusCode.OK);
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"/expert-reviews/(xrev-[0-9a-f]+)$")]
    private static partial Regex ReviewUrl();
}
