using System.Net;
using Jazari.Marketplace.Tests;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The journey's pages in French and in Arabic show no text of the English file and no raw key; a refusal reads in
/// the page's language; a title typed in Arabic keeps its order inside a French page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LanguagePagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    private static readonly Strings Strings = new();

    [Theory]
    [InlineData("fr", "متجر إلكتروني لزيت الأركان", "Fatima Zahra", "حلول رقمية")]
    [InlineData("ar", "Boutique en ligne pour huile d'argan", "فاطمة الزهراء", "Atlas Numérique")]
    public async Task The_journey_pages_speak_the_reader_language_only(string language, string title, string smeName, string startupName)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        title = $"{title} {run}";
        var sme = await host.NewPageAsync(language, bypassCsp: true);
        await Journeys.SignUpAsync(host, sme, "sme", $"lang-sme-{run}@example.ma", smeName);
        await Journeys.SmeProfileAsync(sme, $"{smeName} {run}");

        // A refusal of the need's checks reads in the page's language, next to the field.
        await sme.GotoAsync("/sme/needs/new");
        await sme.CheckAsync("input[name=category][value=ecommerce]");
        await sme.ClickAsync("form.form button[type=submit]");
        await sme.WaitForSelectorAsync("#budget-guide");
        await sme.FillAsync("#description", "Une description assez longue pour passer les règles.");
        await sme.FillAsync("#budgetMin", "15000");
        await sme.FillAsync("#budgetMax", "30000");
        await sme.EvaluateAsync("() => document.querySelector('#title').removeAttribute('minlength')");
        await sme.FillAsync("#title", "abc");
        await sme.ClickAsync("button[name=publish][value=true]");
        var text = new Text(Strings);
        text.Use(language);
        await Assertions.Expect(sme.Locator("#title + p.error, #title ~ p.error").First).ToHaveTextAsync(text.Error("At least 5 characters."));
        await HostApi.ExpectOnlyReaderLanguageAsync(sme, language);
        // The deadline says what it is (the last day to bid; the need closes then), with the days a need stays open at most.
        await Assertions.Expect(sme.Locator("fieldset#deadline[aria-describedby='deadline-hint'] #deadline-hint"))
            .ToHaveTextAsync(text.Count("field.deadline-hint", 30));
        // Its days agree with the sentence around them: after بعد, two days are يومين, not يومان.
        Assert.Contains(language == "ar" ? "بعد يومين من" : "2 jours après", text.Count("field.deadline-hint", 2));

        var needId = await Journeys.PostNeedAsync(sme, title, "Nous voulons une boutique en ligne avec paiement par carte et livraison.",
            language == "fr" ? "الدفع الإلكتروني, WooCommerce" : "WooCommerce, paiement");
        await HostApi.ExpectOnlyReaderLanguageAsync(sme, language);

        // The startup bids.
        var startup = await host.NewPageAsync(language, bypassCsp: true);
        await Journeys.SignUpAsync(host, startup, "startup", $"lang-startup-{run}@example.ma", startupName);
        await Journeys.StartupProfileAsync(startup, $"{startupName} {run}", "Nous créons des boutiques en ligne pour les PME : WooCommerce, Shopify.");
        await HostApi.ExpectOnlyReaderLanguageAsync(startup, language);
        await startup.GotoAsync($"/startup/needs/{needId}");
        await startup.FillAsync("#price", "20000");
        await startup.FillAsync("#duration", "1");
        await startup.FillAsync("#proposal", "Une boutique WooCommerce livrée en un jour, paiement compris.");
        await startup.FillAsync("#m0-title", "Boutique");
        await startup.FillAsync("#m0-amount", "20000");
        await startup.FillAsync("#m0-due", "1");
        await startup.ClickAsync("form.form > button[type=submit]");
        await Journeys.ExpectUrlAsync(startup, "sent=true");
        await HostApi.ExpectOnlyReaderLanguageAsync(startup, language);
        foreach (var path in new[] { "/startup", "/startup/bids", "/startup/goals", "/startup/profile", "/account/notifications", "/account/data", "/privacy", "/messages" })
        {
            await startup.GotoAsync(path);
            await HostApi.ExpectOnlyReaderLanguageAsync(startup, language);
        }
        // Every page's footer leads to the privacy notice, which leads to the page where the reader exports or erases.
        await startup.ClickAsync("footer a[href='/privacy']");
        await startup.ClickAsync("main a[href='/account/data']");
        await Journeys.ExpectUrlAsync(startup, "/account/data");

        // The SME's pages: its needs with one bid (a singular), the comparison, its preferences.
        await sme.GotoAsync("/sme");
        await Assertions.Expect(sme.Locator("main")).ToContainTextAsync(text.Count("sme.bids", 1));
        await HostApi.ExpectOnlyReaderLanguageAsync(sme, language);
        foreach (var path in new[] { $"/sme/needs/{needId}", "/sme/needs/new", "/sme/profile", "/account/notifications", "/account/data", "/messages" })
        {
            await sme.GotoAsync(path);
            await HostApi.ExpectOnlyReaderLanguageAsync(sme, language);
        }
        // An SME is not offered the startups' notifications.
        await sme.GotoAsync("/account/notifications");
        Assert.Equal(0, await sme.Locator("input[name='kinds[need-match]']").CountAsync());
        Assert.Equal(1, await sme.Locator("input[name='kinds[bid-received]'][value=immediate]").CountAsync());

        // The skills keep the order typed, in the page's direction, whichever script the first one is in: the first on the
        // left of a French page, on the right of an Arabic one (a list isolated as a whole took the first skill's direction).
        await sme.GotoAsync($"/sme/needs/{needId}");
        var (firstSkill, secondSkill) = language == "fr" ? await PositionsAsync(sme, "#need-skills", "الدفع", "WooCommerce")
            : await PositionsAsync(sme, "#need-skills", "WooCommerce", "paiement");
        Assert.True(language == "fr" ? firstSkill < secondSkill : firstSkill > secondSkill, $"skills out of order: {firstSkill}, {secondSkill}");

        if (language == "fr")
        {
            // The Arabic title reads right to left inside the French page: its first word on the right, the Latin
            // suffix typed after it on its left (without isolation the suffix would jump to the right end).
            await sme.GotoAsync($"/sme/needs/{needId}");
            var (first, last) = await PositionsAsync(sme, "#need-title", "متجر", run);
            Assert.True(first > last, $"Arabic title out of order: first word at x={first}, '{run}' at x={last}");
            await sme.GotoAsync("/sme");
            (first, last) = await PositionsAsync(sme, "main", "متجر", run);
            Assert.True(first > last, $"Arabic title out of order in the list: first word at x={first}, '{run}' at x={last}");
        }
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("ar")]
    public async Task Paying_by_transfer_and_its_refusals_speak_the_reader_language(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"lang-pay-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"متجر إلكتروني {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", $"lang-pay-startup-{run}@example.ma", "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        for (var tries = 0; (await sme.GetAsync($"/api/needs/{needId}/engagement")).StatusCode != HttpStatusCode.OK && tries < 100; tries++)
            await Task.Delay(200);

        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, page, smeEmail);
        await page.GotoAsync($"/engagements/{needId}");
        await HostApi.ExpectOnlyReaderLanguageAsync(page, language);
        if (await page.Locator("#m0 button[value=stripe]").CountAsync() > 0)
        {
            // Card payments without Stripe configured: the refusal reads in the page's language.
            await page.ClickAsync("#m0 button[value=stripe]");
            await HostApi.ExpectOnlyReaderLanguageAsync(page, language);
        }
        await page.GotoAsync($"/engagements/{needId}");
        await page.ClickAsync("#m0 button[value=bank-transfer]");
        await Assertions.Expect(page.Locator("#m0 .payment-reference")).ToBeVisibleAsync();
        await HostApi.ExpectOnlyReaderLanguageAsync(page, language);
        var reference = (await page.InnerTextAsync("#m0 .payment-reference")).Trim();

        // The admin confirms a wrong amount: the refusal names the SME's share in MAD, in the page's language.
        var admin = await host.NewPageAsync(language, bypassCsp: true);
        await admin.GotoAsync("/sign-in/admin");
        await admin.FillAsync("#token", HostProcess.AdminToken);
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(admin, "/admin$");
        await admin.GotoAsync("/admin/payments");
        // The transfers awaited are listed in the page's language (the follow-up lists this one moments after the SME's choice).
        for (var tries = 0; await admin.Locator("#awaiting + .hint").CountAsync() == 0 && tries < 50; tries++)
        {
            await Task.Delay(200);
            await admin.ReloadAsync();
        }
        await Assertions.Expect(admin.Locator("#awaiting + .hint")).ToBeVisibleAsync();
        await HostApi.ExpectOnlyReaderLanguageAsync(admin, language);
        await admin.FillAsync("#reference", reference);
        await admin.FillAsync("#amount", "1");
        await admin.FillAsync("#bank", $"VIR-{run}");
        await admin.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(admin.Locator(".error").First).ToBeVisibleAsync();
        var refusal = await admin.InnerTextAsync("main");
        Assert.DoesNotContain("minor units", refusal);
        Assert.Contains(language == "ar" ? "درهم" : "MAD", await admin.InnerTextAsync(".error"));
        await HostApi.ExpectOnlyReaderLanguageAsync(admin, language);
    }

    /// <summary>The x of two pieces of one text under <paramref name="selector"/>.</summary>
    private static async Task<(double First, double Last)> PositionsAsync(IPage page, string selector, string first, string last)
    {
        var xs = await page.EvaluateAsync<double[]>("""
            ([selector, first, last]) => {
                const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
                let node;
                while ((node = walker.nextNode()) && !(node.data.includes(first) && node.data.includes(last))) {}
                const x = text => {
                    const range = document.createRange();
                    const i = node.data.indexOf(text);
                    range.setStart(node, i);
                    range.setEnd(node, i + text.length);
                    return range.getBoundingClientRect().x;
                };
                return [x(first), x(last)];
            }
            """, new[] { selector, first, last });
        return (xs[0], xs[1]);
    }
}
