using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The administrator in the browser: signs in with the admin token, creates an institute and its manager's account,
/// imports a catalogue file (a refused record is listed with its reason), and is refused with a wrong token.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar")]
    public async Task An_admin_creates_an_institute_and_its_manager_and_imports_a_catalogue(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync(language, bypassCsp: true);
        await page.GotoAsync("/sign-in/admin");
        await page.FillAsync("#token", "not-the-admin-token-at-all");
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("#token ~ .error")).ToBeVisibleAsync();
        await page.FillAsync("#token", HostProcess.AdminToken);
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/admin$");
        // The home leads to each page an admin looks after, the ones the payments page links to included.
        var cards = await page.Locator(".card-title a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["/admin/accounts", "/admin/institutes", "/admin/import", "/admin/payments", "/admin/held-payouts", "/admin/bank-statements", "/admin/programmes", "/admin/audit"], cards);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "admin", language);

        // An institute: a bad identifier is refused next to its field, then a good one is listed.
        await page.GotoAsync("/admin/institutes");
        Assert.Equal("", await page.InputValueAsync("#region")); // chosen by the admin, never the list's first by default
        // The identifier's example reads left to right inside the Arabic hint, whole, wherever the line breaks.
        Assert.Equal("jazari-souss-massa", await page.InnerTextAsync("#id-hint bdi[dir=ltr]"));
        await page.FillAsync("#name", $"Jazari Oriental {run}");
        await page.FillAsync("#id", "Bad Id!");
        await page.EvalOnSelectorAsync("#id", "e => e.removeAttribute('pattern')");
        await page.SelectOptionAsync("#region", "Oriental");
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("#id ~ .error")).ToBeVisibleAsync();
        await page.FillAsync("#id", $"oriental-{run}");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "created=true");
        await Assertions.Expect(page.Locator("table tbody th", new() { HasText = $"Jazari Oriental {run}" })).ToBeVisibleAsync();
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "admin-institutes", language);

        // The institute's manager, who then signs in and finds the institute ready for a cohort.
        await page.GotoAsync("/admin/accounts");
        var managerEmail = $"manager-{run}@example.ma";
        await page.FillAsync("#email", managerEmail);
        await page.FillAsync("#name", "Nadia");
        await page.CheckAsync($"input[name=InstituteIds][value=oriental-{run}]");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "created=");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync(managerEmail);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "admin-accounts", language);
        // The institute's row names its manager, invited and not signed in yet.
        var row = page.Locator("table tbody tr", new() { Has = page.Locator("th", new() { HasText = $"Jazari Oriental {run}" }) });
        await page.GotoAsync("/admin/institutes");
        await Assertions.Expect(row.Locator("li", new() { HasText = "Nadia" })).ToContainTextAsync(managerEmail);
        await Assertions.Expect(row.Locator("li .pill")).ToHaveCountAsync(1);
        var manager = await host.NewPageAsync(language);
        // The invitation's link opens the sign-in page with the new manager's address already in its field.
        var invitation = (await HostApi.EmailAsync(host, managerEmail, "account-invitation")).GetProperty("text").GetString()!;
        await manager.GotoAsync(System.Text.RegularExpressions.Regex.Match(invitation, @"https?://\S+/sign-in\S*").Value);
        Assert.Equal(managerEmail, await manager.InputValueAsync("#email"));
        await HostApi.SignInAsync(host, manager, managerEmail);
        await manager.GotoAsync("/manager/cohorts/new");
        Assert.Contains($"oriental-{run}", await manager.InnerHTMLAsync("#institute"));
        await page.ReloadAsync();
        await Assertions.Expect(row.Locator("li", new() { HasText = "Nadia" })).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("li .pill")).ToHaveCountAsync(0);
        await HostApi.AssertTranslatedAsync(page);

        // A catalogue file: one startup imported, one refused with its reason.
        var file = Path.Combine(Path.GetTempPath(), $"catalogue-{run}.json");
        await File.WriteAllTextAsync(file, $$"""
            { "startups": [
                { "id": "st-import-{{run}}", "name": "Import Atlas", "city": "Oujda", "region": "Oriental", "categories": ["website"],
                  "skills": ["wordpress"], "description": "Sites web pour PME.", "languages": ["fr"], "priceMinMad": 5000, "priceMaxMad": 20000,
                  "regionsServed": ["*"], "capacity": 2 },
                { "id": "st-refused-{{run}}", "name": "", "city": "Oujda", "region": "Nowhere" }
            ] }
            """);
        await page.GotoAsync("/admin/import");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("section[aria-labelledby=report]")).ToBeVisibleAsync();
        Assert.Equal("1", (await page.InnerTextAsync("section[aria-labelledby=report] tbody tr:first-child td:nth-child(3)")).Trim());
        await Assertions.Expect(page.Locator("section[aria-labelledby=report] li").First).ToContainTextAsync($"st-refused-{run}");
        // Each reason on its own line, the field as the file names it, left to right in any page.
        await Assertions.Expect(page.Locator("section[aria-labelledby=report] li li bdi[dir=ltr] code", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^region$") })).ToHaveCountAsync(1);
        // A value outside a list is answered with the codes the file may use, not "choose an option" (a file has none):
        // a short list in the reason, a long one (the regions) in the page's list of codes.
        var regionReason = page.Locator("section[aria-labelledby=report] li li", new() { Has = page.Locator("code", new() { HasTextRegex = new Regex("^region$") }) });
        await Assertions.Expect(regionReason).ToContainTextAsync(Strings.Get(language, "import.one-of-listed"));
        Assert.DoesNotContain(Strings.Get(language, "error.choose"), await regionReason.InnerTextAsync());
        // An example file to write one from: the demo catalogue, its dates written out.
        var example = await page.APIRequest.GetAsync("/admin/import?handler=example");
        Assert.Equal(200, example.Status);
        using (var catalogue = System.Text.Json.JsonDocument.Parse(await example.TextAsync()))
        {
            Assert.Equal(["needs", "smes", "startups"], catalogue.RootElement.EnumerateObject().Select(p => p.Name).Order());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", catalogue.RootElement.GetProperty("needs")[0].GetProperty("deadline").GetString());
        }
        // The page lists every code with its name in the reader's language.
        await page.ClickAsync("#codes summary");
        await Assertions.Expect(page.Locator("#codes li", new() { Has = page.Locator("code", new() { HasTextRegex = new Regex("^Souss-Massa$") }) }))
            .ToContainTextAsync(Strings.Get(language, "region.Souss-Massa"));
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "admin-import", language);
        // The report came after a redirect: a reload sends the file again no more, and the report was shown once.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("section[aria-labelledby=report]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#file")).ToBeVisibleAsync();
        File.Delete(file);

        // A long report (60 refused records with long ids) lists what fits in one cookie and says so: the redirect's
        // cookie stays small, and the next pages load (a report split into many cookies made every request a 431).
        var messy = string.Join(",", Enumerable.Range(0, 60).Select(i =>
            $$"""{ "id": "st-messy-{{run}}-{{i}}-{{new string('x', 300)}}", "name": "", "city": "Oujda", "region": "Nowhere", "categories": ["nothing"], "languages": ["xx"] }"""));
        await File.WriteAllTextAsync(file, $$"""{ "startups": [{{messy}}] }""");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("section[aria-labelledby=report] #listed")).ToBeVisibleAsync();
        var cookies = await page.Context.CookiesAsync();
        Assert.True(cookies.Sum(c => c.Name.Length + c.Value.Length) < 8_000, $"{cookies.Count} cookies, {cookies.Sum(c => c.Value.Length)} characters");
        Assert.Equal(200, (await page.GotoAsync("/admin"))!.Status);
        await page.GotoAsync("/admin/import");
        // A property given twice is refused, as the API refuses it, and says where.
        await File.WriteAllTextAsync(file, $$"""{ "smes": [{ "id": "sme-twice-{{run}}", "id": "sme-twice-b-{{run}}", "name": "Deux fois" }] }""");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("#file ~ .error")).ToContainTextAsync("$.smes[0].id");
        using (var api = HostApi.Admin(host))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await api.GetAsync($"/api/smes/sme-twice-b-{run}")).StatusCode);

        // A file that is not JSON is refused, and nothing is imported.
        await File.WriteAllTextAsync(file, "<html>not json</html>");
        await page.SetInputFilesAsync("#file", file);
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("#file ~ .error")).ToBeVisibleAsync();
        File.Delete(file);

        // The audit trail shows what the admin did, in the reader's words, and filters by action, by who acted and by days.
        await page.GotoAsync("/admin/audit");
        var created = page.Locator("#audit tbody tr", new() { Has = page.Locator("td", new() { HasTextRegex = new Regex($"^oriental-{run}$") }) });
        await Assertions.Expect(created).ToHaveCountAsync(1);
        await Assertions.Expect(created).ToContainTextAsync(Strings.Get(language, "audit.action.institute-created"));
        await Assertions.Expect(created.Locator("bdi", new() { HasText = $"Jazari Oriental {run}" })).ToHaveCountAsync(1);
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await Shot(page, "admin-audit", language);
        await page.SelectOptionAsync("#action", "institute-created");
        await page.ClickAsync("#audit-filters button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "action=institute-created");
        await Assertions.Expect(created).ToHaveCountAsync(1);
        var actions = await page.Locator("#audit tbody td:nth-child(3)").AllInnerTextsAsync();
        Assert.All(actions, a => Assert.Equal(Strings.Get(language, "audit.action.institute-created"), a.Trim()));
        // A name filters by that account, the action kept; a reload shows the same.
        await created.Locator("td:nth-child(2) a").ClickAsync();
        await Journeys.ExpectUrlAsync(page, "actor=admin");
        Assert.Contains("action=institute-created", page.Url);
        await page.ReloadAsync();
        await Assertions.Expect(created).ToHaveCountAsync(1);
        Assert.Equal("admin", await page.InputValueAsync("#actor"));
        // The next page of these filters is the next 50 (none here), not the first again; past the last page, a refusal.
        var filtered = page.Url;
        await page.GotoAsync(filtered + "&page=2");
        await Assertions.Expect(page.Locator("#audit-none")).ToBeVisibleAsync();
        await Assertions.Expect(created).ToHaveCountAsync(0);
        await page.GotoAsync(filtered + "&page=101");
        await Assertions.Expect(page.Locator("div[role=alert]")).ToBeVisibleAsync();
        await page.GotoAsync(filtered);
        // A day that does not exist is refused next to its field, as the API refuses it, and nothing is listed.
        await page.FillAsync("#from-day", "31");
        await page.SelectOptionAsync("#from-month", "02");
        await page.FillAsync("#from-year", "2026");
        await page.ClickAsync("#audit-filters button[type=submit]");
        await Assertions.Expect(page.Locator("#from .error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#audit")).ToHaveCountAsync(0);
        await HostApi.AssertTranslatedAsync(page);
    }

    [Fact]
    public async Task Other_roles_cannot_open_the_admin_and_manager_pages()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync("fr");
        await HostApi.SignUpInBrowserAsync(host, page, "startup", $"startup-{run}@example.ma", "Youssef");
        foreach (var path in new[] { "/admin", "/admin/import", "/admin/audit", "/manager", "/mentor" })
        {
            var response = await page.GotoAsync(path);
            Assert.EndsWith("/denied", new Uri(page.Url).AbsolutePath);
            Assert.Equal(403, response!.Status); // said as a refusal, not a page like any other
        }
        var anonymous = await host.NewPageAsync("fr");
        await anonymous.GotoAsync("/admin/accounts");
        Assert.Equal("/sign-in", new Uri(anonymous.Url).AbsolutePath);
    }

    private static readonly Jazari.Marketplace.Web.Pages.Support.Strings Strings = new();

    private static Task Shot(IPage page, string name, string language) => BrowserHost.ScreenshotAsync(page, $"{name}-{language}");
}
