using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// A co-funding programme in the browser, in French: the SME sees the programme's rules and applies (each rule's
/// result shown), the admin approves it with a reason on the applications page, and the SME posts a need that names
/// the programme. The programme is created through the API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ProgrammePagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task The_sme_applies_to_a_programme_the_admin_approves_it_and_the_sme_posts_a_co_funded_need()
    {
        const string language = "fr";
        var run = Guid.NewGuid().ToString("N")[..8];
        var programmeId = $"prog-{run}";
        using (var api = HostApi.Admin(host))
            await (await api.PostAsJsonAsync("/api/admin/programmes", new
            {
                id = programmeId, name = $"Fès Numérique {run}", subsidyPercent = 40, capPerSmeMinor = 5_000_000, budgetMinor = 100_000_000,
                rules = new { regions = new[] { "Fes-Meknes" }, minEmployees = 10, maxEmployees = 250 },
            })).Json(HttpStatusCode.Created);
        var smeEmail = $"sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());

        var smePage = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await HostApi.OpenMenuAsync(smePage);
        await smePage.ClickAsync("nav a[href='/sme/programmes']");
        var card = smePage.Locator($"#programme-{programmeId}");
        await Assertions.Expect(card).ToContainTextAsync("de 10 à 250 salariés");
        await card.Locator("textarea").FillAsync("Vendre notre huile d'olive en ligne.");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card.Locator(".pill.status-submitted")).ToContainTextAsync("En attente de décision");
        await Assertions.Expect(card).ToContainTextAsync("Région : respecté");
        await Assertions.Expect(card).ToContainTextAsync("Vendre notre huile d'olive en ligne."); // what it wrote, still there to read
        await Assertions.Expect(card).ToContainTextAsync("Vous recevrez la décision et son motif par e-mail"); // what comes, and what to do meanwhile
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await BrowserHost.ScreenshotAsync(smePage, $"sme-programmes-{language}");

        var admin = await host.NewPageAsync(language);
        await admin.GotoAsync("/sign-in/admin");
        await admin.FillAsync("#token", HostProcess.AdminToken);
        await admin.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(admin, "/admin$");
        await HostApi.OpenMenuAsync(admin);
        await admin.ClickAsync("nav a[href='/admin/programmes']");
        var section = admin.Locator("section", new() { Has = admin.Locator($"#programme-{programmeId}") });
        await HostApi.AssertTranslatedAsync(admin);
        // Each rule says what the programme asks, in the admin's language and in MAD (not the API's English detail).
        await Assertions.Expect(section).ToContainTextAsync("au plus par PME");
        await Assertions.Expect(section).Not.ToContainTextAsync("minor units");
        await HostApi.AssertAccessibleAsync(admin);
        await BrowserHost.ScreenshotAsync(admin, $"admin-programmes-{language}");
        await section.Locator("textarea[name=reason]").FillAsync("Dossier complet, PME de la région.");
        await section.Locator("button[name=approve][value=true]").ClickAsync();
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("Candidature acceptée");

        await smePage.GotoAsync("/sme/programmes");
        await Assertions.Expect(card.Locator(".pill.status-approved")).ToBeVisibleAsync();
        await Assertions.Expect(card).ToContainTextAsync("Dossier complet, PME de la région.");
        await card.Locator($"a[href='/sme/needs/new?programmeId={programmeId}']").ClickAsync();
        await smePage.CheckAsync("input[name=category][value=ecommerce]");
        await smePage.ClickAsync("form.form button[type=submit]");
        await smePage.WaitForSelectorAsync("#budget-guide");
        Assert.Equal(programmeId, await smePage.InputValueAsync("#programme"));
        await smePage.FillAsync("#title", $"Boutique cofinancée {run}");
        await smePage.FillAsync("#description", "Une boutique en ligne avec paiement par carte et livraison au Maroc.");
        await smePage.FillAsync("#skills", "WooCommerce");
        await smePage.FillAsync("#budgetMin", "15000");
        await smePage.FillAsync("#budgetMax", "30000");
        await HostApi.AssertAccessibleAsync(smePage);
        await smePage.ClickAsync("button[name=publish][value=true]");
        await Journeys.ArriveAsync(smePage, url => NeedUrl().IsMatch(url));
        var needId = NeedUrl().Match(smePage.Url).Groups[1].Value;
        var need = await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal(programmeId, need.GetProperty("programmeId").GetString());
    }

    [GeneratedRegex("/sme/needs/([a-z0-9-]+)$")]
    private static partial Regex NeedUrl();
}
