using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Links people follow from outside: an e-mail's link lands on the reader's own page of the object (after signing in
/// when signed out), at the host's own address; an unknown address shows the styled error page in the reader's language.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LinkTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("fr", "Page introuvable")]
    [InlineData("ar", "الصفحة غير موجودة")]
    public async Task An_unknown_address_shows_the_not_found_page_in_the_readers_language(string language, string title)
    {
        var page = await host.NewPageAsync(language);
        var response = await page.GotoAsync($"/nulle-part/{Guid.NewGuid():N}");
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(title, (await page.InnerTextAsync("h1")).Trim());
        await HostApi.AssertAccessibleAsync(page);
        // A link of an e-mail in the other language shows its error page in that language (the error page has its own query).
        var other = language == "fr" ? "ar" : "fr";
        Assert.Equal(404, (await page.GotoAsync($"/nulle-part/{Guid.NewGuid():N}?lang={other}"))!.Status);
        Assert.Equal(other, await page.GetAttributeAsync("html", "lang"));

        // The API keeps answering problem details.
        using var client = host.Host.Client();
        var api = await client.GetAsync($"/api/nulle-part/{Guid.NewGuid():N}");
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        // The language page offers a second language only to Amazigh pages (choosing it sets the account's e-mails too).
        await page.GotoAsync("/language");
        Assert.Equal(0, await page.Locator("input[name=second]").CountAsync());
    }

    [Fact]
    public async Task The_links_of_the_bid_and_message_emails_land_on_the_smes_pages_after_signing_in()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"links-sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", "fr");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var title = $"Boutique en ligne {run}";
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: title));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", $"links-startup-{run}@example.ma", "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await startup.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Bonjour, livrez-vous aussi à Fès ?" })).EnsureSuccessStatusCode();

        var bidLink = await LinkInEmailAsync(smeEmail, "bid-received");
        var messageLink = await LinkInEmailAsync(smeEmail, "message-received");
        Assert.StartsWith(host.Url + "/", bidLink); // the host's own address, not a default port

        // Signed out: the link asks to sign in, then lands on the SME's page of the need.
        var page = await host.NewPageAsync("fr");
        await page.GotoAsync(bidLink);
        Assert.Contains("/sign-in?returnUrl=", page.Url);
        await Journeys.SignInHereAsync(host, page, smeEmail);
        await Journeys.ExpectUrlAsync(page, $"/sme/needs/{needId}$");
        Assert.Contains(title, await page.InnerTextAsync("main"));

        // Signed in: the message's link opens the thread.
        var response = await page.GotoAsync(messageLink);
        Assert.Equal(200, response!.Status);
        Assert.Matches(new Regex("/messages/[a-z0-9-]+$"), page.Url);
        Assert.Contains("livrez-vous aussi à Fès", await page.InnerTextAsync("main"));

        // A link of another account (another SME's need) is not hers: the page says who is signed in and offers to sign
        // in with the other account, coming back to that page.
        using var other = await HostApi.SignUpAsync(host, "sme", $"links-other-{run}@example.ma", "Karim", "fr");
        await other.CreateAsync("/api/smes", Api.Sme());
        var othersNeed = await other.CreateAsync("/api/needs", Api.Need(title: $"Site vitrine {run}"));
        Assert.Equal(404, (await page.GotoAsync($"/sme/needs/{othersNeed}"))!.Status);
        await Assertions.Expect(page.Locator("#other-account")).ToContainTextAsync("Fatima");
        await page.ClickAsync("#sign-in-other button");
        await Journeys.ExpectUrlAsync(page, "/sign-in\\?returnUrl=" + Regex.Escape(Uri.EscapeDataString($"/sme/needs/{othersNeed}")));

        // A link meant for another role (a manager's cohort page) says the same on the "not for your role" page.
        await Journeys.SignInHereAsync(host, page, smeEmail);
        await page.GotoAsync("/manager/cohorts/cohort-x");
        await Journeys.ExpectUrlAsync(page, "/denied");
        await Assertions.Expect(page.Locator("#other-account")).ToContainTextAsync("Fatima");
        await page.ClickAsync("#sign-in-other button");
        await Journeys.ExpectUrlAsync(page, "/sign-in\\?returnUrl=" + Regex.Escape(Uri.EscapeDataString("/manager/cohorts/cohort-x")));

        // A sign-in link for the address already signed in asks for no code: it goes on to where it leads. One for
        // another address shows the form, that address filled in.
        await Journeys.SignInHereAsync(host, page, smeEmail);
        await page.GotoAsync($"/sign-in?email={Uri.EscapeDataString(smeEmail.ToUpperInvariant())}&returnUrl={Uri.EscapeDataString($"/sme/needs/{needId}")}");
        await Journeys.ExpectUrlAsync(page, $"/sme/needs/{needId}$");
        await page.GotoAsync("/sign-in?email=someone-else%40example.ma");
        Assert.Equal("someone-else@example.ma", await page.InputValueAsync("input[name='Input.Email']"));
    }

    private async Task<string> LinkInEmailAsync(string email, string kind) =>
        Link().Match((await HostApi.EmailAsync(host, email, kind)).GetProperty("text").GetString()!).Value;

    [GeneratedRegex(@"https?://[^\s""<>]+/(needs|conversations)/[a-z0-9-]+")]
    private static partial Regex Link();
}
