using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The steps around a need that a first-time SME meets: a startup's page opened from its bid (offering, reviews,
/// rating, a Write link); a draft edited before publishing; cancelling and releasing money only after a
/// confirmation that says what will happen (a single post does nothing). Set up through the API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NeedStepsPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar")]
    public async Task A_startup_page_opened_from_a_bid_shows_its_offering_and_reviews(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var startupEmail = $"startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef");
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));

        // A first SME worked with the startup and reviewed it; both reviews written, they are revealed.
        var firstEmail = $"sme-a-{run}@example.ma";
        using var first = await HostApi.SignUpAsync(host, "sme", firstEmail, "Fatima");
        await first.CreateAsync("/api/smes", Api.Sme());
        var done = await OpenNeedAsync(first, $"Site vitrine {run}");
        var bid = await startup.CreateAsync($"/api/needs/{done}/bids", Api.Bid());
        (await first.PostAsync($"/api/needs/{done}/bids/{bid}/accept", null)).EnsureSuccessStatusCode();
        await HostApi.CompleteEngagementAsync(host, firstEmail, startupEmail, done);
        var comment = $"Travail soigné et livré à temps {run}";
        await first.CreateAsync($"/api/needs/{done}/reviews", new { quality = 5, timeliness = 4, communication = 5, comment });
        await startup.CreateAsync($"/api/needs/{done}/reviews", new { quality = 5, timeliness = 5, communication = 5, comment = "Client clair." });
        for (var tries = 0; (await (await startup.GetAsync($"/api/startups/{startupId}/reviews")).Json(HttpStatusCode.OK)).GetProperty("total").GetInt32() == 0; tries++)
        {
            Assert.True(tries < 150, "The review was not revealed.");
            await Task.Delay(200);
        }

        // A second SME gets a bid from the startup and opens its page from the bids.
        var smeEmail = $"sme-b-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Karim", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await OpenNeedAsync(sme, $"Boutique en ligne {run}");
        await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, page, smeEmail);
        await page.GotoAsync($"/sme/needs/{needId}");
        await page.ClickAsync($"table.compare a[href^='/startups/{startupId}']");
        await Journeys.ExpectUrlAsync(page, $"/startups/{startupId}");
        Assert.Equal($"Web Atlas {run}", (await page.InnerTextAsync("#startup-name")).Trim());
        await Assertions.Expect(page.Locator("section[aria-labelledby=startup-reviews] article")).ToContainTextAsync(comment);
        await Assertions.Expect(page.Locator($"a[href='/messages/new?needId={needId}&startupId={startupId}']")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, $"startup-page-{language}");
        // Write: the message form says to whom it goes.
        await page.ClickAsync($"a[href='/messages/new?needId={needId}&startupId={startupId}']");
        await Assertions.Expect(page.Locator("#recipient")).ToContainTextAsync($"Web Atlas {run}");
        await HostApi.AssertTranslatedAsync(page);
    }

    [Fact]
    public async Task An_imported_needs_sme_without_an_account_is_said_and_takes_the_need_over_once_signed_up_with_its_address()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var deadline = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");
        var catalogue = new
        {
            smes = new[]
            {
                new { id = $"sme-cat-{run}", name = "Coopérative importée", sector = "food", city = "Fes", region = "Fes-Meknes", employees = 3, languages = new[] { "fr" },
                      contactEmail = $"contact-{run}@cooperative.ma" },
            },
            needs = new[]
            {
                new
                {
                    id = $"need-cat-{run}", smeId = $"sme-cat-{run}", title = $"Boutique importée {run}", description = "Une boutique en ligne venue du catalogue d'un partenaire.",
                    category = "ecommerce", budgetMinMad = 5000, budgetMaxMad = 9000, deadline, region = "Fes-Meknes", remoteOk = true, language = "fr",
                },
            },
        };
        using var admin = HostApi.Admin(host);
        (await admin.PostAsJsonAsync("/api/admin/import", catalogue)).EnsureSuccessStatusCode();
        var email = $"startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", email, "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var page = await host.NewPageAsync("fr");
        await HostApi.SignInAsync(host, page, email);

        // The page does not promise that the SME is told or can be written to: it has no account to do either.
        await page.GotoAsync($"/startup/needs/need-cat-{run}");
        await Assertions.Expect(page.Locator("#what-next")).ToContainTextAsync("sa PME n'a pas de compte sur la plateforme");
        await Assertions.Expect(page.Locator($"a[href^='/messages/new']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#price")).ToBeVisibleAsync(); // a bid may still be made
        await page.GotoAsync($"/startup/needs/need-cat-{run}?sent=true"); // where a bid sent lands: it does not say the SME is told
        await Assertions.Expect(page.Locator("#sent")).ToContainTextAsync("elle n'est pas prévenue");

        // The SME signs up with the address the catalogue gives: its first page offers its profile, which it takes over,
        // and the imported need is among its needs. The startup's page then speaks of it as of any need.
        var smePage = await host.NewPageAsync("fr");
        await HostApi.SignUpInBrowserAsync(host, smePage, "sme", $"contact-{run}@cooperative.ma", "Fatima");
        await smePage.GotoAsync("/sme");
        await Assertions.Expect(smePage.Locator("#listed")).ToContainTextAsync("Coopérative importée");
        await Assertions.Expect(smePage.Locator("#listed")).ToContainTextAsync("a apporté ce profil"); // one profile, said in the singular
        await Assertions.Expect(smePage.Locator("main")).ToContainTextAsync("Ou créez votre profil ci-dessous");
        await HostApi.AssertAccessibleAsync(smePage);
        await smePage.ClickAsync("#listed button[type=submit]");
        await Assertions.Expect(smePage.Locator("#claimed")).ToBeVisibleAsync();
        await Assertions.Expect(smePage.Locator("#name")).ToHaveValueAsync("Coopérative importée");
        await smePage.GotoAsync("/sme");
        await Assertions.Expect(smePage.Locator("main")).ToContainTextAsync($"Boutique importée {run}");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#what-next")).ToContainTextAsync("La PME est prévenue aussitôt");
        await Assertions.Expect(page.Locator($"a[href='/messages/new?needId=need-cat-{run}']")).ToHaveCountAsync(1);
        // A need posted by an SME with an account keeps the usual line and the Write link.
        using var sme = await HostApi.SignUpAsync(host, "sme", $"sme-{run}@example.ma", "Fatima");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var posted = await OpenNeedAsync(sme, $"Site vitrine {run}");
        await page.GotoAsync($"/startup/needs/{posted}");
        await Assertions.Expect(page.Locator("#what-next")).ToContainTextAsync("La PME est prévenue aussitôt");
        await Assertions.Expect(page.Locator($"a[href='/messages/new?needId={posted}']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_draft_is_edited_and_cancelling_asks_first()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Brouillon {run}"));
        var page = await host.NewPageAsync("fr", bypassCsp: true);
        await HostApi.SignInAsync(host, page, smeEmail);

        await page.GotoAsync($"/sme/needs/{needId}");
        await Assertions.Expect(page.Locator("#what-next")).ToBeVisibleAsync();
        // Its deadline is 90 days away: the page says, before publishing, the day it would close if published now.
        var capped = Jazari.Marketplace.Web.Languages.Formats.For("fr").Date(Jazari.Marketplace.Web.Languages.Formats.Today(DateTimeOffset.UtcNow.AddDays(30)));
        await Assertions.Expect(page.Locator("#draft-capped")).ToContainTextAsync(capped.Replace('\u00a0', ' '));
        await page.ClickAsync("#edit-draft");
        await Assertions.Expect(page.Locator("#title")).ToHaveValueAsync($"Brouillon {run}");
        await page.FillAsync("#title", $"Boutique et stock {run}");
        await HostApi.AssertAccessibleAsync(page);
        await page.ClickAsync("button[name=publish][value=false]");
        await Journeys.ExpectUrlAsync(page, $"/sme/needs/{needId}$");
        Assert.Equal($"Boutique et stock {run}", await page.TextContentAsync("#need-title"));
        Assert.Equal("draft", await StatusAsync(sme, needId));

        // Cancelling: the first post only asks; the confirmation cancels.
        await page.ClickAsync("form.ask-cancel button");
        await Assertions.Expect(page.Locator("section#confirm")).ToBeVisibleAsync();
        Assert.Equal("draft", await StatusAsync(sme, needId));
        await HostApi.AssertAccessibleAsync(page);
        await page.ClickAsync("section#confirm button[type=submit]");
        await Journeys.ExpectUrlAsync(page, $"/sme/needs/{needId}$");
        Assert.Equal("cancelled", await StatusAsync(sme, needId));
    }

    [Fact]
    public async Task Approving_a_delivery_shows_what_is_released_before_releasing_it()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await OpenNeedAsync(sme, $"Boutique {run}");
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await EngagementAsync(sme, needId);
        var funding = await (await sme.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        using var admin = HostApi.Admin(host);
        await (await admin.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = funding.GetProperty("amountMinor").GetInt64(), bankReference = $"BOA-{run}" })).Json(HttpStatusCode.OK);
        await (await startup.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/deliver", new { note = "Maquettes livrées.", links = Array.Empty<string>() })).Json(HttpStatusCode.OK);

        var page = await host.NewPageAsync("fr", bypassCsp: true);
        await HostApi.SignInAsync(host, page, smeEmail);
        await page.GotoAsync($"/engagements/{needId}");
        await Assertions.Expect(page.Locator("#what-next")).ToContainTextAsync("Maquettes et catalogue");
        await page.ClickAsync("#m0 form.ask-approve button");
        var confirm = page.Locator("section#confirm");
        await Assertions.Expect(confirm).ToContainTextAsync($"Web Atlas {run}");
        Assert.Equal("delivered", await MilestoneAsync(sme, needId));
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, "approve-confirm-fr");
        // Asking is a plain page: a reload shows the same question and releases nothing.
        await page.ReloadAsync();
        await Assertions.Expect(confirm).ToContainTextAsync($"Web Atlas {run}");
        Assert.Equal("delivered", await MilestoneAsync(sme, needId));
        await confirm.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "done=approved");
        Assert.Contains(await MilestoneAsync(sme, needId), new[] { "approved", "released" });
        // Its release follows by itself: the next step is the next milestone's, to fund.
        await Assertions.Expect(page.Locator("#what-next")).ToContainTextAsync("Mise en ligne et formation");
        // Back from the result lands on the question's page, which now says there is nothing to approve (the browser's
        // "Confirm form resubmission" dead end was the answer to a post).
        var back = await page.GoBackAsync();
        Assert.True(back is { Ok: true }, back?.Status.ToString());
        await Assertions.Expect(page.Locator("section#confirm")).ToHaveCountAsync(0);
    }

    private static async Task<string> OpenNeedAsync(HttpClient sme, string title)
    {
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: title));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        return needId;
    }

    private static async Task<string?> StatusAsync(HttpClient sme, string needId) =>
        (await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString();

    private static async Task<string?> MilestoneAsync(HttpClient sme, string needId) =>
        (await EngagementAsync(sme, needId)).GetProperty("milestones")[0].GetProperty("status").GetString();

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
}
