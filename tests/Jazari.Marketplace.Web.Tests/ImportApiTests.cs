using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class ImportApiTests(MarketplaceHost host)
{
    private static JsonObject Sample()
    {
        var path = Path.Combine(RepoPaths.Root, "..", "shared", "examples", "import-sample.json");
        var text = File.Exists(path) ? File.ReadAllText(path) : File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Jazari.Marketplace.Web.Tests", "import-sample.json"));
        return JsonNode.Parse(text)!.AsObject();
    }

    private static StringContent Body(JsonNode json) => new(json.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task The_contract_sample_imports_and_a_second_import_updates_the_same_records()
    {
        using var admin = host.Admin();
        var sample = Sample();
        sample["needs"]![0]!["deadline"] = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd");

        var first = await (await admin.PostAsync("/api/admin/import", Body(sample))).Json(HttpStatusCode.OK);
        Assert.Equal(0, first.GetProperty("refused").GetArrayLength());
        var second = await (await admin.PostAsync("/api/admin/import", Body(sample))).Json(HttpStatusCode.OK);
        Assert.Equal(1, second.GetProperty("updated").GetProperty("startups").GetInt32());
        Assert.Equal(1, second.GetProperty("updated").GetProperty("needs").GetInt32());
        Assert.Equal(0, second.GetProperty("created").GetProperty("needs").GetInt32());

        var startup = await (await admin.GetAsync("/api/startups/st-example-webatlas")).Json(HttpStatusCode.OK);
        Assert.Equal(4.4, startup.GetProperty("rating").GetDouble());
        Assert.Equal(7, startup.GetProperty("ratingCount").GetInt32());
        // Its public page says where the 7 ratings come from, beside "no review yet": they came with the catalogue.
        using (var page = await Payments.ReceiptTests.PagesAsync(host, await host.SignUpAsync("sme")))
            Assert.Contains("7 notes ont été données avant la place de marché", System.Net.WebUtility.HtmlDecode(await page.GetStringAsync("/startups/st-example-webatlas")));
        var need = await (await admin.GetAsync("/api/needs/need-example-olive-shop")).Json(HttpStatusCode.OK);
        Assert.Equal("open", need.GetProperty("status").GetString());
        Assert.Equal("sme-example-olive", need.GetProperty("smeId").GetString());
    }

    [Fact]
    public async Task Each_invalid_record_is_refused_with_its_reasons_and_the_valid_ones_go_in()
    {
        using var admin = host.Admin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var body = new JsonObject
        {
            ["smes"] = new JsonArray(
                new JsonObject { ["id"] = $"sme-ok-{tag}", ["name"] = "Riad", ["sector"] = "hotel", ["city"] = "Fes", ["region"] = "Fes-Meknes", ["employees"] = 4, ["languages"] = new JsonArray("fr") },
                new JsonObject { ["id"] = "Not An Id!", ["name"] = "Bad", ["sector"] = "x", ["city"] = "x", ["region"] = "Atlantis", ["employees"] = 1, ["languages"] = new JsonArray("fr") }),
            ["needs"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = $"need-orphan-{tag}", ["smeId"] = $"sme-missing-{tag}", ["title"] = "Site vitrine", ["description"] = "Un site vitrine simple pour notre riad.",
                    ["category"] = "website", ["budgetMinMad"] = 5000, ["budgetMaxMad"] = 9000, ["deadline"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
                    ["region"] = "Fes-Meknes", ["remoteOk"] = true, ["language"] = "fr",
                }),
        };
        var report = await (await admin.PostAsync("/api/admin/import", Body(body))).Json(HttpStatusCode.OK);

        Assert.Equal(1, report.GetProperty("created").GetProperty("smes").GetInt32());
        var refused = report.GetProperty("refused").EnumerateArray().ToList();
        Assert.Equal(2, refused.Count);
        var badSme = refused.Single(r => r.GetProperty("kind").GetString() == "smes");
        Assert.Equal(1, badSme.GetProperty("index").GetInt32());
        Assert.True(badSme.GetProperty("errors").TryGetProperty("id", out _));
        Assert.True(badSme.GetProperty("errors").TryGetProperty("region", out _));
        var orphan = refused.Single(r => r.GetProperty("kind").GetString() == "needs");
        Assert.True(orphan.GetProperty("errors").TryGetProperty("smeId", out _));
        await (await admin.GetAsync($"/api/needs/need-orphan-{tag}")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_import_changes_nothing_an_account_holds_and_gives_no_need_to_another_sme()
    {
        using var admin = host.Admin();
        var (sme, posted) = await Api.OpenNeedAsync(host);
        var smeId = (await (await sme.Client.GetAsync($"/api/needs/{posted}")).Json(HttpStatusCode.OK)).GetProperty("smeId").GetString()!;
        var draft = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "Notre brouillon"));
        var tag = Guid.NewGuid().ToString("N")[..8];
        JsonObject Need(string id, string owner) => new()
        {
            ["id"] = id, ["smeId"] = owner, ["title"] = "Boutique importée", ["description"] = "Une boutique en ligne venue d'un autre catalogue.",
            ["category"] = "ecommerce", ["budgetMinMad"] = 5000, ["budgetMaxMad"] = 9000, ["deadline"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
            ["region"] = "Fes-Meknes", ["remoteOk"] = true, ["language"] = "fr",
        };
        JsonObject Sme(string id) => new() { ["id"] = id, ["name"] = "Importée", ["sector"] = "food", ["city"] = "Fes", ["region"] = "Fes-Meknes", ["employees"] = 3, ["languages"] = new JsonArray("fr") };
        var first = await (await admin.PostAsync("/api/admin/import", Body(new JsonObject
        {
            ["smes"] = new JsonArray(Sme($"sme-cat-{tag}")), ["needs"] = new JsonArray(Need($"need-cat-{tag}", $"sme-cat-{tag}")),
        }))).Json(HttpStatusCode.OK);
        Assert.Equal(0, first.GetProperty("refused").GetArrayLength());

        // The SME's published need and its draft given to the imported SME, the imported need given to the SME, the SME's profile rewritten.
        var second = await (await admin.PostAsync("/api/admin/import", Body(new JsonObject
        {
            ["smes"] = new JsonArray(Sme(smeId)),
            ["needs"] = new JsonArray(Need(posted, $"sme-cat-{tag}"), Need(draft, smeId), Need($"need-cat-{tag}", smeId), Need($"need-new-{tag}", smeId)),
        }))).Json(HttpStatusCode.OK);
        Assert.Equal(5, second.GetProperty("refused").GetArrayLength()); // a new need in the name of an SME with an account too
        Assert.Equal(0, second.GetProperty("created").GetProperty("needs").GetInt32());
        await (await admin.GetAsync($"/api/needs/need-new-{tag}")).Problem(HttpStatusCode.NotFound);
        Assert.Equal(0, second.GetProperty("updated").GetProperty("needs").GetInt32() + second.GetProperty("updated").GetProperty("smes").GetInt32());

        var need = await (await sme.Client.GetAsync($"/api/needs/{posted}")).Json(HttpStatusCode.OK);
        Assert.Equal((smeId, "Vendre notre huile en ligne"), (need.GetProperty("smeId").GetString(), need.GetProperty("title").GetString()));
        Assert.Equal("draft", (await (await sme.Client.GetAsync($"/api/needs/{draft}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal($"sme-cat-{tag}", (await (await admin.GetAsync($"/api/needs/need-cat-{tag}")).Json(HttpStatusCode.OK)).GetProperty("smeId").GetString());
        Assert.Equal("Huilerie Zerhoun", (await (await sme.Client.GetAsync($"/api/smes/{smeId}")).Json(HttpStatusCode.OK)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_account_signed_up_with_an_imported_smes_contact_address_takes_it_over_with_its_needs()
    {
        using var admin = host.Admin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var contact = $"contact-{tag}@cooperative.ma";
        var catalogue = new JsonObject
        {
            ["smes"] = new JsonArray(new JsonObject
            {
                ["id"] = $"sme-cat-{tag}", ["name"] = "Coopérative Tighanimine", ["sector"] = "food", ["city"] = "Agadir", ["region"] = "Souss-Massa",
                ["employees"] = 12, ["languages"] = new JsonArray("fr"), ["contactEmail"] = contact.ToUpperInvariant(),
            }),
            ["needs"] = new JsonArray(new JsonObject
            {
                ["id"] = $"need-cat-{tag}", ["smeId"] = $"sme-cat-{tag}", ["title"] = "Boutique pour notre huile", ["description"] = "Une boutique en ligne pour vendre notre huile d'argan.",
                ["category"] = "ecommerce", ["budgetMinMad"] = 20000, ["budgetMaxMad"] = 40000, ["deadline"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
                ["region"] = "Souss-Massa", ["remoteOk"] = true, ["language"] = "fr",
            }),
        };
        Assert.Equal(0, (await (await admin.PostAsync("/api/admin/import", Body(catalogue))).Json(HttpStatusCode.OK)).GetProperty("refused").GetArrayLength());
        var (startup, _) = await Api.StartupAsync(host);
        var bid = await startup.Client.CreateAsync($"/api/needs/need-cat-{tag}/bids", Api.Bid(price: 30000));

        // Another SME, and a startup signed up with the contact's address, are offered nothing and cannot take it.
        var other = await host.SignUpAsync("sme");
        Assert.Equal(0, (await (await other.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK)).GetArrayLength());
        await (await other.Client.PostAsync($"/api/me/listed-profiles/sme-cat-{tag}/claim", null)).Problem(HttpStatusCode.NotFound);

        // The SME signed up with the catalogue's address (verified by its code) is offered its profile and takes it over.
        var sme = await host.SignUpAsync("sme", email: contact);
        var listed = await (await sme.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK);
        Assert.Equal($"sme-cat-{tag}", Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        await (await sme.Client.GetAsync($"/api/smes/sme-cat-{tag}")).Problem(HttpStatusCode.NotFound); // not its own yet
        for (var i = 0; i < 2; i++) // sent again, it changes nothing
            Assert.Equal($"sme-cat-{tag}", (await (await sme.Client.PostAsync($"/api/me/listed-profiles/sme-cat-{tag}/claim", null)).Json(HttpStatusCode.OK)).GetProperty("id").GetString());
        Assert.Equal("Coopérative Tighanimine", (await (await sme.Client.GetAsync($"/api/smes/sme-cat-{tag}")).Json(HttpStatusCode.OK)).GetProperty("name").GetString());
        Assert.Equal(0, (await (await sme.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK)).GetArrayLength());

        // Its imported need is now its own: it reads the bid and awards it, which nobody could do before.
        var need = await (await sme.Client.GetAsync($"/api/needs/need-cat-{tag}")).Json(HttpStatusCode.OK);
        Assert.Equal(bid, Assert.Single(need.GetProperty("bids").EnumerateArray()).GetProperty("id").GetString());
        (await sme.Client.PostAsync($"/api/needs/need-cat-{tag}/bids/{bid}/accept", null)).EnsureSuccessStatusCode();
        // The catalogue no longer changes what the SME now holds.
        var again = await (await admin.PostAsync("/api/admin/import", Body(new JsonObject { ["smes"] = catalogue["smes"]!.DeepClone() }))).Json(HttpStatusCode.OK);
        Assert.Equal(1, again.GetProperty("refused").GetArrayLength());
    }

    [Fact]
    public async Task A_takeover_cut_short_is_offered_again_and_finished_even_by_the_create_form()
    {
        using var admin = host.Admin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (smeId, contact) = ($"sme-cut-{tag}", $"owner-{tag}@atlas-olives.ma");
        var catalogue = new JsonObject
        {
            ["smes"] = new JsonArray(new JsonObject
            {
                ["id"] = smeId, ["name"] = "Atlas Olives", ["sector"] = "food", ["city"] = "Meknes", ["region"] = "Fes-Meknes",
                ["employees"] = 8, ["languages"] = new JsonArray("fr"), ["contactEmail"] = contact,
            }),
            ["needs"] = new JsonArray(new JsonObject
            {
                ["id"] = $"need-cut-{tag}", ["smeId"] = smeId, ["title"] = "Site pour nos olives", ["description"] = "Un site pour vendre nos olives en ligne.",
                ["category"] = "ecommerce", ["budgetMinMad"] = 10000, ["budgetMaxMad"] = 20000, ["deadline"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
                ["region"] = "Fes-Meknes", ["remoteOk"] = true, ["language"] = "fr",
            }),
            // A startup may not take an id an SME holds: the needs a profile posted or bid on are listed under its id.
            ["startups"] = new JsonArray(new JsonObject
            {
                ["id"] = smeId, ["name"] = "Même id", ["city"] = "Fes", ["region"] = "Fes-Meknes", ["categories"] = new JsonArray("ecommerce"),
                ["skills"] = new JsonArray("woocommerce"), ["description"] = "Boutiques en ligne pour PME.", ["languages"] = new JsonArray("fr"),
                ["priceMinMad"] = 5000, ["priceMaxMad"] = 50000, ["regionsServed"] = new JsonArray("*"), ["capacity"] = 2,
            }),
        };
        var report = await (await admin.PostAsync("/api/admin/import", Body(catalogue))).Json(HttpStatusCode.OK);
        var refusal = Assert.Single(report.GetProperty("refused").EnumerateArray());
        Assert.Equal(("startups", "A profile of the other kind has this id."),
            (refusal.GetProperty("kind").GetString(), refusal.GetProperty("errors").GetProperty("id")[0].GetString()));

        var (startup, _) = await Api.StartupAsync(host);
        var bid = await startup.Client.CreateAsync($"/api/needs/need-cut-{tag}/bids", Api.Bid(price: 15000));

        // The takeover died after the profile was taken, before the need and the account link (as a crash would leave it):
        // the SME does not see the bid its need received.
        var sme = await host.SignUpAsync("sme", email: contact);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal(smeId, await grains.GetGrain<Grains.Accounts.IAccountGrain>(sme.AccountId).ReserveProfileAsync(smeId));
        await grains.GetGrain<Grains.Profiles.ISmeGrain>(smeId).ClaimAsync(sme.AccountId, contact);
        Assert.Equal(0, (await (await sme.Client.GetAsync($"/api/needs/need-cut-{tag}")).Json(HttpStatusCode.OK)).GetProperty("bids").GetArrayLength());

        // Still offered; and the create form, sent instead, finishes the takeover the reservation names.
        var listed = await (await sme.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK);
        Assert.Equal(smeId, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(smeId, await sme.Client.CreateAsync("/api/smes", Api.Sme()));
        Assert.Equal(smeId, (await (await sme.Client.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK)).GetProperty("profileId").GetString());
        var need = await (await sme.Client.GetAsync($"/api/needs/need-cut-{tag}")).Json(HttpStatusCode.OK);
        Assert.Equal(bid, Assert.Single(need.GetProperty("bids").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(0, (await (await sme.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task A_takeover_whose_profile_the_catalogue_gave_another_contact_meanwhile_leaves_the_account_free_to_create_its_own()
    {
        using var admin = host.Admin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (smeId, contact) = ($"sme-moved-{tag}", $"first-{tag}@atlas-olives.ma");
        JsonObject Catalogue(string email) => new()
        {
            ["smes"] = new JsonArray(new JsonObject
            {
                ["id"] = smeId, ["name"] = "Atlas Olives", ["sector"] = "food", ["city"] = "Meknes", ["region"] = "Fes-Meknes",
                ["employees"] = 8, ["languages"] = new JsonArray("fr"), ["contactEmail"] = email,
            }),
        };
        Assert.Equal(0, (await (await admin.PostAsync("/api/admin/import", Body(Catalogue(contact)))).Json(HttpStatusCode.OK)).GetProperty("refused").GetArrayLength());
        var sme = await host.SignUpAsync("sme", email: contact);
        // The takeover reserved the profile and died; then the catalogue named another contact for that SME.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.Accounts.IAccountGrain>(sme.AccountId).ReserveProfileAsync(smeId);
        Assert.Equal(0, (await (await admin.PostAsync("/api/admin/import", Body(Catalogue($"other-{tag}@atlas-olives.ma")))).Json(HttpStatusCode.OK)).GetProperty("refused").GetArrayLength());

        // The account is not stuck on a profile it may no longer take: it creates its own at once.
        Assert.Equal(0, (await (await sme.Client.GetAsync("/api/me/listed-profiles")).Json(HttpStatusCode.OK)).GetArrayLength());
        var created = await sme.Client.CreateAsync("/api/smes", Api.Sme());
        Assert.NotEqual(smeId, created);
        Assert.Equal(created, (await (await sme.Client.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK)).GetProperty("profileId").GetString());
    }

    [Fact]
    public async Task Only_admins_import()
    {
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.PostAsJsonAsync("/api/admin/import", new { smes = Array.Empty<object>() })).Problem(HttpStatusCode.Forbidden);
    }
}
