using Jazari.Marketplace.Tests;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>What people do in the browser, step by step, with selectors that hold in every language.</summary>
internal static partial class Journeys
{
    /// <summary>Waits for the document, not for every subresource: under a loaded CI machine the load event was seen late.</summary>
    public static readonly PageWaitForURLOptions Loaded = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    /// <summary>
    /// Waits for the address, then for the document as the page itself reports it. The sign-in steps run hundreds of
    /// times a suite, and now and then, after a form's redirect, the address had changed and the network was idle
    /// but the DOMContentLoaded event never reached Playwright (a 60 s timeout). Playwright's own URL wait is not used
    /// either: after the address matches it waits for a load state of its own, which a clean-clone run under full load
    /// saw hang for 120 s after the code was sent from /verify, the network idle.
    /// </summary>
    public static async Task ArriveAsync(IPage page, Func<string, bool> url)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(50))
        {
            try
            {
                if (url(page.Url) && await page.EvaluateAsync<string>("document.readyState") != "loading") return;
            }
            catch (PlaywrightException) { } // the context of the previous document, gone meanwhile
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{page.Url}: not the expected address, or not loaded, within 90 s.");
        }
    }

    public static Task ArriveAsync(IPage page, string fragment) => ArriveAsync(page, url => url.Contains(fragment));

    public static async Task SignUpAsync(BrowserHost host, IPage page, string role, string email, string name)
    {
        await page.GotoAsync($"/sign-up?role={role}");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", name);
        await page.ClickAsync("form.form button[type=submit]");
        await ExpectUrlAsync(page, "/verify");
        // Just signed up: the code was sent, for sure (the sign-in's "if this address has an account" would puzzle).
        var language = await page.EvaluateAsync<string>("document.documentElement.lang");
        Assert.Equal(new Jazari.Marketplace.Web.Pages.Support.Strings().Get(language, "verify.lead-sign-up").Replace("{0}", email),
            await page.Locator("#verify-lead").InnerTextAsync());
        await page.FillAsync("#code", host.LatestCode(email));
        await page.ClickAsync("form.form button[type=submit]");
        await ExpectUrlAsync(page, "/profile\\?first=true");
    }

    /// <summary>Signs in on the sign-in page the browser is on (keeping its return address).</summary>
    public static async Task SignInHereAsync(BrowserHost host, IPage page, string email)
    {
        var before = OutboxFiles.Emails(Path.Combine(host.Host.DataDir, "outbox"), email).Count;
        await page.FillAsync("#email", email);
        await page.ClickAsync("form.form button[type=submit]");
        await ArriveAsync(page, "/verify");
        await page.FillAsync("#code", await HostApi.CodeAsync(host, email, before));
        await page.ClickAsync("form.form button[type=submit]");
        await ArriveAsync(page, url => !url.Contains("/verify"));
    }

    /// <summary>Waits for the page to reach a URL; if it does not, the failure says what the page shows instead.</summary>
    public static async Task ExpectUrlAsync(IPage page, string pattern)
    {
        var expected = new Regex(pattern);
        try
        {
            await ArriveAsync(page, url => expected.IsMatch(url));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Expected {pattern}, still at {page.Url}: {await page.InnerTextAsync("body")}");
        }
    }

    public static async Task SmeProfileAsync(IPage page, string name)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#sector", "Commerce");
        await page.FillAsync("#city", "Casablanca");
        Assert.Equal("", await page.InputValueAsync("#region")); // nobody's region is chosen for them
        await page.SelectOptionAsync("#region", "Casablanca-Settat");
        await page.FillAsync("#employees", "12");
        await page.ClickAsync("form.form button[type=submit]");
        await ArriveAsync(page, url => new Regex("/sme\\?profile=saved").IsMatch(url));
    }

    /// <summary>Posts and publishes a need through the two guided steps; returns its id.</summary>
    public static async Task<string> PostNeedAsync(IPage page, string title, string description, string skills = "WooCommerce, paiement")
    {
        await page.GotoAsync("/sme/needs/new");
        await page.CheckAsync("input[name=category][value=ecommerce]");
        await page.ClickAsync("form.form button[type=submit]");
        await page.WaitForSelectorAsync("#budget-guide");
        await page.FillAsync("#title", title);
        await page.FillAsync("#description", description);
        await page.FillAsync("#skills", skills);
        await page.FillAsync("#budgetMin", "15000");
        await page.FillAsync("#budgetMax", "30000");
        await page.ClickAsync("button[name=publish][value=true]");
        await ArriveAsync(page, url => NeedUrl().IsMatch(url));
        return NeedUrl().Match(page.Url).Groups[1].Value;
    }

    public static async Task StartupProfileAsync(IPage page, string name, string description)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#description", description);
        await page.CheckAsync("input[name='Input.Categories'][value=ecommerce]");
        await page.FillAsync("#skills", "WooCommerce, Shopify, paiement en ligne");
        await page.FillAsync("#city", "Rabat");
        Assert.Equal("", await page.InputValueAsync("#region"));
        await page.SelectOptionAsync("#region", "Rabat-Sale-Kenitra");
        Assert.Equal(0, await page.Locator("input[name='Input.RegionsServed']:checked").CountAsync()); // the startup chooses where it works
        await page.CheckAsync("input[name='Input.RegionsServed'][value='*']");
        await page.FillAsync("#priceMin", "5000");
        await page.FillAsync("#priceMax", "60000");
        await page.ClickAsync("form.form button[type=submit]");
        await ArriveAsync(page, url => new Regex("/startup\\?profile=saved").IsMatch(url));
    }

    [GeneratedRegex("/sme/needs/([a-z0-9-]+)$")]
    private static partial Regex NeedUrl();
}
