using System.Net;
using System.Text.RegularExpressions;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The unsubscribe link of a real e-mail, opened signed out in a browser set to another language, as a mail client
/// opens it: a styled page in the e-mail's language that changes nothing until its button is pressed, then confirms;
/// a tampered link shows the page's error in that language, never the API's answer.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class UnsubscribePagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task The_link_of_an_arabic_email_asks_in_arabic_and_turns_the_kind_off_only_when_the_button_is_pressed()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"unsub-sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "فاطمة", "ar");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", $"unsub-startup-{run}@example.ma", "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var link = await UnsubscribeLinkAsync(smeEmail, "bid-received");
        Assert.StartsWith(host.Url + "/", link);

        // Opened from the e-mail: the page, in Arabic although the browser asks for French; nothing changed yet.
        var page = await host.NewPageAsync("fr");
        var response = await page.GotoAsync(link);
        Assert.Equal(200, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        Assert.Contains("/unsubscribe?", page.Url);
        Assert.Equal("ar", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("rtl", await page.GetAttributeAsync("html", "dir"));
        var asked = await page.InnerTextAsync("main");
        Assert.Contains("وصل عرض على حاجتي", asked); // the kind, named as on the preferences page
        Assert.Contains("u•••@example.ma", asked); // the address, masked
        Assert.DoesNotContain(smeEmail, asked);
        Assert.Equal(1, await page.Locator("main form input[name=__af]").CountAsync()); // antiforgery, as every form
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, "unsubscribe-ar");
        Assert.Equal("immediate", await DeliveryAsync(sme, "bid-received"));

        // The button turns that kind off, and only that kind.
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForSelectorAsync("main p.notice[role=status]");
        Assert.Equal("ar", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("تم إلغاء الاشتراك", (await page.InnerTextAsync("h1")).Trim());
        Assert.Contains("لم تعد رسائل «وصل عرض على حاجتي» تُرسل إلى", await page.InnerTextAsync("main"));
        Assert.Equal(1, await page.Locator("main a[href='/account/notifications']").CountAsync());
        await BrowserHost.ScreenshotAsync(page, "unsubscribed-ar");
        Assert.Equal("off", await DeliveryAsync(sme, "bid-received"));
        Assert.Equal("immediate", await DeliveryAsync(sme, "message-received"));

        // A link changed on the way (to stop every kind) shows the page's error in the e-mail's language and changes nothing.
        var tampered = link.Replace("kind=bid-received", "kind=all");
        var refused = await page.GotoAsync(tampered);
        Assert.Equal(404, refused!.Status);
        Assert.StartsWith("text/html", refused.Headers["content-type"]);
        Assert.Equal("ar", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("رابط إلغاء الاشتراك هذا لا يعمل", (await page.InnerTextAsync("h1")).Trim());
        Assert.Equal(0, await page.Locator("main form").CountAsync());
        await HostApi.AssertAccessibleAsync(page);
        Assert.Equal("immediate", await DeliveryAsync(sme, "message-received"));
    }

    private static async Task<string?> DeliveryAsync(HttpClient person, string kind) =>
        (await (await person.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK)).GetProperty("kinds").GetProperty(kind).GetString();

    /// <summary>The unsubscribe link in the text of the latest e-mail of that kind (the one its List-Unsubscribe header carries too).</summary>
    private async Task<string> UnsubscribeLinkAsync(string email, string kind)
    {
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        for (var waited = 0; waited < 300; waited++)
        {
            var sent = OutboxFiles.Emails(outbox, email).LastOrDefault(e => e.GetProperty("kind").GetString() == kind);
            if (sent.ValueKind != System.Text.Json.JsonValueKind.Undefined)
            {
                var link = UnsubscribeLink().Match(sent.GetProperty("text").GetString()!).Value;
                Assert.Equal(sent.GetProperty("unsubscribeUrl").GetString(), link);
                return link;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind} e-mail to {email}.");
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/unsubscribe\?[^\s""<>]+")]
    private static partial Regex UnsubscribeLink();
}
