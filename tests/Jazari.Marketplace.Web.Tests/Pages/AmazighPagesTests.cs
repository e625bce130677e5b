using System.Text.RegularExpressions;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Amazigh in the browser: the landing page in Tifinagh with the app's own font, kept across sign-up and sign-in with
/// the sign-in e-mails in Amazigh, and the pages not written in Amazigh in the reader's second language, marked so.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class AmazighPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    private static readonly Strings Strings = new();

    [Fact]
    public async Task The_amazigh_landing_page_renders_tifinagh_in_the_font_the_app_serves()
    {
        var page = await host.NewPageAsync("fr");
        await page.GotoAsync("/");
        Assert.Equal(0, await page.Locator("link[href*='tifinagh']").CountAsync()); // only pages in Amazigh link the font
        await page.Locator(".lang button[value=zgh]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zgh");
        Assert.Equal("ltr", await page.GetAttributeAsync("html", "dir"));
        Assert.Equal(Strings.Get(Amazigh.Code, "landing.title"), (await page.InnerTextAsync("h1")).Trim());

        // The face is loaded and draws Tifinagh: its letters have widths of their own (missing glyphs would all be one box).
        var font = await page.EvaluateAsync<double[]>("""
            async () => {
                // The font's style sheet first: under load it may still be on its way when the new page's document is there,
                // and a face it has not declared yet is not loaded.
                const link = document.querySelector("link[href*='tifinagh']");
                if (link && !link.sheet) await new Promise(done => { link.addEventListener('load', done); link.addEventListener('error', done); });
                await document.fonts.ready;
                await document.fonts.load('32px "Noto Sans Tifinagh"', 'ⴰⵣⵓⵍ');
                const face = [...document.fonts].find(f => f.family.replace(/"/g, '') === 'Noto Sans Tifinagh' && f.status === 'loaded');
                const context = document.createElement('canvas').getContext('2d');
                context.font = '32px "Noto Sans Tifinagh"';
                return [face ? 1 : 0, document.fonts.check('32px "Noto Sans Tifinagh"', 'ⴰⵣⵓⵍ') ? 1 : 0,
                    context.measureText('ⵉ').width, context.measureText('ⵎ').width, document.querySelector('h1').getBoundingClientRect().width];
            }
            """);
        Assert.True(font[0] == 1 && font[1] == 1, "Noto Sans Tifinagh is not loaded.");
        Assert.True(font[2] > 0 && font[3] > 0 && Math.Abs(font[2] - font[3]) > 1, $"Tifinagh glyphs look alike (missing): ⵉ {font[2]}, ⵎ {font[3]}");
        Assert.True(font[4] > 100, $"The title is {font[4]}px wide.");
        await BrowserHost.ScreenshotAsync(page, "landing-zgh");

        // The font and its licence come from the app, cached for a year under their content's hash.
        var sheetUrl = await page.GetAttributeAsync("link[href*='tifinagh.css']", "href");
        var sheet = await page.Context.APIRequest.GetAsync(sheetUrl!);
        var fontUrl = FontUrl().Match(await sheet.TextAsync()).Groups[1].Value;
        Assert.StartsWith("/assets/noto-sans-tifinagh.woff2?v=", fontUrl);
        var woff2 = await page.Context.APIRequest.GetAsync(fontUrl);
        Assert.Equal(200, woff2.Status);
        Assert.Equal("font/woff2", woff2.Headers["content-type"]);
        Assert.Contains("max-age=31536000", woff2.Headers["cache-control"]);
        Assert.Contains("immutable", woff2.Headers["cache-control"]);
        Assert.Equal("wOF2", System.Text.Encoding.ASCII.GetString((await woff2.BodyAsync())[..4]));
        Assert.Contains("SIL OPEN FONT LICENSE", await (await page.Context.APIRequest.GetAsync("/assets/noto-sans-tifinagh-OFL.txt")).TextAsync());

        foreach (var path in new[] { "/", "/sign-up", "/sign-in", "/language" })
        {
            await page.GotoAsync(path);
            Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
            Assert.Null(await page.GetAttributeAsync("main", "lang")); // written in Amazigh: no second language inside
            await HostApi.AssertAccessibleAsync(page);
        }
    }

    [Fact]
    public async Task Amazigh_is_kept_across_sign_up_and_sign_in_and_other_pages_come_in_the_second_language()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"zgh-{run}@example.ma";
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        var page = await host.NewPageAsync("fr");
        await page.GotoAsync("/");
        await page.Locator(".lang button[value=zgh]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zgh");

        // Sign-up in Amazigh: the account's language is the second one (French unless chosen), the code comes in Amazigh.
        await page.GotoAsync("/sign-up?role=startup");
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(Strings.Get(Amazigh.Code, "field.second-language"), (await page.InnerTextAsync("label[for=language]")).Trim());
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", "Tiziri");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/verify");
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(Strings.Get(Amazigh.Code, "verify.title"), (await page.InnerTextAsync("h1")).Trim());
        await page.FillAsync("#code", host.LatestCode(email));
        var code = OutboxFiles.Emails(outbox, email).Last(e => e.GetProperty("kind").GetString() == "sign-up-code");
        Assert.Equal("zgh", code.GetProperty("language").GetString());
        Assert.Contains("ⵓⵟⵟⵓⵏ", code.GetProperty("subject").GetString());
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/profile\\?first=true");

        // The profile page is not written in Amazigh: its content in French, marked so; the menus in Amazigh.
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("fr", await page.GetAttributeAsync("main", "lang"));
        Assert.Equal(Strings.Get(Amazigh.Code, "nav.needs-for-you"), (await page.TextContentAsync("header nav a[href='/startup']") ?? "").Trim());
        await ExpectOnlyAsync(page, "fr");

        // The second language becomes Arabic (the account's language too): the content turns right to left.
        await page.GotoAsync("/language?returnUrl=/startup/profile");
        await page.CheckAsync("input[name=second][value=ar]");
        await page.ClickAsync("form:has(input[name=second]) button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/startup/profile");
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("ar", await page.GetAttributeAsync("main", "lang"));
        Assert.Equal("rtl", await page.GetAttributeAsync("main", "dir"));
        await ExpectOnlyAsync(page, "ar");
        await BrowserHost.ScreenshotAsync(page, "profile-zgh-ar");
        foreach (var path in new[] { "/startup", "/startup/bids", "/account/notifications", "/account/data", "/messages" })
        {
            await page.GotoAsync(path);
            await ExpectOnlyAsync(page, "ar");
        }

        // Signed out and in again: still Amazigh, the code again in Amazigh though the account's language is Arabic.
        await HostApi.OpenMenuAsync(page); // folded on a phone
        await page.ClickAsync("form[action='/sign-out'] button");
        await Journeys.ArriveAsync(page, url => url == host.Url + "/");
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        await page.GotoAsync("/sign-in");
        Assert.Equal(Strings.Get(Amazigh.Code, "sign-in.title"), (await page.InnerTextAsync("h1")).Trim());
        await page.FillAsync("#email", email);
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/verify");
        await page.FillAsync("#code", host.LatestCode(email));
        code = OutboxFiles.Emails(outbox, email).Last(e => e.GetProperty("kind").GetString() == "sign-in-code");
        Assert.Equal("zgh", code.GetProperty("language").GetString());
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(page, url => !url.Contains("/verify"));
        Assert.Equal("zgh", await page.GetAttributeAsync("html", "lang"));
        await page.GotoAsync("/startup/profile");
        Assert.Equal("ar", await page.GetAttributeAsync("main", "lang"));
    }

    /// <summary>
    /// The content of a page not written in Amazigh is in <paramref name="language"/> only: no Tifinagh, no text of the
    /// English file that differs in that language, no raw key (what people typed, isolated, left out).
    /// </summary>
    private static async Task ExpectOnlyAsync(IPage page, string language)
    {
        var main = await page.EvaluateAsync<string>(
            "() => { const m = document.querySelector('main').cloneNode(true); m.querySelectorAll('bdi, [dir]:not(main), script, style').forEach(e => e.remove()); return m.textContent; }");
        Assert.False(Tifinagh().IsMatch(main), $"{page.Url} shows Tifinagh in its {language} content: {main}");
        var english = Strings.Of("en").Where(e => Strings.Get(language, e.Key) != e.Value && e.Value.Length >= 12 && e.Value.Contains(' ')
            && !e.Value.Contains('{') && !Jazari.Marketplace.Web.Languages.Plurals.HasForms(e.Value)).Select(e => e.Value).Where(main.Contains).ToList();
        Assert.True(english.Count == 0, $"{page.Url} shows English: {string.Join(" | ", english)}");
        var keys = Strings.Of("en").Keys.Where(k => k.Contains('.') && !k.StartsWith("error.", StringComparison.Ordinal) && main.Contains(k)).ToList();
        Assert.True(keys.Count == 0, $"{page.Url} shows raw keys: {string.Join(", ", keys)}");
        var nav = await page.InnerTextAsync("header nav");
        Assert.True(nav.Length == 0 || Tifinagh().IsMatch(nav), $"The menu is not in Amazigh: {nav}");
    }

    [GeneratedRegex(@"url\((/assets/[^)]+)\)")]
    private static partial Regex FontUrl();

    [GeneratedRegex(@"[\u2D30-\u2D7F]")]
    private static partial Regex Tifinagh();
}
