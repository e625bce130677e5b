using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>A startup adds work to its portfolio on its profile page; the SME sees it on the startup's public page.</summary>
[Collection(SecondBrowserCollection.Name)]
public sealed class PortfolioPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("fr", "Boutique de l'huilerie Zerhoun")]
    public async Task Portfolio_items_typed_on_the_profile_show_on_the_public_page(string language, string title)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var startupEmail = $"portfolio-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));

        var page = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, page, startupEmail);
        await page.GotoAsync("/startup/profile");
        Assert.Equal(2, await page.Locator(".portfolio-item").CountAsync()); // two empty rows to fill
        await page.FillAsync("#work-0-title", title);
        await page.FillAsync("#work-0-url", $"https://zerhoun.example.ma/{run}");
        await page.FillAsync("#work-0-year", "2025");
        await HostApi.AssertAccessibleAsync(page);
        await page.ClickAsync("form.form > button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "profile=saved");
        await page.GotoAsync("/startup/profile");
        Assert.Equal(title, await page.InputValueAsync("#work-0-title"));
        Assert.Equal(3, await page.Locator(".portfolio-item").CountAsync());

        using var sme = await HostApi.SignUpAsync(host, "sme", $"portfolio-sme-{run}@example.ma", "Fatima", language);
        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, $"portfolio-sme-{run}@example.ma");
        await smePage.GotoAsync($"/startups/{startupId}");
        var work = smePage.Locator("#portfolio ~ ul a.startup-work");
        await Assertions.Expect(work).ToHaveTextAsync(title);
        Assert.Equal($"https://zerhoun.example.ma/{run}", await work.GetAttributeAsync("href"));
        await Assertions.Expect(smePage.Locator("#portfolio ~ ul")).ToContainTextAsync("2025");
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await BrowserHost.ScreenshotAsync(smePage, $"startup-portfolio-{language}");
    }
}
