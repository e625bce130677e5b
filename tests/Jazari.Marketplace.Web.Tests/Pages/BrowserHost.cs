using System.Text.Json;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The built host as its own process on a real socket and a real Azurite, driven by Debian's Chromium through
/// Playwright, never a downloaded browser: its headless shell (<c>/usr/bin/chromium-headless-shell</c>, the same
/// Blink and V8 without the desktop browser around them) where installed, else <c>/usr/bin/chromium</c>, or
/// <c>JAZARI_CHROMIUM</c>. Measured on the phone-layout and journey tests here: the full browser in headless mode took
/// 106 CPU seconds and 78 s, the shell 31 CPU seconds and 38 s; the browser was the largest share of the suite's CPU.
/// Shared by the page tests; with <c>JAZARI_SCREENSHOTS=1</c> they leave screenshots in <c>artifacts/screenshots/</c>
/// at the repository's root (a full-page screenshot costs the browser twice a page load: not taken by default).
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("JAZARI_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium";
    public static string ScreenshotDir => Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    private AzuriteServer storage = null!;
    private IPlaywright playwright = null!;
    public HostProcess Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Url => Host.Url;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        storage = await AzuriteServer.StartAsync();
        Host = await HostProcess.StartAsync(storage.ConnectionString);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
        Directory.CreateDirectory(ScreenshotDir);
        await WarmAsync();
    }

    /// <summary>
    /// One sign-up walked before the first test, with a long wait: in a full run every collection boots its host at
    /// once on two cores, and a test's first pages (JIT, grain activations, tables) then overran its 60 s waits.
    /// </summary>
    private async Task WarmAsync()
    {
        var page = await NewPageAsync("fr");
        page.SetDefaultTimeout(240_000);
        await Journeys.SignUpAsync(this, page, "sme", $"warm-{Guid.NewGuid():N}@example.ma", "Warm");
        ForNextTest();
    }

    public async Task DisposeAsync()
    {
        await tidying;
        await Browser.DisposeAsync();
        playwright.Dispose();
        await Host.DisposeAsync();
        await storage.DisposeAsync();
    }

    private readonly Lock pool = new();
    private readonly List<Lent> lent = [], idle = [];
    private Task tidying = Task.CompletedTask;
    private sealed record Lent(IBrowserContext Context, string Language, bool BypassCsp);

    /// <summary>
    /// Called as each test class of the collection is made (<c>host.ForNextTest()</c>): the collection's tests run one
    /// after the other, so the previous test has ended. Its pages are closed and its contexts' cookies cleared, and the
    /// contexts serve the next pages. Measured in Chromium here: a new context costs about 2 CPU seconds (its renderer,
    /// its network state, its first page load), a reused one a third of that; and every open page, even idle, takes
    /// about 2 % of a core. Contexts made per page and never closed were most of the page tests' time.
    /// </summary>
    public BrowserHost ForNextTest()
    {
        List<Lent> ended;
        lock (pool)
        {
            ended = [.. lent];
            lent.Clear();
        }
        tidying = TidyAsync(ended, tidying);
        return this;
    }

    private async Task TidyAsync(List<Lent> ended, Task before)
    {
        await before;
        foreach (var context in ended)
        {
            try
            {
                foreach (var page in context.Context.Pages.ToList()) await page.CloseAsync();
                await context.Context.ClearCookiesAsync();
                lock (pool) idle.Add(context);
            }
            catch (PlaywrightException) when (!Browser.Contexts.Contains(context.Context)) { } // closed by its test
        }
    }

    /// <summary>
    /// A new page with no cookies on a phone-sized screen, its Accept-Language set to the language: in a context of an
    /// earlier test (the pages store nothing but cookies: no script), or a new one.
    /// </summary>
    public async Task<IPage> NewPageAsync(string language, bool bypassCsp = false)
    {
        await tidying;
        IBrowserContext? context;
        lock (pool)
        {
            var reused = idle.FirstOrDefault(c => c.Language == language && c.BypassCsp == bypassCsp);
            if (reused is not null) idle.Remove(reused);
            context = reused?.Context;
        }
        context ??= await Browser.NewContextAsync(new()
        {
            BaseURL = Url, Locale = language, ViewportSize = new() { Width = 390, Height = 844 }, BypassCSP = bypassCsp,
        });
        lock (pool) lent.Add(new(context, language, bypassCsp));
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000); // generous: a full run boots every collection's host on 2 cores at once
        return page;
    }

    public string LatestCode(string email) => OutboxFiles.LatestCode(Path.Combine(Host.DataDir, "outbox"), email);

    private static readonly bool Screenshots = Environment.GetEnvironmentVariable("JAZARI_SCREENSHOTS") == "1";

    public static Task ScreenshotAsync(IPage page, string name) => Screenshots
        ? page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true })
        : Task.CompletedTask;

    private static readonly Lazy<string> Axe = new(() =>
        File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "local", "node_modules", "axe-core", "axe.min.js")));

    /// <summary>Runs axe-core (pinned in infra/local/package.json) in the page; returns the serious and critical violations.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        await page.EvaluateAsync(Axe.Value);
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))");
        return [.. result.EnumerateArray().Select(v => v.GetString()!)];
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserHost>
{
    public const string Name = "browser";
}

/// <summary>
/// A second browser host with its own Azurite, so the page tests run as two queues side by side instead of one
/// (each collection's tests run one after another; one queue took 16 minutes).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SecondBrowserCollection : ICollectionFixture<BrowserHost>
{
    public const string Name = "browser-2";
}
