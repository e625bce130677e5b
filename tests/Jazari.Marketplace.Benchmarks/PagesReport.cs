using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--pages</c>: the main web pages loaded by Debian's Chromium against the real host process on Azurite (demo
/// catalogue on), each <c>loads</c> times in a fresh browser context (cold cache, as a first visit on a phone), beside
/// the host's style sheet as a static file in the same run. From the browser's Navigation and Resource Timing:
/// bytes transferred (the document and everything it fetched), time to first byte, to the load event and to the first
/// contentful paint; p50. The loads are interleaved: round by round, every page and the static file once a round.
/// </summary>
public static partial class PagesReport
{
    public static async Task RunAsync(int loads, string? dumpDir = null)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        await using var storage = await AzuriteServer.StartAsync();
        await using var host = await HostProcess.StartAsync(storage.ConnectionString, settings: new Dictionary<string, string> { ["Demo__Enabled"] = "true" });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Environment.GetEnvironmentVariable("JAZARI_CHROMIUM") ?? "/usr/bin/chromium", Headless = true });

        var sme = await SignUpAsync(browser, host, "sme");
        var smePage = sme.Pages[0];
        await smePage.FillAsync("#name", "Argan Souss");
        await smePage.FillAsync("#sector", "Cosmétique");
        await smePage.FillAsync("#city", "Agadir");
        await smePage.SelectOptionAsync("#region", "Souss-Massa");
        await smePage.FillAsync("#employees", "12");
        await smePage.ClickAsync("form.form button[type=submit]");
        await smePage.GotoAsync("/sme/needs/new?category=ecommerce");
        await smePage.FillAsync("#title", "Boutique en ligne pour notre huile d'argan");
        await smePage.FillAsync("#description", "Une boutique en ligne avec paiement par carte et livraison partout au Maroc, en français et en arabe.");
        await smePage.FillAsync("#skills", "WooCommerce, paiement");
        await smePage.FillAsync("#budgetMin", "15000");
        await smePage.FillAsync("#budgetMax", "40000");
        await smePage.ClickAsync("button[name=publish][value=true]");
        await smePage.WaitForURLAsync(new Regex("/sme/needs/need-"));
        var needPath = new Uri(smePage.Url).AbsolutePath;

        var startup = await SignUpAsync(browser, host, "startup");
        var startupPage = startup.Pages[0];
        await startupPage.FillAsync("#name", "Atlas Digital");
        await startupPage.FillAsync("#description", "Boutiques en ligne et paiement pour les PME : WooCommerce, Shopify, CMI.");
        await startupPage.CheckAsync("input[name='Input.Categories'][value=ecommerce]");
        await startupPage.FillAsync("#skills", "WooCommerce, Shopify, paiement en ligne");
        await startupPage.FillAsync("#city", "Rabat");
        await startupPage.SelectOptionAsync("#region", "Rabat-Sale-Kenitra");
        await startupPage.FillAsync("#priceMin", "5000");
        await startupPage.FillAsync("#priceMax", "80000");
        await startupPage.ClickAsync("form.form button[type=submit]");
        await startupPage.WaitForURLAsync(new Regex("/startup"));
        var startupNeedPath = needPath.Replace("/sme/", "/startup/");

        var (managerState, mentorState, dashboardPath, mentorStartupPath) = await IncubationAsync(browser, host);
        var smeState = await sme.StorageStateAsync();
        var startupState = await startup.StorageStateAsync();
        var adminState = await AdminAsync(browser, host);
        var css = await smePage.GetAttributeAsync("link[rel=stylesheet]", "href");
        var startupPublicPath = mentorStartupPath.Replace("/mentor/", "/");
        (string Name, string Path, string? State, string Language)[] pages =
        [
            ("landing", "/", null, "fr"), ("landing (ar)", "/", null, "ar"), ("landing (zgh, Tifinagh font)", "/", null, "zgh"), ("sign-in", "/sign-in", null, "fr"),
            ("SME: my needs", "/sme", smeState, "fr"), ("SME: post a need (step 2)", "/sme/needs/new?category=ecommerce", smeState, "fr"),
            ("SME: a need, matches and bids", needPath, smeState, "fr"), ("SME: a startup's public page", startupPublicPath, smeState, "ar"),
            ("SME: maturity questionnaire (25 questions)", "/sme/assessment/take", smeState, "ar"), ("SME: co-funding programmes", "/sme/programmes", smeState, "fr"),
            ("impact figures (public)", "/impact", null, "ar"),
            ("startup: needs for you", "/startup", startupState, "fr"), ("startup: a need and the bid form", startupNeedPath, startupState, "ar"),
            ("startup: cohorts and open calls", "/startup/invitations", startupState, "fr"), ("startup: payout details (RIB)", "/payout-details", startupState, "ar"),
            ("manager: cohort dashboard (SVG charts)", dashboardPath, managerState, "fr"), ("mentor: a startup and the session form", mentorStartupPath, mentorState, "ar"),
            ("admin: bank statements", "/admin/bank-statements", adminState, "fr"), ("admin: held payouts", "/admin/held-payouts", adminState, "ar"),
        ];
        (string Name, string Path, string? State, string Language) staticFile = ("static file: " + css!.Split('?')[0], css, null, "fr");
        if (dumpDir is not null)
        {
            // Probe aid: each page's HTML as served (and the assets), to load from a static server with parts removed.
            Directory.CreateDirectory(Path.Combine(dumpDir, "assets"));
            var i = 0;
            foreach (var page in pages)
            {
                await using var context = await browser.NewContextAsync(new() { BaseURL = host.Url, StorageState = page.State, Locale = page.Language, ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = page.Language } });
                var response = await context.APIRequest.GetAsync(page.Path);
                var name = $"p{i++:00}-" + Regex.Replace(page.Name.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-') + ".html";
                await File.WriteAllTextAsync(Path.Combine(dumpDir, name), await response.TextAsync());
            }
            await using var anonymous = await browser.NewContextAsync(new() { BaseURL = host.Url });
            foreach (var asset in new[] { "site.css", "icon.svg", "tifinagh.css" })
            {
                var response = await anonymous.APIRequest.GetAsync("/assets/" + asset);
                if (response.Ok) await File.WriteAllBytesAsync(Path.Combine(dumpDir, "assets", asset), await response.BodyAsync());
            }
            return;
        }

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {string.Join(' ', load)} before timing, " +
            $"Chromium {browser.Version}, {loads} rounds of one load of every page (the static file among them), each in a fresh context (cold cache), p50; targets: under 150 KB, load within 2x the static file's");
        Console.WriteLine("| page | bytes transferred | time to first byte | load | load ÷ static file | target | first paint | first paint ÷ static file |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|");
        // Round by round: each round loads every page once, the static file among them, so that a slow moment of the
        // machine (a page's p50 moved by up to 50 ms between runs, and the static file's by 25 ms between the start
        // and the end of one run) weighs on the pages and on their baseline alike.
        var all = pages.Append(staticFile).ToArray();
        foreach (var page in all) await MeasureAsync(browser, host.Url, page.Path, page.State, page.Language); // warm-up: the host's first render
        var runs = all.Select(_ => new List<Timing>()).ToArray();
        for (var i = 0; i < loads; i++)
            for (var p = 0; p < all.Length; p++) runs[p].Add(await MeasureAsync(browser, host.Url, all[p].Path, all[p].State, all[p].Language));
        var medians = runs.Select(r => new Timing(Median(r.Select(x => x.Bytes)), Median(r.Select(x => x.Ttfb)), Median(r.Select(x => x.Load)), Median(r.Select(x => x.Painted)))).ToArray();
        var baseline = medians[^1];
        for (var p = 0; p < all.Length; p++)
        {
            var t = medians[p];
            var pass = t.Bytes < 150 * 1000 && t.Load <= 2 * baseline.Load;
            Console.WriteLine($"| {all[p].Name} | {t.Bytes / 1024:F1} KiB | {t.Ttfb:F1} ms | {t.Load:F1} ms | {t.Load / baseline.Load:F2}× | {(pass ? "PASS" : "**FAIL**")} " +
                $"| {t.Painted:F1} ms | {t.Painted / baseline.Painted:F2}× |");
        }
    }

    /// <summary>An admin's page session, signed in with the admin token.</summary>
    private static async Task<string> AdminAsync(IBrowser browser, HostProcess host)
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = host.Url, Locale = "fr" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in/admin");
        await page.FillAsync("#token", HostProcess.AdminToken);
        await page.ClickAsync("form.form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/admin$"));
        return await context.StorageStateAsync();
    }

    private static async Task<Timing> MeasureAsync(IBrowser browser, string url, string path, string? state, string language)
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = url, StorageState = state, Locale = language, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
        // The first contentful paint may come after the load event (it does on pages without input fields, whose first
        // layout is not forced before it): wait for it, at most 5 s.
        var timing = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const resources = performance.getEntriesByType('resource').reduce((sum, r) => sum + r.transferSize, 0);
              const paint = await new Promise(done => {
                new PerformanceObserver(list => { const p = list.getEntriesByName('first-contentful-paint')[0]; if (p) done(p.startTime); })
                  .observe({ type: 'paint', buffered: true });
                setTimeout(() => done(-1), 5000);
              });
              return { bytes: nav.transferSize + resources, ttfb: nav.responseStart - nav.startTime, load: nav.loadEventEnd - nav.startTime, paint };
            }
            """);
        return new(timing.GetProperty("bytes").GetDouble(), timing.GetProperty("ttfb").GetDouble(), timing.GetProperty("load").GetDouble(),
            timing.GetProperty("paint").GetDouble());
    }

    private sealed record Timing(double Bytes, double Ttfb, double Load, double Painted);

    /// <summary>
    /// An institute, its manager and a cohort of two startups with a mentor (set up through the API, as an admin and
    /// the manager would); the manager's and the mentor's page sessions, the dashboard and the mentor's startup page.
    /// </summary>
    private static async Task<(string Manager, string Mentor, string Dashboard, string MentorStartup)> IncubationAsync(IBrowser browser, HostProcess host)
    {
        using var admin = host.Client(HostProcess.AdminToken);
        var institute = $"inst-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/api/admin/institutes", new { id = institute, name = "Jazari Souss-Massa", region = "Souss-Massa" })).EnsureSuccessStatusCode();
        var managerEmail = $"manager-{Guid.NewGuid():N}@bench.jazari.ma";
        (await admin.PostAsJsonAsync("/api/admin/accounts", new { email = managerEmail, role = "manager", displayName = "Nadia", language = "fr", institutes = new[] { institute } })).EnsureSuccessStatusCode();
        var manager = await SignInAsync(browser, host, managerEmail);
        using var managerApi = await ApiClientAsync(host, managerEmail);
        var day = (int d) => DateTime.UtcNow.AddDays(d).ToString("yyyy-MM-dd");
        var cohort = await IdOfAsync(await managerApi.PostAsJsonAsync("/api/cohorts", new
        {
            instituteId = institute, name = "Cohorte Agadir", startsOn = day(30), endsOn = day(210), questions = new[] { "Quel problème résolvez-vous ?" },
            rubric = new[] { new { name = "Équipe", weight = 3 } }, goals = new[] { new { what = "Premiers clients PME", unit = "clients", target = 5L, dueOn = day(120) } },
        }));
        var mentor = await SignUpAsync(browser, host, "mentor");
        var mentorPage = mentor.Pages[0];
        await mentorPage.GotoAsync("/mentor/profile");
        await mentorPage.FillAsync("#name", "Salma Idrissi");
        await mentorPage.FillAsync("#expertise", "e-commerce, WooCommerce");
        await mentorPage.CheckAsync("input[name='Input.Languages'][value=fr]");
        await mentorPage.ClickAsync("form.form button[type=submit]");
        await mentorPage.WaitForURLAsync(new Regex("/mentor$"));
        string? startupId = null;
        foreach (var name in new[] { "Atlas Web", "Souss Digital" })
        {
            using var startup = await ApiSignUpAsync(host, "startup");
            startupId = await IdOfAsync(await startup.PostAsJsonAsync("/api/startups", new
            {
                name, city = "Agadir", region = "Souss-Massa", categories = new[] { "ecommerce" }, skills = new[] { "woocommerce" },
                description = "Boutiques en ligne pour PME.", languages = new[] { "fr", "ar" }, priceMinMad = 5000, priceMaxMad = 80000,
                regionsServed = new[] { "*" }, capacity = 3,
            }));
            // The manager invites; the startup accepts (a startup joins a cohort only by its own consent).
            var invitation = JsonDocument.Parse(await (await managerApi.PostAsJsonAsync($"/api/cohorts/{cohort}/members", new { startupId })).EnsureSuccessStatusCode()
                .Content.ReadAsStringAsync()).RootElement.GetProperty("invitationId").GetString();
            (await startup.PostAsync($"/api/me/invitations/{invitation}/accept", null)).EnsureSuccessStatusCode();
        }
        var suggestions = JsonDocument.Parse(await managerApi.GetStringAsync($"/api/cohorts/{cohort}/mentors/suggestions?startupId={startupId}&top=50")).RootElement;
        var mentorId = suggestions.EnumerateArray().First(x => x.GetProperty("name").GetString() == "Salma Idrissi").GetProperty("mentorId").GetString();
        (await managerApi.PostAsJsonAsync($"/api/cohorts/{cohort}/mentors", new { mentorId, startupId })).EnsureSuccessStatusCode();
        return (await manager.StorageStateAsync(), await mentor.StorageStateAsync(), $"/manager/cohorts/{cohort}/dashboard", $"/mentor/startups/{startupId}");
    }

    private static async Task<string> IdOfAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<HttpClient> ApiSignUpAsync(HostProcess host, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@bench.jazari.ma";
        using var anonymous = host.Client();
        (await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email, role, displayName = "Bench " + role, language = "fr" })).EnsureSuccessStatusCode();
        return await ApiClientAsync(host, email, signIn: false);
    }

    private static async Task<HttpClient> ApiClientAsync(HostProcess host, string email, bool signIn = true)
    {
        using var anonymous = host.Client();
        var sent = MailsTo(host, email);
        if (signIn) (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email })).EnsureSuccessStatusCode();
        for (var tries = 0; signIn && MailsTo(host, email) == sent && tries < 200; tries++) await Task.Delay(100); // the new code, not the page's
        var verified = await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code = await CodeAsync(host, email) });
        var token = JsonDocument.Parse(await verified.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        return host.Client(token);
    }

    private static async Task<IBrowserContext> SignInAsync(IBrowser browser, HostProcess host, string email)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = host.Url, Locale = "fr" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.FillAsync("#email", email);
        await page.ClickAsync("form.form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/verify"));
        await page.FillAsync("#code", await CodeAsync(host, email));
        await page.ClickAsync("form.form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/verify"));
        return context;
    }

    private static async Task<IBrowserContext> SignUpAsync(IBrowser browser, HostProcess host, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@bench.jazari.ma";
        var context = await browser.NewContextAsync(new() { BaseURL = host.Url, Locale = "fr" });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/sign-up?role={role}");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", "Bench " + role);
        await page.ClickAsync("form.form button[type=submit]");
        await page.WaitForURLAsync(new Regex("/verify"));
        await page.FillAsync("#code", await CodeAsync(host, email));
        await page.ClickAsync("form.form button[type=submit]");
        // SMEs and startups land on their profile form; a mentor on their startups.
        await page.WaitForURLAsync(new Regex(role == "mentor" ? "/mentor" : "/profile"));
        return context;
    }

    /// <summary>The code e-mailed to the address (written to the outbox by a job: waits for it up to 20 s).</summary>
    private static async Task<string> CodeAsync(HostProcess host, string email)
    {
        for (var tries = 0; ; tries++)
        {
            try { return LatestCode(Path.Combine(host.DataDir, "outbox"), email); }
            catch (Exception e) when (e is InvalidOperationException or DirectoryNotFoundException && tries < 200) { await Task.Delay(100); }
        }
    }

    private static int MailsTo(HostProcess host, string email)
    {
        var outbox = Path.Combine(host.DataDir, "outbox");
        return Directory.Exists(outbox)
            ? Directory.GetFiles(outbox, "*.json").Count(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("to").GetString() == email)
            : 0;
    }

    private static string LatestCode(string outbox, string email)
    {
        var text = Directory.GetFiles(outbox, "*.json").Order().Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Last(e => e.GetProperty("to").GetString() == email).GetProperty("text").GetString()!;
        return SixDigits().Matches(text).Last().Value;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [GeneratedRegex(@"\b[0-9]{6}\b")]
    private static partial Regex SixDigits();
}
