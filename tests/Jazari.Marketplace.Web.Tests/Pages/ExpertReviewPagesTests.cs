using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// An expert opinion in the browser, in French: the SME asks on its need's page about a bid, the institute's manager
/// assigns the mentor suggested, the mentor gives fit, price and risks, and the SME reads them beside the bids. The
/// institute, the need and the bid are set up through the API.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class ExpertReviewPagesTests(BrowserHost host)
{
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
        await mentor.CreateAsync("/api/mentors", new { name = mentorName, expertise = new[] { "ecommerce", "woocommerce", "argan" }, languages = new[] { "fr" }, capacity = 2 });

        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync($"/sme/needs/{needId}");
        await smePage.ClickAsync($"section.expert-reviews a[href='/sme/needs/{needId}/expert-review']");
        await smePage.CheckAsync("input[name=bidIds]");
        await smePage.FillAsync("#question", "Le prix est-il juste pour une boutique WooCommerce ?");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await smePage.ClickAsync("form.form button[type=submit]");
        await smePage.WaitForURLAsync(ReviewUrl(), Journeys.Loaded);
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

    [GeneratedRegex(@"/expert-reviews/(xrev-[0-9a-f]+)$")]
    private static partial Regex ReviewUrl();
}
