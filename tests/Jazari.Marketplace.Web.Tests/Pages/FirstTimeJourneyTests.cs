using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Issue #15's "done when", in one go, in French on a phone (390x844): an SME and a startup that have never seen the
/// product act only through the pages. The SME signs up, describes its company and posts a need; the startup signs up,
/// describes its offering, finds the need among its matches and bids; the SME compares the bids (a second startup bid
/// through the API), reads the startup's public page from the bids, accepts after the confirmation step, pays the
/// milestone by bank transfer (the amount and reference still there after a reload); an admin confirms the transfer
/// (API); the startup delivers; the SME approves after the confirmation step; the startup applies to a cohort's open
/// call, its manager admits it (API) and the startup sees it is admitted and finds the cohort's goal; the SME reviews the
/// startup. Every page either of them lands on is an HTML page in French (no error status, no JSON), with no English and
/// no raw key, and every link on it answers a page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstTimeJourneyTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    private const string Language = "fr";
    /// <summary>Every main-frame document either browser received that is an error or not HTML.</summary>
    private readonly List<string> wrongDocuments = [];
    /// <summary>The links already followed, per browser (the SME's and the startup's pages link to different places).</summary>
    private readonly Dictionary<IPage, HashSet<string>> followed = new();

    [Fact]
    public async Task A_first_time_sme_and_startup_finish_the_whole_journey_on_a_phone_in_french()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"first-sme-{run}@example.ma";
        var startupEmail = $"first-startup-{run}@example.ma";
        var title = $"Boutique en ligne pour notre huile d'argan {run}";
        var startupName = $"Atlas Web {run}";
        const string startupOffering = "Nous créons des boutiques en ligne pour les PME : WooCommerce, Shopify, paiement par carte et livraison.";

        // An institute with a cohort whose call is open, set up by its manager (through the API).
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, $"first-manager-{run}@example.ma", Language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));

        // The SME signs up, describes its company and posts a need from the menu.
        var sme = await NewPageAsync();
        await HostApi.SignUpInBrowserAsync(host, sme, "sme", smeEmail, "Fatima Alaoui");
        await LandedAsync(sme);
        await Journeys.SmeProfileAsync(sme, $"Argan Souss {run}");
        await LandedAsync(sme);
        await MenuAsync(sme, "/sme/needs/new");
        var needId = await Journeys.PostNeedAsync(sme, title, "Nous voulons vendre notre huile d'argan en ligne, avec paiement par carte et livraison dans tout le Maroc.");
        await LandedAsync(sme);
        Assert.Equal(title, await sme.TextContentAsync("#need-title"));

        // The startup signs up, describes its offering and finds the need among its matches, with reasons.
        var startup = await NewPageAsync();
        await HostApi.SignUpInBrowserAsync(host, startup, "startup", startupEmail, "Youssef Benali");
        await LandedAsync(startup);
        await Journeys.StartupProfileAsync(startup, startupName, startupOffering);
        await LandedAsync(startup);
        var match = startup.Locator("li.card", new() { Has = startup.Locator($"a[href='/startup/needs/{needId}']") });
        await ReloadUntilAsync(startup, match, "the need among the startup's matches");
        Assert.True(await match.Locator(".reasons li").CountAsync() > 0);

        // It bids: one milestone for the whole price.
        await match.Locator($"a[href='/startup/needs/{needId}']").ClickAsync();
        await Journeys.ArriveAsync(startup, $"/startup/needs/{needId}");
        await LandedAsync(startup);
        await startup.FillAsync("#price", "20000");
        await startup.FillAsync("#duration", "30");
        await startup.FillAsync("#proposal", startupOffering);
        await startup.FillAsync("#m0-title", "Boutique en ligne et formation");
        await startup.FillAsync("#m0-amount", "20000");
        await startup.FillAsync("#m0-due", "30");
        await startup.ClickAsync("form.form > button[type=submit]");
        await Journeys.ArriveAsync(startup, "sent=true");
        await LandedAsync(startup);
        await Assertions.Expect(startup.Locator("#my-bid .status-submitted")).ToBeVisibleAsync();

        // A second startup bids too (through the API), so that there is something to compare.
        var otherName = $"Souss Digital {run}";
        using (var other = await HostApi.SignUpAsync(host, "startup", $"first-other-{run}@example.ma", "Omar", Language))
        {
            await other.CreateAsync("/api/startups", Api.Startup(otherName));
            await other.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(28000));
        }

        // The SME opens its need from its needs, compares the two bids and reads the startup's page from its bid.
        await MenuAsync(sme, "/sme");
        await sme.ClickAsync($"main a[href='/sme/needs/{needId}']");
        await Journeys.ArriveAsync(sme, url => url.EndsWith($"/sme/needs/{needId}"));
        await LandedAsync(sme);
        // Each startup that fits can be written to from its card, as the next step says ("write to a startup below").
        var fitting = sme.Locator("h2#matches ~ ol.list > li.card", new() { HasText = startupName });
        await Assertions.Expect(fitting.Locator($"a.write-link[href^='/messages/new?needId={needId}&startupId=']")).ToHaveCountAsync(1);
        await Assertions.Expect(fitting.Locator("a.has-bid[href='#bids']")).ToHaveCountAsync(1); // it bid already: said, and where
        var bids = sme.Locator("table.compare");
        await Assertions.Expect(bids.Locator("thead a.startup-link")).ToHaveCountAsync(2);
        await Assertions.Expect(bids).ToContainTextAsync(otherName);
        // New startups' ratings are said once, in the rating row, not again among the reasons.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(await bids.InnerTextAsync(), "pas encore d'avis", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await bids.Locator("thead a.startup-link", new() { HasText = startupName }).ClickAsync();
        await Journeys.ArriveAsync(sme, "/startups/");
        await LandedAsync(sme);
        Assert.Equal(startupName, (await sme.InnerTextAsync("#startup-name")).Trim());
        await Assertions.Expect(sme.Locator("main")).ToContainTextAsync(startupOffering);
        await Assertions.Expect(sme.Locator($"main a[href^='/messages/new?needId={needId}']")).ToBeVisibleAsync(); // Write
        await sme.ClickAsync("#back-to-need"); // the way back to the need it came from, named
        await Journeys.ArriveAsync(sme, url => url.EndsWith($"/sme/needs/{needId}"));

        // Accepting asks first (the price, the fee, what the startup receives); the confirmation awards the need.
        await bids.Locator("form button", new() { HasText = startupName }).ClickAsync();
        var confirm = sme.Locator("section#confirm");
        await Assertions.Expect(confirm).ToContainTextAsync(startupName);
        await LandedAsync(sme);
        await Assertions.Expect(sme.Locator(".meta .status-open")).ToBeVisibleAsync();
        await confirm.Locator("button[type=submit]").ClickAsync();
        await Journeys.ArriveAsync(sme, url => url.EndsWith($"/sme/needs/{needId}"));
        await LandedAsync(sme);
        await Assertions.Expect(sme.Locator(".meta .status-awarded")).ToBeVisibleAsync();

        // The SME pays the milestone by bank transfer: the amount and the reference, still there after a reload.
        await sme.ClickAsync($"main a[href='/engagements/{needId}']");
        await Journeys.ArriveAsync(sme, $"/engagements/{needId}");
        await LandedAsync(sme);
        await Assertions.Expect(sme.Locator("#need-link")).ToHaveAttributeAsync("href", $"/sme/needs/{needId}"); // and back to the need
        await sme.ClickAsync("#m0 button[value=bank-transfer]");
        await Journeys.ArriveAsync(sme, "done=transfer");
        await LandedAsync(sme);
        var reference = (await sme.InnerTextAsync("#m0 .payment-reference")).Trim();
        Assert.StartsWith("PAY-", reference, StringComparison.OrdinalIgnoreCase);
        await sme.ReloadAsync();
        await LandedAsync(sme);
        Assert.Equal(reference, (await sme.InnerTextAsync("#m0 .payment-reference")).Trim());
        Assert.Contains("20.000 MAD", Regex.Replace(await sme.InnerTextAsync("#m0 .transfer"), @"\s", " ")); // fr-MA's CLDR format
        Assert.Equal(0, await sme.Locator("#m0 button[value=bank-transfer]").CountAsync());

        // The admin sees the transfer arrive and confirms it; the SME sees the milestone funded, the instructions gone.
        using (var admin = HostApi.Admin(host))
        {
            var engagement = await (await admin.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK);
            var amountMinor = engagement.GetProperty("milestones")[0].GetProperty("funding").EnumerateArray()
                .Single(f => f.GetProperty("source").GetString() == "sme").GetProperty("amountMinor").GetInt64();
            await (await admin.PostAsJsonAsync($"/api/admin/payments/{reference}/confirm", new { amountMinor, bankReference = $"VIR-{run}" })).Json(HttpStatusCode.OK);
        }
        await sme.ReloadAsync();
        await LandedAsync(sme);
        await Assertions.Expect(sme.Locator("#m0 .pill.status-funded")).ToBeVisibleAsync();
        Assert.Equal(0, await sme.Locator("#m0 .transfer").CountAsync());

        // The startup sees its bid accepted and delivers from the engagement's page.
        await MenuAsync(startup, "/startup/bids");
        await Assertions.Expect(startup.Locator("tr", new() { HasText = title }).Locator(".status-accepted")).ToBeVisibleAsync();
        await startup.ClickAsync($"main a[href='/startup/needs/{needId}']");
        await Journeys.ArriveAsync(startup, $"/startup/needs/{needId}");
        await LandedAsync(startup);
        await startup.ClickAsync($"main a[href='/engagements/{needId}']");
        await Journeys.ArriveAsync(startup, $"/engagements/{needId}");
        await LandedAsync(startup);
        await Assertions.Expect(startup.Locator("#m0")).ToContainTextAsync("vous recevez"); // spoken to, not of
        // A link that is not one: refused beside the links field, and what was typed is still there to correct.
        await startup.FillAsync("#note-0", "La boutique est en ligne ; la formation a eu lieu le 2 décembre.");
        await startup.FillAsync("#links-0", "ليس رابطاً");
        await startup.ClickAsync("#m0 form[action*='handler=deliver'] button[type=submit]");
        await Assertions.Expect(startup.Locator("#links-error-0")).ToBeVisibleAsync();
        await LandedAsync(startup);
        Assert.Equal("La boutique est en ligne ; la formation a eu lieu le 2 décembre.", await startup.InputValueAsync("#note-0"));
        Assert.Equal("ليس رابطاً", await startup.InputValueAsync("#links-0"));
        Assert.Equal("true", await startup.GetAttributeAsync("#links-0", "aria-invalid"));
        await startup.FillAsync("#links-0", "https://argan-souss.ma");
        await startup.ClickAsync("#m0 form[action*='handler=deliver'] button[type=submit]");
        await Journeys.ArriveAsync(startup, "done=delivered");
        await LandedAsync(startup);

        // The SME approves after the confirmation step, which says what is released to whom.
        await sme.ReloadAsync();
        await LandedAsync(sme);
        await sme.ClickAsync("#m0 form.ask-approve button");
        await Assertions.Expect(confirm).ToContainTextAsync(startupName);
        await LandedAsync(sme);
        await confirm.Locator("button[type=submit]").ClickAsync();
        await Journeys.ArriveAsync(sme, "done=approved");
        await LandedAsync(sme);

        // The startup sees the release on its way to its RIB, not yet paid, with the way to its payout details.
        await startup.GotoAsync($"/engagements/{needId}");
        await ReloadUntilAsync(startup, startup.Locator($"#m0 a[href='/payout-details']"), "the payout on its way");
        await LandedAsync(startup);
        await Assertions.Expect(startup.Locator("#m0 .pill.status-released")).ToBeVisibleAsync();

        // Meanwhile the startup answers the cohort's open call from its cohorts page.
        await MenuAsync(startup, "/startup/invitations");
        var call = startup.Locator("#calls ~ ul li", new() { Has = startup.Locator($"a[href='/startup/cohorts/{cohortId}']") });
        await call.Locator("a.button").ClickAsync();
        await Journeys.ArriveAsync(startup, $"/startup/cohorts/{cohortId}");
        await LandedAsync(startup);
        await startup.FillAsync("#answer-0", "Les PME n'arrivent pas à vendre en ligne : nous leur livrons une boutique prête.");
        await startup.FillAsync("#answer-1", "Des coopératives et des PME du Souss.");
        await startup.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(startup, "done=applied");
        await LandedAsync(startup);
        await Assertions.Expect(call.Locator(".pill.status-submitted")).ToBeVisibleAsync();

        // The cohort's manager admits it (through the API).
        var application = (await (await manager.GetAsync($"/api/cohorts/{cohortId}/applications")).Json(HttpStatusCode.OK)).EnumerateArray().Single();
        await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/applications/{application.Id()}/decision", new { admit = true })).Json(HttpStatusCode.OK);

        // The SME reviews the startup once the engagement is completed (the release is a follow-up job's).
        await MenuAsync(sme, "/sme");
        await sme.ClickAsync($"main a[href='/sme/needs/{needId}']");
        await Journeys.ArriveAsync(sme, url => url.EndsWith($"/sme/needs/{needId}"));
        await ReloadUntilAsync(sme, sme.Locator("#review-comment"), "the review form of the completed need");
        await LandedAsync(sme);
        await sme.SelectOptionAsync("#review-quality", "5");
        await sme.SelectOptionAsync("#review-timeliness", "4");
        await sme.SelectOptionAsync("#review-communication", "5");
        await sme.FillAsync("#review-comment", "Boutique livrée à temps, équipe claire et disponible.");
        await sme.ClickAsync("section[aria-labelledby=reviews] form button[type=submit]");
        await Assertions.Expect(sme.Locator("section[aria-labelledby=reviews] article")).ToHaveCountAsync(1); // back on the need's page
        await sme.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await LandedAsync(sme);

        // The startup sees it is admitted, and what comes next: the cohort's goal among its goals.
        await MenuAsync(startup, "/startup/invitations");
        await Assertions.Expect(call.Locator(".pill.status-admitted")).ToBeVisibleAsync();
        await call.Locator($"a[href='/startup/cohorts/{cohortId}']").ClickAsync();
        await Journeys.ArriveAsync(startup, $"/startup/cohorts/{cohortId}");
        await LandedAsync(startup);
        await Assertions.Expect(startup.Locator(".pill.status-admitted")).ToBeVisibleAsync();
        await Assertions.Expect(startup.Locator("dd").Last).ToHaveTextAsync("Des coopératives et des PME du Souss."); // what it answered
        await MenuAsync(startup, "/startup/goals");
        await ReloadUntilAsync(startup, startup.Locator("main h2", new() { HasText = "Premiers clients PME" }), "the cohort's goal");
        await LandedAsync(startup);

        Assert.Empty(wrongDocuments);
    }

    /// <summary>A phone in French whose every main-frame document is watched: an error status or a non-HTML answer is noted.</summary>
    private async Task<IPage> NewPageAsync()
    {
        var page = await host.NewPageAsync(Language);
        followed[page] = [];
        page.Response += (_, response) =>
        {
            if (!response.Request.IsNavigationRequest || response.Frame != page.MainFrame) return;
            var type = response.Headers.TryGetValue("content-type", out var t) ? t : "";
            if (response.Status >= 400 || (response.Status < 300 && !type.StartsWith("text/html", StringComparison.Ordinal)))
                lock (wrongDocuments) wrongDocuments.Add($"{response.Status} {type} {response.Url}");
        };
        return page;
    }

    /// <summary>
    /// The checks of every page a person lands on: an HTML page of the marketplace in French (no error, no JSON), no
    /// English and no raw key (<see cref="HostApi.AssertTranslatedAsync"/>), and each of its links, followed once per
    /// browser, answers a page.
    /// </summary>
    private async Task LandedAsync(IPage page)
    {
        lock (wrongDocuments) Assert.True(wrongDocuments.Count == 0, $"At {page.Url}: {string.Join(" | ", wrongDocuments)}");
        Assert.Equal(Language, await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(1, await page.Locator("main").CountAsync());
        await HostApi.AssertTranslatedAsync(page);
        var links = await page.EvalOnSelectorAllAsync<string[]>("a[href^='/']:not([href^='//'])", "links => links.map(a => a.getAttribute('href'))") ?? [];
        foreach (var link in links.Select(l => l.Split('#')[0]).Where(l => l.Length > 0).Distinct().Where(followed[page].Add))
        {
            var response = await page.APIRequest.GetAsync(link);
            var type = response.Headers.TryGetValue("content-type", out var t) ? t : "";
            Assert.True(response.Status == 200 && (type.StartsWith("text/html", StringComparison.Ordinal) || response.Headers.ContainsKey("content-disposition")),
                $"{page.Url} links to {link}, which answers {response.Status} {type}");
        }
    }

    /// <summary>Goes to a page of the menu as a person on a phone does: unfolds the menu and follows the link.</summary>
    private async Task MenuAsync(IPage page, string href)
    {
        await HostApi.OpenMenuAsync(page);
        await page.ClickAsync($"nav a[href='{href}']");
        await Journeys.ArriveAsync(page, url => new Uri(url).PathAndQuery == href);
        await LandedAsync(page);
    }

    /// <summary>Reloads the page until it shows what a follow-up job brings (a person would come back later).</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator what, string description)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); await what.CountAsync() == 0; await page.ReloadAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{page.Url} still does not show {description}: {await page.InnerTextAsync("main")}");
            await Task.Delay(200);
        }
    }
}
