using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Paying a milestone by bank transfer in the browser, in Arabic and in French: the SME asks to fund the first
/// milestone and gets the reference and instructions (still there after a reload, gone once confirmed), the admin confirms the transfer on the payments page (a wrong
/// amount is refused), and the SME sees the milestone funded. The awarded need is set up through the API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PaymentPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Theory]
    [InlineData("fr")]
    public async Task The_admin_confirms_a_bank_transfer_and_the_sme_sees_the_milestone_funded(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", $"startup-{run}@example.ma", "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await EngagementAsync(sme, needId);

        // The SME asks to pay the first milestone by bank transfer: the reference and the instructions.
        var smePage = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync($"/sme/needs/{needId}");
        await smePage.ClickAsync($"a[href='/engagements/{needId}']");
        // Stripe is not configured on this host: card payment is not offered. The due dates count from the first funding.
        Assert.Equal(0, await smePage.Locator("#m0 button[value=stripe]").CountAsync());
        await Assertions.Expect(smePage.Locator("#due-from-start")).ToBeVisibleAsync();
        await Assertions.Expect(smePage.Locator("main > p.meta .pill")).ToHaveTextAsync("En attente du premier paiement"); // not yet under way
        await smePage.ClickAsync("#m0 button[value=bank-transfer]");
        var reference = (await smePage.InnerTextAsync("#m0 .payment-reference")).Trim();
        Assert.StartsWith("PAY-", reference, StringComparison.OrdinalIgnoreCase);

        // A reload shows the same instructions again (amount, reference, bank, pay-by date), not the pay buttons.
        await smePage.ReloadAsync();
        Assert.Equal(reference, (await smePage.InnerTextAsync("#m0 .payment-reference")).Trim());
        await Assertions.Expect(smePage.Locator("#m0 .transfer")).ToContainTextAsync("BMCEMAMC");
        Assert.Equal(0, await smePage.Locator("#m0 button[value=bank-transfer]").CountAsync());
        var smeShare = (await EngagementAsync(sme, needId)).GetProperty("milestones")[0].GetProperty("funding").EnumerateArray()
            .Single(f => f.GetProperty("source").GetString() == "sme").GetProperty("amountMinor").GetInt64();
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await BrowserHost.ScreenshotAsync(smePage, $"engagement-transfer-{language}");
        // The need's page says the same next step: the transfer is awaited (no longer "pay the first milestone").
        await smePage.GotoAsync($"/sme/needs/{needId}");
        await Assertions.Expect(smePage.Locator("#what-next")).ToHaveTextAsync(new Jazari.Marketplace.Web.Pages.Support.Strings().Get(language, "journey.next-need-awaiting-transfer"));

        // The admin confirms it: a wrong amount is refused, the SME's share is taken.
        var admin = await host.NewPageAsync(language, bypassCsp: true);
        await admin.GotoAsync("/sign-in/admin");
        await admin.FillAsync("#token", HostProcess.AdminToken);
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(admin, "/admin$");
        await admin.ClickAsync("main a[href='/admin/payments']");
        await admin.FillAsync("#reference", reference);
        await admin.FillAsync("#amount", "1");
        await admin.FillAsync("#bank", $"VIR-{run}");
        await admin.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(admin.Locator(".alert, .error").First).ToBeVisibleAsync();
        Assert.Equal("awaiting-funding", (await EngagementAsync(sme, needId)).GetProperty("milestones")[0].GetProperty("status").GetString());
        await admin.FillAsync("#amount", (smeShare / 100m).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ArriveAsync(admin, $"confirmed={reference}"); // redirected: a reload confirms nothing again
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync($"Boutique en ligne {run}");
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("Maquettes et catalogue"); // which milestone it funded
        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync($"Boutique en ligne {run}");
        Assert.Equal(0, await admin.Locator($"#awaiting ~ .scroll a:text-is('{reference}')").CountAsync());
        await HostApi.AssertTranslatedAsync(admin);
        await HostApi.AssertAccessibleAsync(admin);
        await BrowserHost.ScreenshotAsync(admin, $"admin-payments-{language}");

        await smePage.GotoAsync($"/engagements/{needId}");
        await Assertions.Expect(smePage.Locator("#m0 .pill.status-funded")).ToBeVisibleAsync();
        Assert.Equal(0, await smePage.Locator("#m0 .transfer").CountAsync());
        Assert.Equal(0, await smePage.Locator("#due-from-start").CountAsync()); // started: the dates are set
        await Assertions.Expect(smePage.Locator("main > p.meta .pill")).ToHaveTextAsync("En cours");
        Assert.Equal("funded", (await EngagementAsync(sme, needId)).GetProperty("milestones")[0].GetProperty("status").GetString());
    }

    /// <summary>The engagement, once the award has created it (a job may still be on it).</summary>
    /// <summary>An SME that accepts and never pays does not hold the startup: it ends the mission from its page, after
    /// saying so, and the SME is told by e-mail, whose link shows the mission ended.</summary>
    [Theory]
    [InlineData("ar")]
    public async Task A_startup_ends_a_mission_nothing_was_paid_for_and_the_sme_is_told(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (smeEmail, startupEmail) = ($"sme-{run}@example.ma", $"startup-{run}@example.ma");
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef", language);
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(45000)); // over the 40.000 maximum

        var page = await host.NewPageAsync(language, bypassCsp: true);
        await HostApi.SignInAsync(host, page, startupEmail);
        // Its own bid tells the startup by how much it is over the SME's budget, as the SME's comparison does.
        await page.GotoAsync($"/startup/needs/{needId}");
        await Assertions.Expect(page.Locator("#over-budget")).ToContainTextAsync("5.000");
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await EngagementAsync(sme, needId);
        await page.GotoAsync($"/engagements/{needId}");
        await page.ClickAsync("#cancel button");
        await Journeys.ExpectUrlAsync(page, "confirm=cancel");
        await Assertions.Expect(page.Locator("#confirm-cancel")).ToBeVisibleAsync();
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await page.ClickAsync("#confirm-cancel button[type=submit]");
        await Journeys.ArriveAsync(page, "done=cancelled");
        await page.ReloadAsync();
        var strings = new Jazari.Marketplace.Web.Pages.Support.Strings();
        await Assertions.Expect(page.Locator("main > p.meta .pill")).ToHaveTextAsync(strings.Get(language, "engagement.cancelled"));
        Assert.Equal(0, await page.Locator("#cancel").CountAsync());
        Assert.Equal(0, await page.Locator("#review-link").CountAsync()); // ended before any work: nothing to review
        Assert.Equal("cancelled", (await EngagementAsync(sme, needId)).GetProperty("status").GetString());

        // The SME hears it in its language, and the e-mail's link shows the mission ended.
        var told = await HostApi.EmailAsync(host, smeEmail, "engagement-cancelled");
        Assert.Contains(strings.Get(language, "email.cancelled-by-startup"), told.GetProperty("text").GetString());
        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync(Regex.Match(told.GetProperty("text").GetString()!, @"https?://\S+/engagements/\S+").Value);
        await Assertions.Expect(smePage.Locator("main > p.meta .pill")).ToHaveTextAsync(strings.Get(language, "engagement.cancelled"));
    }

    private static async Task<JsonElement> EngagementAsync(HttpClient sme, string needId)
    {
        for (var tries = 0; ; tries++)
        {
            var response = await sme.GetAsync($"/api/needs/{needId}/engagement");
            if (response.StatusCode == HttpStatusCode.OK || tries >= 100) return await response.Json(HttpStatusCode.OK);
            await Task.Delay(200);
        }
    }
}
