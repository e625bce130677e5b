using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The journeys' pages on a phone (390×844), in Arabic and French: no page scrolls sideways, the header keeps to two
/// lines with its menu folded (a details element, no script) and 48px targets, and the bids read as one card each;
/// on a desktop the same markup shows the menu open and the bids side by side.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    private const int Width = 390;

    [Theory]
    [InlineData("ar", "شركة الحلول الرقمية المتكاملة للتجارة الإلكترونية", "huilerie-zerhoun-boutique-en-ligne-paiement-cmi-livraison-maroc")]
    [InlineData("fr", "Atlas Solutions Numériques pour le Commerce Électronique", "huilerie-zerhoun-boutique-en-ligne-paiement-cmi-livraison-maroc")]
    public async Task Journey_pages_fit_a_phone_without_sideways_scroll(string language, string startupName, string longWord)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"phone-sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima Zahra El Idrissi", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Vendre notre huile d'argan en ligne {longWord}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var startupEmail = $"phone-startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"{startupName} {run}"));
        await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        using var second = await HostApi.SignUpAsync(host, "startup", $"phone-second-{run}@example.ma", "Salma", language);
        await second.CreateAsync("/api/startups", Api.Startup($"Souss Web {longWord} {run}"));
        await second.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(46000)); // over the budget's 40,000
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"phone-manager-{run}@example.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        await startup.CreateAsync($"/api/cohorts/{cohortId}/applications", new { answers = new[] { longWord, "PME" } });

        var pages = new (string Email, string[] Paths)[]
        {
            (smeEmail, ["/sme", $"/sme/needs/{needId}", $"/startups/{startupId}", "/sme/needs/new", "/sme/profile", "/messages", "/account/notifications"]),
            (startupEmail, ["/startup", $"/startup/needs/{needId}", "/startup/bids", "/startup/invitations", $"/startup/cohorts/{cohortId}", "/startup/profile", "/startup/goals", "/account/notifications"]),
            (managerEmail, ["/manager", $"/manager/cohorts/{cohortId}", $"/manager/cohorts/{cohortId}?name=souss", $"/manager/cohorts/{cohortId}/dashboard", $"/manager/cohorts/{cohortId}/mentors"]),
        };
        var signedOut = await PhoneAsync(language);
        foreach (var path in new[] { "/", "/sign-in", "/sign-up" }) await AssertFitsAsync(signedOut, path);

        foreach (var (email, paths) in pages)
        {
            var page = await PhoneAsync(language);
            await HostApi.SignInAsync(host, page, email);
            foreach (var path in paths) await AssertFitsAsync(page, path);

            // The header: brand and menu on one line, the languages on a second; the menu folded until asked.
            var header = (await page.Locator("header.top").BoundingBoxAsync())!;
            Assert.True(header.Height <= 2 * 48 + 24, $"{email}: header {header.Height}px high");
            Assert.False(await page.Locator("header nav").IsVisibleAsync());
            await page.ClickAsync("details.menu > summary");
            var links = page.Locator("header nav a");
            Assert.True(await links.CountAsync() >= 3);
            foreach (var link in await links.AllAsync())
                Assert.True((await link.BoundingBoxAsync())!.Height >= 48, $"{email}: a menu link under 48px");
            foreach (var button in await page.Locator(".lang button").AllAsync())
                Assert.True((await button.BoundingBoxAsync())!.Height >= 48, $"{email}: a language button under 48px");
            await HostApi.AssertAccessibleAsync(page);
            await BrowserHost.ScreenshotAsync(page, $"phone-menu-{email.Split('-')[1]}-{language}");
        }

        // The bids, one card each: the second startup's card starts below the first one's proposal.
        var phone = await PhoneAsync(language);
        await HostApi.SignInAsync(host, phone, smeEmail);
        await phone.GotoAsync($"/sme/needs/{needId}");
        var headers = phone.Locator("table.compare thead th");
        Assert.Equal(2, await headers.CountAsync());
        var firstProposal = (await phone.Locator("table.compare td.description").First.BoundingBoxAsync())!;
        var secondHeader = (await headers.Nth(1).BoundingBoxAsync())!;
        Assert.True(secondHeader.Y >= firstProposal.Y + firstProposal.Height, "the second bid is not below the first");
        Assert.True(secondHeader.Width > Width * 0.8, $"a bid card is {secondHeader.Width}px wide");
        // The bid over the budget says by how much; the one within it says nothing.
        var over = phone.Locator("table.compare .over-budget");
        await Assertions.Expect(over).ToHaveCountAsync(1);
        await Assertions.Expect(over).ToContainTextAsync("6");
        Assert.True((await over.BoundingBoxAsync())!.Y > secondHeader.Y, "the over-budget line is not in the second bid's card");
        await BrowserHost.ScreenshotAsync(phone, $"phone-bids-{language}");

        // On a desktop: the menu open without its summary, the bids side by side in the table.
        await phone.SetViewportSizeAsync(1280, 900);
        await phone.ReloadAsync();
        Assert.False(await phone.Locator("details.menu > summary").IsVisibleAsync());
        Assert.True(await phone.Locator("header nav a[href='/sme']").IsVisibleAsync());
        var first = (await headers.Nth(0).BoundingBoxAsync())!;
        secondHeader = (await headers.Nth(1).BoundingBoxAsync())!;
        Assert.Equal(first.Y, secondHeader.Y, 1);
        await BrowserHost.ScreenshotAsync(phone, $"desktop-bids-{language}");
    }

    private async Task<IPage> PhoneAsync(string language)
    {
        var page = await host.NewPageAsync(language, bypassCsp: true);
        await page.SetViewportSizeAsync(Width, 844);
        return page;
    }

    private static async Task AssertFitsAsync(IPage page, string path)
    {
        var response = await page.GotoAsync(path);
        Assert.True(response!.Ok, $"{path}: {response.Status}");
        var scroll = await page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
        var wide = scroll <= Width ? "" : await page.EvaluateAsync<string>(
            "w => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1 || e.getBoundingClientRect().left < -1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')", Width);
        Assert.True(scroll <= Width, $"{path} is {scroll}px wide on a {Width}px phone: {wide}");
    }
}
