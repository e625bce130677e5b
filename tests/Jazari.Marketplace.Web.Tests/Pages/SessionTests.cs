using System.Net;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>The page session: its cookie's flags, role folders, sign-out revoking it, the API untouched by it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_and_sign_out_revokes_a_copy_of_it()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync("fr");
        await Journeys.SignUpAsync(host, page, "sme", $"session-{run}@example.ma", "Salma");
        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Single(c => c.Name == "jz-session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.True(session.Expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "a session cookie with an expiry (sliding)");
        Assert.True(cookies.Single(c => c.Name == "jz-af").HttpOnly);

        // A copy of the cookie works in another browser until the person signs out.
        var copy = await host.NewPageAsync("fr");
        await copy.Context.AddCookiesAsync([new() { Name = session.Name, Value = session.Value, Url = host.Url }]);
        await copy.GotoAsync("/sme/profile");
        Assert.EndsWith("/sme/profile", copy.Url);

        await HostApi.OpenMenuAsync(page);
        await page.ClickAsync("form[action='/sign-out'] button");
        await Journeys.ArriveAsync(page, url => url == host.Url + "/");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "jz-session");
        await copy.GotoAsync("/sme/profile");
        Assert.Contains("/sign-in?returnUrl=", copy.Url);
    }

    [Fact]
    public async Task A_newcomer_asks_a_new_code_from_the_code_page_without_typing_the_address_again_and_a_reload_sends_none()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"new-code-{run}@example.ma";
        var page = await host.NewPageAsync("ar");
        await page.GotoAsync("/verify"); // no address to send a code to: sign-in asks it
        await Journeys.ExpectUrlAsync(page, "/sign-in$");
        await page.GotoAsync("/sign-up?role=startup");
        await page.FillAsync("#email", email);
        await page.FillAsync("#displayName", "Youssef");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/verify");
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        await HostApi.CodeAsync(host, email);

        await page.ClickAsync("form[action*='handler=NewCode'] button");
        await Journeys.ArriveAsync(page, "sent=true");
        var strings = new Jazari.Marketplace.Web.Pages.Support.Strings();
        Assert.Equal(strings.Get("ar", "verify.lead-sign-up-again").Replace("{0}", email), await page.Locator("#verify-lead").InnerTextAsync());
        // On a phone the address is never cut at one of its hyphens: one line box.
        Assert.Equal(1, await page.EvaluateAsync<int>("(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('#verify-lead .address')); return r.getClientRects().length; })()"));
        // The code creates the account: the button says so (not "sign in"); a mistyped address is started again from sign-up.
        Assert.Equal(strings.Get("ar", "sign-up.submit"), (await page.Locator("form.form button[type=submit]").InnerTextAsync()).Trim());
        Assert.Equal(strings.Get("ar", "verify.other-address"), (await page.Locator("main a[href='/sign-up']").InnerTextAsync()).Trim());
        var code = await HostApi.CodeAsync(host, email, after: 1);
        await page.ReloadAsync(); // a GET: no third code
        await Task.Delay(1000);
        Assert.Equal(2, OutboxFiles.Emails(outbox, email).Count);

        // The new code confirms the sign-up (its role and name kept), in the page's language.
        await page.FillAsync("#code", code);
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/profile\\?first=true");
        Assert.Equal("ar", await page.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task Past_the_codes_one_may_ask_the_sign_in_page_leads_to_where_the_last_code_is_entered()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"many-codes-{run}@example.ma";
        using var _ = await HostApi.SignUpAsync(host, "sme", email, "Salma");
        var page = await host.NewPageAsync("fr");
        // Codes asked until the limit (5 a requester in 15 minutes, the sign-up's among them) refuses one.
        for (var i = 0; i < 6 && await page.Locator(".alert").CountAsync() == 0; i++)
        {
            await page.GotoAsync("/sign-in");
            await page.FillAsync("#email", email);
            await page.ClickAsync("form.form button[type=submit]");
            await page.Locator(".alert, #code").First.WaitForAsync(); // the code page, or the sign-in page with its refusal
        }
        await Assertions.Expect(page.Locator(".alert")).ToContainTextAsync("utilisez le dernier code reçu");
        // The refusal says to use the last code: the page links to where it is entered, the address already there.
        await page.ClickAsync("#enter-code a");
        await Journeys.ArriveAsync(page, "/verify");
        await page.FillAsync("#code", host.LatestCode(email));
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/sme");
    }

    [Fact]
    public async Task A_role_folder_sends_other_roles_away_and_the_api_ignores_the_cookie()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync("en");
        await page.GotoAsync("/sme");
        Assert.Contains("/sign-in?returnUrl=%2Fsme", page.Url);
        await Journeys.SignUpAsync(host, page, "startup", $"roles-{run}@example.ma", "Omar");
        await page.GotoAsync("/sme/needs/new");
        Assert.Contains("/denied", page.Url);

        // The API takes bearer tokens only: the page session gives no access to it (no cross-site use of the cookie).
        var response = await page.APIRequest.GetAsync("/api/auth/me");
        Assert.Equal((int)HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = new HttpClient { BaseAddress = new Uri(host.Url) };
        var email = $"forged-{Guid.NewGuid():N}@example.ma";
        var response = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = email }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2)); // what a job would have e-mailed by now
        // The exact recipient: scanning the files for the address also matched others ending with it (e.g. session-…a@example.ma).
        Assert.Empty(OutboxFiles.Emails(Path.Combine(host.Host.DataDir, "outbox"), email));
    }

    [Fact]
    public async Task The_language_chosen_signed_in_is_kept_on_the_account()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"lang-{run}@example.ma";
        var page = await host.NewPageAsync("fr");
        await Journeys.SignUpAsync(host, page, "startup", email, "Nadia");
        await page.Locator(".lang button[value=ar]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ar");

        // Another browser, in French: after signing in, the pages speak the account's Arabic.
        var other = await host.NewPageAsync("fr");
        await other.GotoAsync("/sign-in");
        Assert.Equal("fr", await other.GetAttributeAsync("html", "lang"));
        await other.FillAsync("#email", email);
        await other.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(other, "/verify");
        await other.FillAsync("#code", host.LatestCode(email));
        await other.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(other, "/startup");
        Assert.Equal("ar", await other.GetAttributeAsync("html", "lang"));
        Assert.Equal("rtl", await other.GetAttributeAsync("html", "dir"));
    }
}
