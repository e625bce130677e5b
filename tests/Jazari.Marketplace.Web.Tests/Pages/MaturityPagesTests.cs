using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The self-assessment in the browser, in Arabic, without JavaScript: an SME that has never posted anything answers
/// the questions, sees its scores and its plan, drafts a recommended need in one click, publishes it, applies to a
/// co-funding programme and, once approved, puts the open need in it; the public impact page opens without signing in.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class MaturityPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar", "نضجكم الرقمي", "متجر إلكتروني مع الدفع بالبطاقة")]
    public async Task An_sme_takes_the_assessment_sees_where_it_stands_and_drafts_a_need_from_its_plan(string language, string title, string shop)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"sme-maturity-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", email, "Karima", language);
        await sme.CreateAsync("/api/smes", new { name = "Dar Zellige", sector = $"artisanat-{run}", city = "Fes", region = "Fes-Meknes", employees = 8, languages = new[] { language } });

        var page = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, page, email);
        await HostApi.OpenMenuAsync(page); // folded on a phone
        await page.ClickAsync("nav a[href='/sme/assessment']");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await page.ClickAsync("a[href='/sme/assessment/take']");
        await Journeys.ExpectUrlAsync(page, "/sme/assessment/take$");
        Assert.Equal(25, await page.Locator("fieldset").CountAsync());
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, $"sme-assessment-take-{language}");

        // Selling online: the lowest answers; everything else: the highest.
        foreach (var fieldset in await page.Locator("fieldset").AllAsync())
        {
            var id = await fieldset.GetAttributeAsync("id") ?? "";
            var radios = fieldset.Locator("input[type=radio]");
            await (id.StartsWith("question-selling-") ? radios.First : radios.Last).CheckAsync();
        }
        await page.ClickAsync("#assessment button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/sme/assessment\\?taken=true$");
        await Assertions.Expect(page.Locator(".notice")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#score-selling")).ToContainTextAsync(0.0.ToString("N1", System.Globalization.CultureInfo.GetCultureInfo(language + "-MA")));
        var recommendation = page.Locator("#recommendation-0");
        await Assertions.Expect(recommendation.Locator("h3")).ToHaveTextAsync(shop);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, $"sme-assessment-{language}");

        await recommendation.Locator("button[type=submit]").ClickAsync();
        await Journeys.ArriveAsync(page, url => NeedUrl().IsMatch(url));
        var needId = NeedUrl().Match(page.Url).Groups[1].Value;
        var need = await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal("draft", need.GetProperty("status").GetString());
        Assert.Equal(shop, need.GetProperty("title").GetString());
        Assert.Equal(language, need.GetProperty("language").GetString());

        // Publish the draft, apply to a co-funding programme, and once approved put the open need in it.
        await page.ClickAsync("form[action*='handler=publish'] button");
        await Assertions.Expect(page.Locator("#what-next")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#join-programme")).ToHaveCountAsync(0); // not approved yet: nothing to join
        var programmeId = $"prog-{run}";
        using var admin = HostApi.Admin(host);
        await (await admin.PostAsJsonAsync("/api/admin/programmes", new
        {
            id = programmeId, name = $"فاس الرقمية {run}", subsidyPercent = 40, capPerSmeMinor = 5_000_000, budgetMinor = 100_000_000,
        })).Json(HttpStatusCode.Created);
        await page.GotoAsync("/sme/programmes");
        var card = page.Locator($"#programme-{programmeId}");
        await card.Locator("textarea").FillAsync("نريد بيع منتجاتنا عبر الإنترنت.");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card.Locator(".pill.status-submitted")).ToBeVisibleAsync();
        var application = (await (await sme.GetAsync($"/api/smes/{need.GetProperty("smeId").GetString()}/programmes")).Json(HttpStatusCode.OK))
            .EnumerateArray().Single(a => a.GetProperty("programmeId").GetString() == programmeId);
        await (await admin.PostAsJsonAsync($"/api/programmes/{programmeId}/applications/{application.GetProperty("id").GetString()}/decision",
            new { approve = true, reason = "ملف كامل." })).Json(HttpStatusCode.OK);

        await page.GotoAsync($"/sme/needs/{needId}");
        await Assertions.Expect(page.Locator("#join-programme select option")).ToHaveTextAsync($"فاس الرقمية {run}");
        await HostApi.AssertTranslatedAsync(page);
        await page.ClickAsync("#join-programme button[type=submit]");
        await Journeys.ArriveAsync(page, url => NeedUrl().IsMatch(url));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#need-programme")).ToContainTextAsync($"فاس الرقمية {run}");
        await Assertions.Expect(page.Locator("#need-programme")).ToContainTextAsync("40");
        await Assertions.Expect(page.Locator("#join-programme")).ToHaveCountAsync(0);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        Assert.Equal(programmeId, (await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK)).GetProperty("programmeId").GetString());

        var visitor = await host.NewPageAsync(language);
        await visitor.GotoAsync("/impact");
        await Assertions.Expect(visitor.Locator("h1")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(visitor);
        await HostApi.AssertAccessibleAsync(visitor);
    }

    [GeneratedRegex("/sme/needs/(need-[a-z0-9]+)$")]
    private static partial Regex NeedUrl();
}
