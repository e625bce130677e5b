using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The bank rail's pages without JavaScript: a startup is told on its home page to give its RIB and gives it on
/// /payout-details (a wrong key refused in its language, then saved and shown masked); after a change of RIB its
/// payouts are held, and an admin releases one on /admin/held-payouts with a reason.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed class PayoutPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("ar", "مفتاح هذا الـRIB غير صحيح")]
    public async Task A_startup_gives_its_rib_and_an_admin_releases_the_payout_held_after_its_change(string language, string wrongKey)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        var startupEmail = $"startup-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        // The startup learns of its award from the e-mail, sent by the award's follow-up once the project is listed.
        await HostApi.EmailAsync(host, startupEmail, "bid-accepted");

        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, page, startupEmail);
        await page.GotoAsync("/startup");
        // The won project opens its engagement from the home page and from My bids; the menu has the bank account.
        await Assertions.Expect(page.Locator($"#projects a[href='/engagements/{needId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("nav a[href='/payout-details']")).ToHaveCountAsync(1);
        await HostApi.AssertTranslatedAsync(page);
        var said = await page.Locator("#projects .pill").InnerTextAsync(); // the project's state in the engagement's words
        await page.GotoAsync("/startup/bids");
        await Assertions.Expect(page.Locator($"main a[href='/engagements/{needId}']")).ToHaveCountAsync(1);
        // On a phone each bid is a card of labelled lines: the date column no longer scrolls out of sight.
        var date = await page.Locator("table.rows td[data-label]").Last.BoundingBoxAsync();
        Assert.True(date is { X: >= 0 } && date.X + date.Width <= 390, $"The bid's date is off the screen: {date?.X} + {date?.Width}");
        await page.GotoAsync($"/engagements/{needId}");
        await Assertions.Expect(page.Locator("main .meta .pill").First).ToHaveTextAsync(said);
        await Assertions.Expect(page.Locator("main > p.meta").First).ToContainTextAsync("Huilerie Zerhoun"); // its client, not itself
        await page.GotoAsync("/startup");
        await page.ClickAsync("main a[href='/payout-details']");
        await Journeys.ExpectUrlAsync(page, "/payout-details$");
        await page.FillAsync("#holder", $"Web Atlas {run} SARL");
        await page.FillAsync("#rib", "007 780 0001234567890123 97");
        await page.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(page.Locator("p.error")).ToContainTextAsync(wrongKey);
        await page.FillAsync("#rib", "007-780-0001234567890123-96");
        await page.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "saved=first");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("007 *** ************0123 96");
        // The first account given: what waited for it can now be paid (its payouts join the next bank files).
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync(new Jazari.Marketplace.Web.Pages.Support.Strings().Get(language, "payout-details.saved-first"));
        // Each value under its own label (not the bank's name beside "last change"), and the form below says it changes the account.
        var rib = page.Locator("dl.facts > div", new() { Has = page.Locator("dd[dir=ltr]") });
        await Assertions.Expect(rib.Locator("dt")).ToHaveTextAsync(new Jazari.Marketplace.Web.Pages.Support.Strings().Get(language, "payout-details.rib"));
        await Assertions.Expect(page.Locator("h2#change")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, $"payout-details-{language}");
        await page.GotoAsync("/startup");
        Assert.Equal(0, await page.Locator("main a[href='/payout-details']").CountAsync()); // given: no more asked

        // A change of RIB: the payouts of the next 48 hours wait for an admin.
        (await startup.PutAsJsonAsync($"/api/startups/{startupId}/payout-details", new { holder = $"Web Atlas {run} SARL", rib = "230 810 0211112222333344 80" }))
            .EnsureSuccessStatusCode();
        await HostApi.CompleteEngagementAsync(host, smeEmail, startupEmail, needId);
        using var adminApi = HostApi.Admin(host);
        var payoutId = "";
        for (var tries = 0; payoutId == ""; tries++)
        {
            Assert.True(tries < 300, "No held payout listed.");
            var held = await (await adminApi.GetAsync("/api/admin/payouts?status=held")).Json(HttpStatusCode.OK);
            payoutId = held.EnumerateArray().FirstOrDefault(p => p.GetProperty("needId").GetString() == needId) is { ValueKind: System.Text.Json.JsonValueKind.Object } p
                ? p.GetProperty("id").GetString()! : "";
            if (payoutId == "") await Task.Delay(200);
        }

        // The startup's receipt of that payout says why it is not paid yet: held for review, not waiting for a RIB it gave.
        var strings = new Jazari.Marketplace.Web.Pages.Support.Strings();
        var notPaid = page.Locator("dl.receipt-references dd").Last;
        for (var tries = 0; (await page.GotoAsync($"/receipts/{payoutId}"))!.Status == 404; tries++)
        {
            Assert.True(tries < 100, "No receipt for the held payout.");
            await Task.Delay(200);
        }
        await Assertions.Expect(notPaid).ToHaveTextAsync(strings.Get(language, "receipt.not-paid-held"));
        await HostApi.AssertTranslatedAsync(page);

        var admin = await host.NewPageAsync(language, bypassCsp: true);
        await admin.GotoAsync("/sign-in/admin");
        await admin.FillAsync("#token", HostProcess.AdminToken);
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(admin, "/admin$");
        await admin.GotoAsync("/admin/held-payouts");
        await Assertions.Expect(admin.Locator("main")).ToContainTextAsync($"Web Atlas {run}");
        await HostApi.AssertTranslatedAsync(admin);
        await HostApi.AssertAccessibleAsync(admin);
        await BrowserHost.ScreenshotAsync(admin, $"held-payouts-{language}");
        // On a phone each held payout is a card: its reason field and buttons are on the screen, not scrolled off to a side.
        foreach (var control in new[] { $"#reason-{payoutId}", $"form:has(#reason-{payoutId}) button[value=decline]" })
        {
            var box = (await admin.Locator(control).BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"{control} is off the screen: {box.X} + {box.Width}");
        }
        await Assertions.Expect(admin.Locator($"tr:has(#reason-{payoutId}) a[href^='/engagements/']")).ToHaveCountAsync(1);
        // Declining is final: it is asked again first, naming the amount and the beneficiary; "not now" declines nothing.
        await admin.FillAsync($"#reason-{payoutId}", "Doute sur le RIB.");
        await admin.ClickAsync($"form:has(#reason-{payoutId}) button[value=decline]");
        await Assertions.Expect(admin.Locator("#confirm h2")).ToContainTextAsync($"Web Atlas {run}");
        await HostApi.AssertTranslatedAsync(admin);
        await HostApi.AssertAccessibleAsync(admin);
        await admin.ClickAsync("#confirm a");
        await Assertions.Expect(admin.Locator("#confirm")).ToHaveCountAsync(0);
        await admin.FillAsync($"#reason-{payoutId}", "Changement confirmé par téléphone.");
        await admin.ClickAsync($"form:has(#reason-{payoutId}) button[value=release]");
        await Journeys.ArriveAsync(admin, "decided="); // a redirect: a reload decides nothing again
        await Assertions.Expect(admin.Locator(".notice")).ToBeVisibleAsync();
        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator(".notice")).ToBeVisibleAsync();
        Assert.Equal(0, await admin.Locator($"#reason-{payoutId}").CountAsync());
        var listed = await (await adminApi.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK);
        Assert.Equal("pending", listed.EnumerateArray().Single(p => p.GetProperty("id").GetString() == payoutId).GetProperty("status").GetString());
        await page.ReloadAsync();
        await Assertions.Expect(notPaid).ToHaveTextAsync(strings.Get(language, "receipt.not-paid"));
    }
}
