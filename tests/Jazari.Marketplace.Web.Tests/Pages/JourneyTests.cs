using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The marketplace's core journey in the browser, in Arabic and in French: an SME signs up and posts a need,
/// a startup signs up, onboards, finds the need among its matches and bids (the milestone builder refuses a
/// wrong sum), and the SME compares the bids side by side and accepts (after a confirmation that states the price and
/// the fee: the first click alone awards nothing). Screenshots and axe on each main page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class JourneyTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar", "متجر إلكتروني لزيت الأركان", "نريد متجراً إلكترونياً لبيع زيت الأركان مع الدفع بالبطاقة والتوصيل في كل المغرب.", "حلول رقمية", "ننجز المتاجر الإلكترونية للمقاولات الصغرى: ووكومرس، شوبيفاي، الدفع الإلكتروني.")]
    public async Task An_sme_posts_a_need_a_startup_bids_and_the_sme_accepts(string language, string title, string description, string startupName, string offering)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        title = $"{title} {run}";
        startupName = $"{startupName} {run}";

        // The SME signs up, describes the company and publishes a need.
        var sme = await host.NewPageAsync(language, bypassCsp: true);
        await Journeys.SignUpAsync(host, sme, "sme", $"sme-{run}@example.ma", "Fatima");
        Assert.Equal(language, await sme.GetAttributeAsync("html", "lang"));
        await Journeys.SmeProfileAsync(sme, $"Argan Souss {run}");
        await sme.GotoAsync("/sme/needs/new");
        await Assertions.Expect(sme.Locator("nav a[aria-current=page]")).ToHaveAttributeAsync("href", "/sme/needs/new"); // the menu marks where you are
        await Shot(sme, "post-need-categories", language);
        var needId = await Journeys.PostNeedAsync(sme, title, description);
        Assert.Equal(title, await sme.TextContentAsync("#need-title"));

        // The startup signs up, describes its offering, finds the need among its matches, with reasons.
        var startup = await host.NewPageAsync(language, bypassCsp: true);
        await Journeys.SignUpAsync(host, startup, "startup", $"startup-{run}@example.ma", "Youssef");
        await Journeys.StartupProfileAsync(startup, startupName, offering);
        var match = startup.Locator("li.card", new() { Has = startup.Locator($"a[href='/startup/needs/{needId}']") });
        await Assertions.Expect(match).ToBeVisibleAsync();
        Assert.True(await match.Locator(".reasons li").CountAsync() > 0);
        // Reasons about the need, not the startup's own reviews ("new on the marketplace, no reviews yet" is the SME's to read).
        await Assertions.Expect(match.Locator(".reasons")).Not.ToContainTextAsync(language switch { "ar" => "تقييم", "fr" => "avis", _ => "review" });
        await Shot(startup, "startup-matches", language);

        // The bid: the milestone builder adds a row without JavaScript and refuses milestones that do not add up.
        await match.Locator("a").ClickAsync();
        await Journeys.ExpectUrlAsync(startup, $"/startup/needs/{needId}");
        await startup.ClickAsync("button[formaction*='handler=addrow']");
        await Assertions.Expect(startup.Locator(".milestone")).ToHaveCountAsync(4);
        await startup.FillAsync("#price", "20000");
        await startup.FillAsync("#duration", "30");
        await startup.FillAsync("#proposal", offering);
        await startup.FillAsync("#m0-title", "Maquettes");
        await startup.FillAsync("#m0-amount", "8000");
        await startup.FillAsync("#m0-due", "10");
        await startup.FillAsync("#m1-title", "Boutique en ligne");
        await startup.FillAsync("#m1-amount", "10000");
        await startup.FillAsync("#m1-due", "30");
        await startup.ClickAsync("form.form > button[type=submit]");
        await Assertions.Expect(startup.Locator("#milestone-sum.error")).ToBeVisibleAsync();
        await Assertions.Expect(startup.Locator(".milestone")).ToHaveCountAsync(4);
        Assert.DoesNotContain("sent=true", startup.Url);
        await Shot(startup, "bid-form", language);
        await startup.FillAsync("#m1-amount", "12000");
        // Enter in a field (a phone's Go key) sends the offer, not the "add a milestone" button placed before it.
        await startup.PressAsync("#m1-amount", "Enter");
        await Journeys.ExpectUrlAsync(startup, "sent=true");
        await Assertions.Expect(startup.Locator("#my-bid .status-submitted")).ToBeVisibleAsync();

        // The SME sees the bid side by side with its match reasons and rating, and accepts it.
        await sme.GotoAsync($"/sme/needs/{needId}");
        var bids = sme.Locator("table.compare");
        await Assertions.Expect(bids).ToContainTextAsync(startupName);
        await Assertions.Expect(sme.Locator("#matches + p + ol")).ToContainTextAsync(startupName);
        await Shot(sme, "need-bids", language);
        await Assertions.Expect(sme.Locator("#what-next")).ToBeVisibleAsync();
        // Accepting takes two steps: the first post only shows what will happen (the price, the fee, what the
        // startup receives); the need stays open until the confirmation is posted.
        await bids.Locator("form button").ClickAsync();
        var confirm = sme.Locator("section#confirm");
        await Assertions.Expect(confirm).ToContainTextAsync(startupName);
        await Assertions.Expect(confirm).ToContainTextAsync("5");
        await Assertions.Expect(sme.Locator(".meta .status-open")).ToBeVisibleAsync();
        await Shot(sme, "accept-confirm", language);
        await confirm.Locator("button[type=submit]").ClickAsync();
        await Journeys.ExpectUrlAsync(sme, $"/sme/needs/{needId}$");
        await Assertions.Expect(sme.Locator(".meta .status-awarded")).ToBeVisibleAsync();
        Assert.Equal(0, await sme.Locator("section#confirm").CountAsync());
        await sme.GotoAsync("/sme");
        await Assertions.Expect(sme.Locator("nav a[aria-current=page]")).ToHaveAttributeAsync("href", "/sme");
        await Shot(sme, "sme-needs", language);

        // The startup's bids show it accepted.
        await startup.GotoAsync("/startup/bids");
        await Assertions.Expect(startup.Locator("tr", new() { HasText = title }).Locator(".status-accepted")).ToBeVisibleAsync();
        await Shot(startup, "startup-bids", language);
        // Reviews, double-blind, once the work is done and paid: the SME's stays hidden from the startup until the
        // startup writes its own.
        await HostApi.CompleteEngagementAsync(host, $"sme-{run}@example.ma", $"startup-{run}@example.ma", needId);
        var smeReviews = sme.Locator("section[aria-labelledby=reviews]");
        await sme.GotoAsync($"/sme/needs/{needId}");
        await Assertions.Expect(sme.Locator("nav a[aria-current=page]")).ToHaveAttributeAsync("href", "/sme"); // a need is among "my needs"
        await sme.SelectOptionAsync("#review-quality", "4");
        await sme.SelectOptionAsync("#review-timeliness", "5");
        await sme.SelectOptionAsync("#review-communication", "5");
        await sme.FillAsync("#review-comment", description);
        await smeReviews.Locator("form button").ClickAsync();
        await Assertions.Expect(smeReviews.Locator("article")).ToHaveCountAsync(1);
        var startupReviews = startup.Locator("section[aria-labelledby=reviews]");
        await startup.GotoAsync($"/startup/needs/{needId}");
        await Assertions.Expect(startupReviews.Locator("article")).ToHaveCountAsync(0);
        // The startup rates what an SME does: the need's clarity and its payments' timeliness, not a work's quality.
        var labels = new Jazari.Marketplace.Web.Pages.Support.Strings();
        await Assertions.Expect(startup.Locator("label[for=review-quality]")).ToHaveTextAsync(labels.Get(language, "reviews.of-sme.quality"));
        await Assertions.Expect(startup.Locator("label[for=review-timeliness]")).ToHaveTextAsync(labels.Get(language, "reviews.of-sme.timeliness"));
        foreach (var criterion in new[] { "quality", "timeliness", "communication" })
            await startup.SelectOptionAsync($"#review-{criterion}", "5"); // nothing is chosen for the reader
        await startup.FillAsync("#review-comment", offering);
        await startupReviews.Locator("form button").ClickAsync();
        await Assertions.Expect(startupReviews.Locator("article")).ToHaveCountAsync(2);
        var strings = new Jazari.Marketplace.Web.Pages.Support.Strings();
        await Assertions.Expect(startupReviews.Locator("article h3", new() { HasText = strings.Get(language, "reviews.by-sme") })).ToHaveCountAsync(1); // the other side's
        await Assertions.Expect(startupReviews.Locator("article h3", new() { HasText = strings.Get(language, "reviews.yours") })).ToHaveCountAsync(1); // its own: "Your review"
        await Assertions.Expect(startupReviews.Locator(".notice")).ToHaveTextAsync(new Jazari.Marketplace.Web.Pages.Support.Strings().Get(language, "reviews.sent")); // told it is saved
        await Shot(startup, "reviews", language);

        await startup.GotoAsync("/startup/goals");
        await Shot(startup, "startup-goals", language);
        await startup.GotoAsync("/startup/profile");
        await Shot(startup, "startup-profile", language);
        await sme.GotoAsync("/account/notifications");
        await Shot(sme, "notifications", language);
    }

    [Fact]
    public async Task A_need_titled_with_a_script_shows_as_text_and_runs_nothing()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync("fr");
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await Journeys.SignUpAsync(host, page, "sme", $"xss-{run}@example.ma", "<b>Karim</b>");
        await Journeys.SmeProfileAsync(page, "<img src=x onerror=alert(2)>");
        const string title = "<script>alert(1)</script>";
        await Journeys.PostNeedAsync(page, title, "<script>alert(3)</script> une description assez longue pour passer.");
        Assert.Equal(title, await page.TextContentAsync("#need-title"));
        Assert.Equal(0, await page.Locator("main script").CountAsync());
        await page.GotoAsync("/sme");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(title);
        Assert.Equal("<b>Karim</b>", await page.TextContentAsync(".who"));
        Assert.Equal(0, dialogs);
    }

    private static async Task Shot(IPage page, string name, string language)
    {
        await BrowserHost.ScreenshotAsync(page, $"{name}-{language}");
        Assert.Empty(await BrowserHost.SeriousViolationsAsync(page));
    }
}
