using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// What the browser journeys need set up beforehand, done through the public API of the host process (as a script
/// or another person would), and the browser steps every role shares (signing in with the e-mailed code).
/// </summary>
internal static partial class HostApi
{
    public static HttpClient Admin(BrowserHost host) => host.Host.Client(HostProcess.AdminToken);

    /// <summary>The latest sign-in code e-mailed to the address (the code is written to the outbox by a job: waits for it).</summary>
    public static async Task<string> CodeAsync(BrowserHost host, string email, int after = 0)
    {
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        for (var waited = 0; waited < 200; waited++)
        {
            if (OutboxFiles.Emails(outbox, email).Count > after) return host.LatestCode(email);
            await Task.Delay(100);
        }
        throw new TimeoutException($"No code e-mailed to {email}.");
    }

    /// <summary>
    /// The latest e-mail of a kind to the address, waited for as its reader would (a follow-up job sends it: under a full
    /// run's load, many seconds after the action that caused it).
    /// </summary>
    public static async Task<System.Text.Json.JsonElement> EmailAsync(BrowserHost host, string email, string kind)
    {
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        for (var waited = 0; waited < 600; waited++)
        {
            var sent = OutboxFiles.Emails(outbox, email).LastOrDefault(e => e.GetProperty("kind").GetString() == kind);
            if (sent.ValueKind != System.Text.Json.JsonValueKind.Undefined) return sent;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind} e-mail to {email}.");
    }

