using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Request bodies a real client would send, and small helpers to read answers.</summary>
internal static class Api
{
    public static object Sme(string region = "Fes-Meknes") =>
        new { name = "Huilerie Zerhoun", sector = "food", city = "Meknes", region, employees = 22, languages = new[] { "fr", "ar" } };

    public static object Startup(string name = "Web Atlas") => new
    {
        name, city = "Rabat", region = "Rabat-Sale-Kenitra", categories = new[] { "ecommerce", "website" },
        skills = new[] { "woocommerce", "seo" }, description = "Boutiques en ligne pour PME.", languages = new[] { "fr", "ar" },
        priceMinMad = 10000, priceMaxMad = 80000, regionsServed = new[] { "*" }, capacity = 3,
    };

    public static object Need(string category = "ecommerce", string region = "Fes-Meknes", string title = "Vendre notre huile en ligne") => new
    {
        title, description = "Une petite boutique en ligne avec paiement par carte et livraison au Maroc.", category,
        skills = new[] { "woocommerce" }, budgetMinMad = 15000, budgetMaxMad = 40000,
        deadline = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd"), region, remoteOk = true, language = "fr",
    };

    public static object Bid(decimal price = 30000) => new
    {
        priceMad = price, durationDays = 60, proposal = "Boutique WooCommerce avec paiement CMI, catalogue et formation.",
        milestones = new[]
        {
            new { title = "Maquettes et catalogue", amountMad = price / 2, dueInDays = 20 },
            new { title = "Mise en ligne et formation", amountMad = price - price / 2, dueInDays = 60 },
        },
    };

    public static async Task<JsonElement> Json(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> Problem(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Json(expected);
    }

    public static string Id(this JsonElement json) => json.GetProperty("id").GetString()!;

    public static async Task<string> CreateAsync(this HttpClient client, string path, object body) =>
        (await (await client.PostAsJsonAsync(path, body)).Json(HttpStatusCode.Created)).Id();

    /// <summary>An SME with a profile and an open need.</summary>
    public static async Task<(Person Sme, string NeedId)> OpenNeedAsync(MarketplaceHost host, string category = "ecommerce", string region = "Fes-Meknes")
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Sme(region));
        var needId = await sme.Client.CreateAsync("/api/needs", Need(category, region));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId); // listed and matched
        return (sme, needId);
    }

    /// <summary>A startup with a profile.</summary>
    public static async Task<(Person Startup, string StartupId)> StartupAsync(MarketplaceHost host, string name = "Web Atlas")
    {
        var startup = await host.SignUpAsync("startup");
        var id = await startup.Client.CreateAsync("/api/startups", Startup(name));
        return (startup, id);
    }
}
