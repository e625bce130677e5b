using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>The frame every page shares: language, direction, security headers, accessibility.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task Arabic_pages_are_right_to_left_and_mirror_the_french_layout()
    {
        var arabic = await host.NewPageAsync("ar");
        await arabic.GotoAsync("/");
        Assert.Equal("rtl", await arabic.GetAttributeAsync("html", "dir"));
        Assert.Equal("ar", await arabic.GetAttributeAsync("html", "lang"));
        var french = await host.NewPageAsync("fr");
        await french.GotoAsync("/");
        Assert.Equal("ltr", await french.GetAttributeAsync("html", "dir"));

        // The brand sits at the start of the header: the right edge in Arabic, the left edge in French.
        var width = arabic.ViewportSize!.Width;
        var inArabic = (await arabic.Locator(".brand").BoundingBoxAsync())!;
        var inFrench = (await french.Locator(".brand").BoundingBoxAsync())!;
        Assert.True(inFrench.X < width / 4.0, $"French brand at x={inFrench.X}");
        Assert.True(inArabic.X + inArabic.Width > width * 3 / 4.0, $"Arabic brand at x={inArabic.X}");
        await BrowserHost.ScreenshotAsync(arabic, "landing-ar");
        await BrowserHost.ScreenshotAsync(french, "landing-fr");
    }

    [Fact]
    public async Task The_language_switch_changes_the_page_and_is_remembered()
    {
        var page = await host.NewPageAsync("fr");
        await page.GotoAsync("/");
        await page.Locator(".lang button[value=en]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GotoAsync("/sign-in");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        await BrowserHost.ScreenshotAsync(page, "landing-en");
    }

    [Fact]
    public async Task Pages_forbid_scripts_from_elsewhere_and_inline_scripts()
    {
        var page = await host.NewPageAsync("fr");
        var response = await page.GotoAsync("/");
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("fr")]
    [InlineData("en")]
    public async Task Public_pages_have_no_serious_accessibility_violation(string language)
    {
        var page = await host.NewPageAsync(language, bypassCsp: true);
        foreach (var path in new[] { "/", "/sign-up", "/sign-in" })
        {
            await page.GotoAsync(path);
            Assert.Empty(await BrowserHost.SeriousViolationsAsync(page));
        }
    }
}
