using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class ProfilesApiTests(MarketplaceHost host)
{
    [Fact]
    public async Task An_sme_creates_reads_and_updates_its_profile_and_nobody_else_sees_it()
    {
        var sme = await host.SignUpAsync("sme");
        var id = await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var read = await (await sme.Client.GetAsync($"/api/smes/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("Huilerie Zerhoun", read.GetProperty("name").GetString());

        var updated = await (await sme.Client.PutAsJsonAsync($"/api/smes/{id}",
            new { name = "Huilerie Zerhoun SARL", sector = "food", city = "Meknes", region = "Fes-Meknes", employees = 25, languages = new[] { "fr" } }))
            .Json(HttpStatusCode.OK);
        Assert.Equal(25, updated.GetProperty("employees").GetInt32());

        var other = await host.SignUpAsync("sme");
        await (await other.Client.GetAsync($"/api/smes/{id}")).Problem(HttpStatusCode.NotFound);
        await (await other.Client.PutAsJsonAsync($"/api/smes/{id}", Api.Sme())).Problem(HttpStatusCode.NotFound);
        var startup = await host.SignUpAsync("startup");
        await (await startup.Client.GetAsync($"/api/smes/{id}")).Problem(HttpStatusCode.NotFound);
        Assert.Equal("Huilerie Zerhoun SARL", (await (await host.Admin().GetAsync($"/api/smes/{id}")).Json(HttpStatusCode.OK)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_startup_profile_is_readable_by_smes_and_its_track_record_cannot_be_set_by_the_startup()
    {
        var (startup, id) = await Api.StartupAsync(host);
        var sme = await host.SignUpAsync("sme");
        var seen = await (await sme.Client.GetAsync($"/api/startups/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("Web Atlas", seen.GetProperty("name").GetString());
        Assert.Equal(10000m, seen.GetProperty("priceMinMad").GetDecimal());

        // Fields that are not part of the body (rating, id, owner) set nothing.
        var tampered = await (await startup.Client.PutAsJsonAsync($"/api/startups/{id}", new
        {
            id = "st-stolen", rating = 5.0, ratingCount = 999, activeProjects = -4, ownerAccountId = "acc-evil",
            name = "Web Atlas", city = "Rabat", region = "Rabat-Sale-Kenitra", categories = new[] { "website" }, skills = new[] { "seo" },
            description = "Sites vitrines.", languages = new[] { "fr" }, priceMinMad = 5000, priceMaxMad = 50000, regionsServed = new[] { "*" }, capacity = 2,
        })).Json(HttpStatusCode.OK);
        Assert.Equal(id, tampered.GetProperty("id").GetString());
        Assert.Equal(0, tampered.GetProperty("ratingCount").GetInt32());
        Assert.Equal(0, tampered.GetProperty("activeProjects").GetInt32());
        await (await sme.Client.PutAsJsonAsync($"/api/startups/{id}", Api.Startup("Hijacked"))).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Each_role_creates_only_its_own_kind_of_profile_and_only_one()
    {
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.PostAsJsonAsync("/api/startups", Api.Startup())).Problem(HttpStatusCode.Forbidden);
        await (await sme.Client.PostAsJsonAsync("/api/mentors", new { name = "X", expertise = new[] { "seo" }, languages = new[] { "fr" }, capacity = 2 }))
            .Problem(HttpStatusCode.Forbidden);
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        await (await sme.Client.PostAsJsonAsync("/api/smes", Api.Sme())).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Eight_concurrent_creations_by_one_account_store_one_profile_and_erasure_leaves_none_matchable()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var startup = await host.SignUpAsync("startup");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => startup.Client.PostAsJsonAsync("/api/startups", IotStartup($"Race {run} {i}"))));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var id = (await answers.Single(a => a.StatusCode == HttpStatusCode.Created).Json(HttpStatusCode.Created)).Id();

        // One profile stored: matching knows exactly one startup of this run, the one answered 201.
        var (_, needId) = await Api.OpenNeedAsync(host, category: "iot");
        using var admin = host.Admin();
        Assert.Equal([id], await RaceMatchesAsync(admin, needId, run));

        // After erasure, none is left for matching.
        (await startup.Client.PostAsJsonAsync("/api/me/erase", new { confirm = startup.Email })).EnsureSuccessStatusCode();
        Assert.Empty(await RaceMatchesAsync(admin, needId, run));
    }

    private static object IotStartup(string name) => new
    {
        name, city = "Agadir", region = "Souss-Massa", categories = new[] { "iot" }, skills = new[] { "lorawan", "capteurs" },
        description = "Capteurs pour l'irrigation.", languages = new[] { "fr" }, priceMinMad = 1000, priceMaxMad = 90000,
        regionsServed = new[] { "*" }, capacity = 5,
    };

    private static async Task<List<string>> RaceMatchesAsync(HttpClient client, string needId, string run)
    {
        var answer = await (await client.GetAsync($"/api/needs/{needId}/matches?top=50")).Json(HttpStatusCode.OK);
        return [.. answer.GetProperty("matches").EnumerateArray()
            .Where(m => m.GetProperty("name").GetString()!.Contains(run)).Select(m => m.GetProperty("startupId").GetString()!)];
    }

    [Fact]
    public async Task Managers_read_no_sme_and_only_the_mentors_who_follow_a_startup_of_their_institutes()
    {
        var sme = await host.SignUpAsync("sme");
        var smeId = await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var p = await Incubation.ProgrammeAsync(host);
        var other = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host, "Oriental"));
        await (await p.Manager.Client.GetAsync($"/api/smes/{smeId}")).Problem(HttpStatusCode.NotFound);

        var (_, mentorId) = await Incubation.MentorAsync(host);
        await (await p.Manager.Client.GetAsync($"/api/mentors/{mentorId}")).Problem(HttpStatusCode.NotFound);
        var (startup, startupId) = await Api.StartupAsync(host, "Souss Capteurs");
        await p.AddMemberAsync(startup, startupId);
        (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).EnsureSuccessStatusCode();

        var seen = await (await p.Manager.Client.GetAsync($"/api/mentors/{mentorId}")).Json(HttpStatusCode.OK);
        Assert.Equal("Salma Idrissi", seen.GetProperty("name").GetString());
        await (await other.Client.GetAsync($"/api/mentors/{mentorId}")).Problem(HttpStatusCode.NotFound);
        await (await p.Manager.Client.PutAsJsonAsync($"/api/mentors/{mentorId}",
            new { name = "X", expertise = new[] { "seo" }, languages = new[] { "fr" }, capacity = 2 })).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_mentor_profile_is_not_seen_by_smes()
    {
        var mentor = await host.SignUpAsync("mentor");
        var id = await mentor.Client.CreateAsync("/api/mentors",
            new { name = "Nadia Benali", expertise = new[] { "e-commerce", "marketing" }, languages = new[] { "fr", "ar" }, capacity = 4 });
        var read = await (await mentor.Client.GetAsync($"/api/mentors/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(4, read.GetProperty("capacity").GetInt32());
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.GetAsync($"/api/mentors/{id}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Profiles_need_valid_regions_categories_languages_and_prices()
    {
        var (startup, _) = await Api.StartupAsync(host);
        var other = await host.SignUpAsync("startup");
        var problem = await (await other.Client.PostAsJsonAsync("/api/startups", new
        {
            name = "", city = "Rabat", region = "Rabat", categories = new[] { "blockchain" }, skills = new[] { "x" },
            description = "x", languages = new[] { "de" }, priceMinMad = 90000, priceMaxMad = 10000, regionsServed = new[] { "Paris" }, capacity = -1,
        })).Problem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "region", "categories[0]", "languages[0]", "priceMinMad", "regionsServed[0]", "capacity" })
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error for {field}: {errors}");
        Assert.NotNull(startup);
        // The whole country and a region at once would put a local startup before every SME of the country.
        var both = (await (await other.Client.PostAsJsonAsync("/api/startups", new
        {
            name = "Atlas Local", city = "Marrakech", region = "Marrakech-Safi", categories = new[] { "website" }, skills = new[] { "wordpress" },
            description = "Sites vitrines.", languages = new[] { "fr" }, priceMinMad = 5000, priceMaxMad = 50000, regionsServed = new[] { "*", "Marrakech-Safi" }, capacity = 2,
        })).Problem(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("Choose the whole country or some regions, not both.", both.GetProperty("regionsServed")[0].GetString());
        // A list typed as text is "required", a list of choices asks to choose: the page words each as its field reads.
        var mentor = await host.SignUpAsync("mentor");
        var empty = (await (await mentor.Client.PostAsJsonAsync("/api/mentors", new { name = "Amal", expertise = Array.Empty<string>(), languages = Array.Empty<string>(), capacity = 2 }))
            .Problem(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("Required.", empty.GetProperty("expertise")[0].GetString());
        Assert.Equal("At least one is required.", empty.GetProperty("languages")[0].GetString());
    }

    [Fact]
    public async Task A_startup_shows_up_to_six_portfolio_items_with_https_links_only()
    {
        var startup = await host.SignUpAsync("startup");
        object Profile(params object[] portfolio) => new
        {
            name = "Atlas Web", city = "Rabat", region = "Rabat-Sale-Kenitra", categories = new[] { "website" }, skills = new[] { "seo" },
            description = "Sites pour PME.", languages = new[] { "fr" }, priceMinMad = 5000, priceMaxMad = 50000, regionsServed = new[] { "*" },
            capacity = 2, portfolio,
        };
        var id = await startup.Client.CreateAsync("/api/startups", Profile(new { title = "Huilerie Zerhoun", url = "https://zerhoun.example.ma/boutique", year = 2025 }));
        var (sme, _) = await Api.OpenNeedAsync(host);
        var read = await (await sme.Client.GetAsync($"/api/startups/{id}")).Json(HttpStatusCode.OK);
        var item = Assert.Single(read.GetProperty("portfolio").EnumerateArray());
        Assert.Equal(("Huilerie Zerhoun", "https://zerhoun.example.ma/boutique", 2025),
            (item.GetProperty("title").GetString(), item.GetProperty("url").GetString(), item.GetProperty("year").GetInt32()));

        // Only https addresses, years up to this one, at most six items; a refused update changes nothing.
        var refused = await (await startup.Client.PutAsJsonAsync($"/api/startups/{id}", Profile(
            new { title = "Site", url = "http://zerhoun.example.ma", year = 2025 },
            new { title = "Script", url = "javascript:alert(1)", year = 2025 },
            new { title = "Futur", url = "https://futur.example.ma", year = DateTime.UtcNow.Year + 1 },
            new { title = "", url = "https://vide.example.ma", year = 2020 }))).Problem(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "portfolio[0].url", "portfolio[1].url", "portfolio[2].year", "portfolio[3].title" })
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}");
        var seven = Enumerable.Range(1, 7).Select(n => (object)new { title = $"Site {n}", url = $"https://site{n}.example.ma", year = 2024 }).ToArray();
        await (await startup.Client.PutAsJsonAsync($"/api/startups/{id}", Profile(seven))).Problem(HttpStatusCode.BadRequest);
        await (await startup.Client.PutAsJsonAsync($"/api/startups/{id}", Profile(seven[..6]))).Json(HttpStatusCode.OK);
        read = await (await sme.Client.GetAsync($"/api/startups/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(6, read.GetProperty("portfolio").GetArrayLength());
    }
}
