using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// In French: once a need's work is done and paid (through the API), the admin marks the startup's payout paid with
/// the bank reference and creates a co-funding programme on the payments page, and resolves a dispute on another
/// need's engagement; the startup asks to be paid by card and is told Stripe is not configured; then the SME downloads
/// its data and erases its account on "Your data" (a wrong e-mail is refused), and its session ends: it is back on the
/// sign-in page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountDataPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task The_admin_pays_a_payout_and_creates_a_programme_and_the_sme_exports_then_erases_its_account()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        var startupEmail = $"startup-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        for (var tries = 0; (await sme.GetAsync($"/api/needs/{needId}/engagement")).StatusCode != HttpStatusCode.OK && tries < 100; tries++)
            await Task.Delay(200);
        await HostApi.CompleteEngagementAsync(host, smeEmail, startupEmail, needId);
        using var adminApi = HostApi.Admin(host);
        // A second need whose first milestone, funded, the startup disputes.
        var disputedId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Catalogue {run}"));
        (await sme.PostAsync($"/api/needs/{disputedId}/publish", null)).EnsureSuccessStatusCode();
        var secondBid = await startup.CreateAsync($"/api/needs/{disputedId}/bids", Api.Bid());
        (await sme.PostAsync($"/api/needs/{disputedId}/bids/{secondBid}/accept", null)).EnsureSuccessStatusCode();
        for (var tries = 0; (await sme.GetAsync($"/api/needs/{disputedId}/engagement")).StatusCode != HttpStatusCode.OK && tries < 100; tries++)
            await Task.Delay(200);
        var funding = await (await sme.PostAsJsonAsync($"/api/needs/{disputedId}/milestones/0/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        var funded = funding.GetProperty("amountMinor").GetInt64();
        await (await adminApi.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = funded, bankReference = $"VIR-{run}" })).Json(HttpStatusCode.OK);
        await (await startup.PostAsJsonAsync($"/api/needs/{disputedId}/milestones/0/dispute", new { reason = "La PME ne répond plus depuis un mois." })).Json(HttpStatusCode.OK);
        var payoutId = (await PayoutsAsync(adminApi)).First(p => p.GetProperty("needId").GetString() == needId).GetProperty("id").GetString()!;

        // The admin marks the payout paid with the bank reference, then creates a programme.
        var admin = await host.NewPageAsync("fr", bypassCsp: true);
        await admin.GotoAsync("/sign-in/admin");
        await admin.FillAsync("#token", HostProcess.AdminToken);
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(admin, "/admin$");
        await Assertions.Expect(admin.Locator("nav a[href='/account/data']")).ToHaveCountAsync(1);
        await admin.GotoAsync("/admin/payments");
        await admin.FillAsync($"#paid-{payoutId}", $"VIR-OUT-{run}");
        await admin.ClickAsync($"form:has(#paid-{payoutId}) button[type=submit]");
        await Journeys.ArriveAsync(admin, $"paid={payoutId}"); // redirected: a reload marks nothing again
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("Versement payé");
        Assert.DoesNotContain(await PayoutsAsync(adminApi), p => p.GetProperty("id").GetString() == payoutId);
        await Assertions.Expect(admin.Locator($"#paid-{payoutId}")).ToHaveCountAsync(0);

        var programmeId = $"programme-{run}";
        await admin.FillAsync("#programme-id", programmeId);
        await admin.FillAsync("#programme-name", $"Maroc PME {run}");
        await admin.FillAsync("#programme-percent", "40");
        await admin.FillAsync("#programme-cap", "5000");
        await admin.FillAsync("#programme-budget", "100000");
        // Regions are ticked (a phone has no Ctrl key to pick several in a list).
        await admin.CheckAsync("#programme-regions input[value='Souss-Massa']");
        await admin.CheckAsync("#programme-regions input[value='Oriental']");
        await admin.ClickAsync("form:has(#programme-id) button[type=submit]");
        await Journeys.ArriveAsync(admin, $"programme={programmeId}"); // redirected: a reload creates nothing again
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync($"Maroc PME {run}");
        Assert.Equal("", await admin.InputValueAsync("#programme-id"));
        var programme = await (await adminApi.GetAsync($"/api/admin/programmes/{programmeId}")).Json(HttpStatusCode.OK);
        Assert.Equal(40, programme.GetProperty("subsidyPercent").GetInt32());
        Assert.Equal(10_000_000, programme.GetProperty("budgetMinor").GetInt64());
        Assert.Equal(["Oriental", "Souss-Massa"], programme.GetProperty("rules").GetProperty("regions").EnumerateArray().Select(r => r.GetString()).Order());
        await HostApi.AssertTranslatedAsync(admin);
        await HostApi.AssertAccessibleAsync(admin);
        await BrowserHost.ScreenshotAsync(admin, "admin-payouts-programmes-fr");

        // The admin resolves the dispute: a third released, the rest refunded.
        await admin.GotoAsync($"/engagements/{disputedId}");
        var release = funded / 300 * 100;
        await admin.FillAsync("#release-0", (release / 100).ToString(CultureInfo.InvariantCulture));
        await admin.FillAsync("#refund-0", ((funded - release) / 100m).ToString(CultureInfo.InvariantCulture));
        await admin.FillAsync("#resolution-0", "Un tiers du travail est fait ; le reste est remboursé.");
        await HostApi.AssertAccessibleAsync(admin);
        await admin.ClickAsync("form:has(#release-0) button[type=submit]");
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("tranché");
        var dispute = (await (await sme.GetAsync($"/api/needs/{disputedId}/engagement")).Json(HttpStatusCode.OK)).GetProperty("milestones")[0].GetProperty("dispute");
        Assert.Equal(release, dispute.GetProperty("releaseMinor").GetInt64());
        Assert.Equal(funded - release, dispute.GetProperty("refundMinor").GetInt64());

        // The startup asks to be paid by card: Stripe is not configured here, it is told so.
        var startupPage = await host.NewPageAsync("fr", bypassCsp: true);
        await HostApi.SignInAsync(host, startupPage, startupEmail);
        await startupPage.GotoAsync("/startup/profile");
        await startupPage.ClickAsync("#stripe-onboarding");
        await Assertions.Expect(startupPage.Locator(".alert")).ToContainTextAsync("Stripe n'est pas configuré");
        await HostApi.AssertAccessibleAsync(startupPage);

        // The SME downloads its data, then erases its account.
        var page = await host.NewPageAsync("fr", bypassCsp: true);
        await HostApi.SignInAsync(host, page, smeEmail);
        await Assertions.Expect(page.Locator("nav a[href='/account/data']")).ToHaveCountAsync(1);
        await page.GotoAsync("/account/data");
        await HostApi.AssertTranslatedAsync(page);
        await HostApi.AssertAccessibleAsync(page);
        await BrowserHost.ScreenshotAsync(page, "account-data-fr");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        using (var export = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync())))
            Assert.Contains(smeEmail, export.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await page.FillAsync("#confirm", $"autre-{run}@example.ma");
        await page.ClickAsync("form:has(#confirm) button[type=submit]");
        await Assertions.Expect(page.Locator("p.error")).ToContainTextAsync("Tapez votre adresse e-mail");
        // Money of its missions is still in play (the disputed one under way, its refund and a payout unpaid): refused.
        await page.FillAsync("#confirm", smeEmail);
        await page.ClickAsync("form:has(#confirm) button[type=submit]");
        await Assertions.Expect(page.Locator("div[role=alert]")).ToContainTextAsync("encore en jeu");
        // It names the mission to settle, its title isolated from the sentence (as every typed text).
        Assert.Matches($"votre mission «\\s\u2068(Boutique en ligne|Catalogue) {run}\u2069\\s» est encore en jeu", await page.Locator("div[role=alert]").InnerTextAsync());
        // Settled: the SME cancels what is left of the disputed mission, the admin pays what both missions owe. The
        // decision's money moves first (the milestone stays disputed until then, and cancelling is refused meanwhile).
        await Payments.Engagements.EventuallyAsync(async () => (await EngagementAsync(adminApi, disputedId))
            .GetProperty("milestones")[0].GetProperty("status").GetString() == "released", "the dispute's money moved");
        (await sme.PostAsync($"/api/needs/{disputedId}/engagement/cancel", null)).EnsureSuccessStatusCode();
        foreach (var mission in new[] { needId, disputedId })
        {
            // Each milestone closes once its money moves are made (its payouts exist from then on), and the need hears
            // that its mission ended: until then the mission is under way, and erasure waits.
            await Payments.Engagements.EventuallyAsync(async () =>
                (await EngagementAsync(adminApi, mission)).GetProperty("milestones").EnumerateArray()
                    .All(m => m.GetProperty("status").GetString() is "released" or "refunded" or "cancelled")
                && (await (await sme.GetAsync($"/api/needs/{mission}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString() is "completed" or "cancelled",
                $"mission {mission} over", seconds: 90);
            foreach (var payout in (await EngagementAsync(adminApi, mission)).GetProperty("payouts").EnumerateArray().Where(p => p.GetProperty("status").GetString() == "pending"))
                await (await adminApi.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = $"VIR-{payout.Id()}" })).Json(HttpStatusCode.OK);
        }
        await page.GotoAsync("/account/data");
        await page.FillAsync("#confirm", smeEmail);
        await page.ClickAsync("form:has(#confirm) button[type=submit]");
        await Journeys.ExpectUrlAsync(page, "/account/erased");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Votre compte est effacé"); // said, not left to guess
        await page.GotoAsync("/account/data");
        await Assertions.Expect(page.Locator("#email")).ToBeVisibleAsync();
        Assert.Contains("/sign-in", page.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sme.GetAsync("/api/me/consents")).StatusCode);
    }

    private static async Task<JsonElement> EngagementAsync(HttpClient admin, string needId) =>
        await (await admin.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK);

    private static async Task<List<JsonElement>> PayoutsAsync(HttpClient admin) =>
        [.. (await (await admin.GetAsync("/api/admin/payouts")).Json(HttpStatusCode.OK)).EnumerateArray()];
}
