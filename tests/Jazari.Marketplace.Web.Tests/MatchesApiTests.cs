using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class MatchesApiTests(MarketplaceHost host)
{
    /// <summary>The demo catalogue (6 SMEs, 10 startups, 8 needs in three languages), imported as an admin would.</summary>
    private async Task<JsonElement> ImportDemoAsync()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "Demo", "demo.json"));
        text = Regex.Replace(text, @"\{\{today\+(\d+)\}\}", m => DateTime.UtcNow.AddDays(int.Parse(m.Groups[1].Value)).ToString("yyyy-MM-dd"));
        using var admin = host.Admin();
        var report = await (await admin.PostAsync("/api/admin/import", new StringContent(text, Encoding.UTF8, "application/json"))).Json(HttpStatusCode.OK);
        Assert.Equal(0, report.GetProperty("refused").GetArrayLength());
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<List<string>> TopStartupsAsync(HttpClient client, string needId, int top = 5)
    {
        var answer = await (await client.GetAsync($"/api/needs/{needId}/matches?top={top}")).Json(HttpStatusCode.OK);
        return [.. answer.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("startupId").GetString()!)];
    }

    [Fact]
    public async Task Every_imported_need_gets_explained_matches_and_never_a_startup_that_cannot_take_it()
    {
        var demo = await ImportDemoAsync();
        using var admin = host.Admin();
        var startups = demo.GetProperty("startups").EnumerateArray().ToDictionary(s => s.Id());
        foreach (var need in demo.GetProperty("needs").EnumerateArray())
        {
            var answer = await (await admin.GetAsync($"/api/needs/{need.Id()}/matches?top=5")).Json(HttpStatusCode.OK);
            var matches = answer.GetProperty("matches").EnumerateArray().ToList();
            Assert.NotEmpty(matches);
            var scores = matches.Select(m => m.GetProperty("score").GetDouble()).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            foreach (var match in matches)
            {
                Assert.NotEmpty(match.GetProperty("reasons").EnumerateArray());
                var id = match.GetProperty("startupId").GetString()!;
                var profile = await (await admin.GetAsync($"/api/startups/{id}")).Json(HttpStatusCode.OK);
                var served = profile.GetProperty("regionsServed").EnumerateArray().Select(r => r.GetString()).ToList();
                Assert.True(served.Contains("*") || served.Contains(need.GetProperty("region").GetString()), $"{id} does not serve {need.Id()}");
                Assert.True(profile.GetProperty("priceMinMad").GetDecimal() <= need.GetProperty("budgetMaxMad").GetDecimal(), $"{id} is too dear for {need.Id()}");
                Assert.True(profile.GetProperty("activeProjects").GetInt32() < profile.GetProperty("capacity").GetInt32(), $"{id} is full");
            }
            Assert.DoesNotContain("st-demo-crm-maghreb", matches.Select(m => m.GetProperty("startupId").GetString())); // at capacity
        }
        Assert.True(startups.Count >= 10);
    }

    [Fact]
    public async Task Needs_written_in_any_language_find_the_startup_that_fits()
    {
        await ImportDemoAsync();
        using var admin = host.Admin();
        // French, filed under "other": WhatsApp bookings in darija.
        Assert.Contains("st-demo-darija-bots", (await TopStartupsAsync(admin, "need-demo-riad-bookings")).Take(3));
        // Arabic: pharmacy stock and e-invoicing in the Oriental.
        Assert.Contains("st-demo-hisab", (await TopStartupsAsync(admin, "need-demo-pharmacy-stock")).Take(3));
        // English: security audit and law 09-08.
        Assert.Equal("st-demo-securis", (await TopStartupsAsync(admin, "need-demo-logistics-audit"))[0]);
        // The ERP startup does not serve Casablanca-Settat: never proposed there.
        Assert.DoesNotContain("st-demo-hisab", await TopStartupsAsync(admin, "need-demo-textile-erp", 20));
    }

    [Fact]
    public async Task Reasons_come_in_the_language_asked_for()
    {
        await ImportDemoAsync();
        using var admin = host.Admin();
        var arabic = await (await admin.GetAsync("/api/needs/need-demo-logistics-audit/matches?top=1&language=ar")).Json(HttpStatusCode.OK);
        var detail = arabic.GetProperty("matches")[0].GetProperty("reasons")[0].GetProperty("detail").GetString()!;
        Assert.Matches(@"\p{IsArabic}", detail);
        await (await admin.GetAsync("/api/needs/need-demo-logistics-audit/matches?language=de")).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/needs/need-demo-logistics-audit/matches?top=500")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_the_needs_sme_admins_and_managers_see_its_matches()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host, "cybersecurity", "Souss-Massa");
        await (await sme.Client.GetAsync($"/api/needs/{needId}/matches")).Json(HttpStatusCode.OK);
        var (startup, _) = await Api.StartupAsync(host);
        await (await startup.Client.GetAsync($"/api/needs/{needId}/matches")).Problem(HttpStatusCode.NotFound);
        var otherSme = await host.SignUpAsync("sme");
        await (await otherSme.Client.GetAsync($"/api/needs/{needId}/matches")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_startup_sees_the_open_needs_that_fit_it_and_an_awarded_need_leaves_the_list()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (sme, needId) = await Api.OpenNeedAsync(host, "iot", "Dakhla-Oued Ed-Dahab");
        var (startup, startupId) = await Api.StartupAsync(host, $"Capteurs {tag}");
        await (await startup.Client.PutAsJsonAsync($"/api/startups/{startupId}", new
        {
            name = $"Capteurs {tag}", city = "Dakhla", region = "Dakhla-Oued Ed-Dahab", categories = new[] { "iot", "ecommerce" },
            skills = new[] { "lorawan", "woocommerce" }, description = "Capteurs connectés et boutiques en ligne.", languages = new[] { "fr" },
            priceMinMad = 5000, priceMaxMad = 90000, regionsServed = new[] { "Dakhla-Oued Ed-Dahab" }, capacity = 2,
        })).Json(HttpStatusCode.OK);

        async Task<List<string>> NeedsAsync() => [.. (await (await startup.Client.GetAsync($"/api/startups/{startupId}/matches?top=50")).Json(HttpStatusCode.OK))
            .GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("needId").GetString()!)];

        Assert.Contains(needId, await NeedsAsync());
        Assert.Contains(startupId, await TopStartupsAsync(sme.Client, needId, 50));
        var (rival, _) = await Api.StartupAsync(host, $"Rival {tag}");
        await (await rival.Client.GetAsync($"/api/startups/{startupId}/matches")).Problem(HttpStatusCode.NotFound);

        var bid = await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bid}/accept", null)).Json(HttpStatusCode.OK);
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        Assert.DoesNotContain(needId, await NeedsAsync());
    }

    [Fact]
    public async Task A_startup_that_stops_serving_a_region_is_no_longer_proposed_there()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host, "training", "Beni Mellal-Khenifra");
        var (startup, startupId) = await Api.StartupAsync(host, "Formation Atlas");
        object Profile(string served) => new
        {
            name = "Formation Atlas", city = "Beni Mellal", region = "Beni Mellal-Khenifra", categories = new[] { "training", "ecommerce" },
            skills = new[] { "formation", "woocommerce" }, description = "Formation des équipes des PME au numérique.", languages = new[] { "fr" },
            priceMinMad = 5000, priceMaxMad = 60000, regionsServed = new[] { served }, capacity = 3,
        };
        await (await startup.Client.PutAsJsonAsync($"/api/startups/{startupId}", Profile("Beni Mellal-Khenifra"))).Json(HttpStatusCode.OK);
        Assert.Contains(startupId, await TopStartupsAsync(sme.Client, needId, 50));
        await (await startup.Client.PutAsJsonAsync($"/api/startups/{startupId}", Profile("Oriental"))).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(startupId, await TopStartupsAsync(sme.Client, needId, 50));
    }

    [Fact]
    public async Task The_managers_of_a_startups_cohort_see_its_matches_and_other_managers_do_not()
    {
        var programme = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Cohort Digital");
        await programme.AddMemberAsync(startup, startupId);
        await (await programme.Manager.Client.GetAsync($"/api/startups/{startupId}/matches")).Json(HttpStatusCode.OK);

        var stranger = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));
        await (await stranger.Client.GetAsync($"/api/startups/{startupId}/matches")).Problem(HttpStatusCode.NotFound);
    }
}