    /// <summary>An account of a self-service role with an API token.</summary>
    public static async Task<HttpClient> SignUpAsync(BrowserHost host, string role, string email, string name, string language = "fr")
    {
        using var anonymous = host.Host.Client();
        await (await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email, role, displayName = name, language })).Json(HttpStatusCode.Accepted);
        return await VerifyAsync(host, anonymous, email, 0);
    }

    /// <summary>A manager account of the institute, created by the admin, with an API token.</summary>
    public static async Task<HttpClient> ManagerAsync(BrowserHost host, string instituteId, string email, string language)
    {
        using var admin = Admin(host);
        await admin.CreateAsync("/api/admin/accounts", new { email, role = "manager", displayName = "Nadia Manager", language, institutes = new[] { instituteId } });
        using var anonymous = host.Host.Client();
        await (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        return await VerifyAsync(host, anonymous, email, 0);
    }

    public static async Task<string> InstituteAsync(BrowserHost host, string run)
    {
        using var admin = Admin(host);
        return await admin.CreateAsync("/api/admin/institutes", new { id = $"inst-{run}", name = $"Jazari Souss-Massa {run}", region = "Souss-Massa" });
    }

    /// <summary>
    /// The work of an awarded need done and paid through the API (the payment pages have their own test): each
    /// milestone funded by bank transfer, confirmed, delivered and approved, so the engagement completes.
    /// </summary>
    public static async Task CompleteEngagementAsync(BrowserHost host, string smeEmail, string startupEmail, string needId)
    {
        using var sme = await SignInAsync(host, smeEmail);
        using var startup = await SignInAsync(host, startupEmail);
        using var admin = Admin(host);
        var engagement = await (await sme.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK);
        for (var i = 0; i < engagement.GetProperty("milestones").GetArrayLength(); i++)
        {
            var funding = await (await sme.PostAsJsonAsync($"/api/needs/{needId}/milestones/{i}/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
            await (await admin.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
                new { amountMinor = funding.GetProperty("amountMinor").GetInt64(), bankReference = $"BOA-{i}" })).Json(HttpStatusCode.OK);
            await (await startup.PostAsJsonAsync($"/api/needs/{needId}/milestones/{i}/deliver", new { note = "Livré.", links = Array.Empty<string>() })).Json(HttpStatusCode.OK);
            await (await sme.PostAsync($"/api/needs/{needId}/milestones/{i}/approve", null)).Json(HttpStatusCode.OK);
        }
        // The last release and the need's completion are the follow-up job's, after the approval's answer.
        for (var tries = 0; (await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString() != "completed"; tries++)
        {
            Assert.True(tries < 300, "The engagement's follow-ups did not complete the need.");
            await Task.Delay(200);
        }
    }

    /// <summary>An API token for an account that exists (signed up in the browser): signs in with a new e-mailed code.</summary>
    private static async Task<HttpClient> SignInAsync(BrowserHost host, string email)
    {
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        int Codes() => OutboxFiles.Emails(outbox, email).Count(e => e.GetProperty("kind").GetString() == "sign-in-code");
        var before = Codes();
        using var anonymous = host.Host.Client();
        await (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        for (var waited = 0; Codes() == before; waited++)
        {
            if (waited == 200) throw new TimeoutException($"No new code e-mailed to {email}.");
            await Task.Delay(100);
        }
        var token = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        var client = host.Host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    private static async Task<HttpClient> VerifyAsync(BrowserHost host, HttpClient anonymous, string email, int after)
    {
        var code = await CodeAsync(host, email, after);
        var token = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code })).Json(HttpStatusCode.OK);
        var client = host.Host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    /// <summary>
    /// Signs the page in with a new e-mailed code and lands in the role's space. The sign-in forms are posted over HTTP
    /// in the browser's language and with its cookies, as the browser would post them, and the session's cookie is
    /// handed to the browser: one page load instead of the four of the walk, which the sign-in's own tests
    /// (<see cref="Journeys.SignInHereAsync"/>, the first-time journeys) still make in the browser.
    /// </summary>
    public static async Task SignInAsync(BrowserHost host, IPage page, string email)
    {
        var before = OutboxFiles.Emails(Path.Combine(host.Host.DataDir, "outbox"), email).Count;
        var jar = new CookieContainer();
        var site = new Uri(host.Url);
        foreach (var cookie in await page.Context.CookiesAsync([host.Url])) jar.Add(site, new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = site };
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(await page.EvaluateAsync<string>("navigator.language"));
        var landing = await Payments.ReceiptTests.SignInOnFormsAsync(http, email, () => CodeAsync(host, email, before));
        await page.Context.AddCookiesAsync(jar.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Url = host.Url, HttpOnly = c.HttpOnly }));
        await page.GotoAsync(landing);
    }

    /// <summary>Unfolds the menu where it is folded (a phone's width); does nothing where it is always open.</summary>
    public static async Task OpenMenuAsync(IPage page)
    {
        var summary = page.Locator("details.menu > summary");
        if (await summary.IsVisibleAsync() && await page.Locator("details.menu[open]").CountAsync() == 0) await summary.ClickAsync();
    }

    /// <summary>Folds the menu again where it unfolded over the page (a phone's width).</summary>
    public static async Task CloseMenuAsync(IPage page)
    {
        if (await page.Locator("details.menu[open] > summary").IsVisibleAsync()) await page.ClickAsync("details.menu > summary");
    }

    /// <summary>Signs up on the pages (role chosen on the form) and enters the code.</summary>
    public static async Task SignUpInBrowserAsync(BrowserHost host, IPage page, string role, string email, string name)
    {
        await page.GotoAsync($"/sign-up?role={role}");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", name);
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(page, "/verify");
        await page.FillAsync("#code", await CodeAsync(host, email));
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(page, url => !url.Contains("/verify"));
    }

    /// <summary>The page's main text has no untranslated key of these prefixes left (a key shows as itself when missing).</summary>
    public static async Task AssertTranslatedAsync(IPage page)
    {
        var text = await page.InnerTextAsync("main");
        Assert.DoesNotMatch(UntranslatedKey(), text);
        var language = await page.GetAttributeAsync("html", "lang");
        if (language is "ar" or "fr") await ExpectOnlyReaderLanguageAsync(page, language); // zgh pages fall back to a second language
    }

    private static readonly Web.Pages.Support.Strings Strings = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HashSet<string>> EnglishPieces = new();

    /// <summary>No text of the English file that differs in the page's language, and no key of the string files, outside what people typed.</summary>
    public static async Task ExpectOnlyReaderLanguageAsync(IPage page, string language)
    {
        // What people typed or the marketplace's data (isolated: <bdi>, dir) may be in any language: left out.
        var body = await page.EvaluateAsync<string>(
            "() => { const b = document.body.cloneNode(true); b.querySelectorAll('bdi, [dir], script, style').forEach(e => e.remove()); return b.textContent; }");
        var pieces = EnglishPieces.GetOrAdd(language, l => Strings.Of("en").Where(e => Strings.Get(l, e.Key) != e.Value).SelectMany(e => Pieces(e.Value)).ToHashSet());
        Assert.True(pieces.Count > 300, $"Only {pieces.Count} English pieces to look for: the check is broken.");
        var english = pieces.Where(body.Contains).ToList();
        Assert.True(english.Count == 0, $"{page.Url} shows English: {string.Join(" | ", english)}");
        var keys = Strings.Of("en").Keys.Where(k => k.Contains('.') && !k.StartsWith("error.", StringComparison.Ordinal) && body.Contains(k)).ToList();
        Assert.True(keys.Count == 0, $"{page.Url} shows raw keys: {string.Join(", ", keys)}");
        Assert.DoesNotMatch(RawKey(), body);
    }

    /// <summary>The fixed pieces of a text (its plural forms, between its values) long enough to be telling.</summary>
    private static IEnumerable<string> Pieces(string text) =>
        (Jazari.Marketplace.Web.Languages.Plurals.HasForms(text) ? Jazari.Marketplace.Web.Languages.Plurals.Forms(text).Values : [text])
            .SelectMany(form => Value().Split(form))
            .Select(piece => piece.Trim(' ', ':', '·', '(', ')', ',', ';', '.'))
            .Where(piece => piece.Length >= 12 && piece.Contains(' '));

    [GeneratedRegex(@"\{[0-9]+(?::[a-z.-]+)?\}")]
    private static partial Regex Value();

    /// <summary>A key such as "kind.message-received" or "status.awaiting-funding".</summary>
    [GeneratedRegex(@"\b(kind|status|milestone|category|region|role|delivery|engagement|application|invitation)\.[a-z]+(-[a-z]+)*\b")]
    private static partial Regex RawKey();

    /// <summary>axe-core finds no serious or critical violation on the page.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = await BrowserHost.SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{page.Url}:\n{string.Join("\n", violations)}");
    }

    [GeneratedRegex(@"\b(cohort|mentor|mentors|application|dashboard|kpi|session|goal|chart|admin|accounts|institutes|import|nav|field|error)\.[a-z-]+\b")]
    private static partial Regex UntranslatedKey();
}
