using System.Net.Http.Json;
using Jazari.Marketplace.Matching;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--http</c>: the matches call end to end, over a socket, against the real host process on Azurite,
/// after importing a synthetic catalogue; reading one need (a single grain call) is the baseline of the
/// same run. Latency percentiles, which BenchmarkDotNet does not aim at, so a plain timed loop.
/// </summary>
public static class HttpMatchesReport
{
    public static async Task RunAsync(int startups, int needs, int calls)
    {
        await using var storage = await AzuriteServer.StartAsync();
        await using var host = await HostProcess.StartAsync(storage.ConnectionString);
        using var client = host.Client(HostProcess.AdminToken);
        var catalogue = new SyntheticCatalogue(seed: 7);
        var needIds = await ImportAsync(client, catalogue, startups, needs);
        var matches = await Latency.TimeAsync(client, needIds, id => $"/api/needs/{id}/matches?top=10", calls);
        var read = await Latency.TimeAsync(client, needIds, id => $"/api/needs/{id}", calls);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {startups} startups, {needs} needs, {calls} calls each, one client");
        Console.WriteLine("| call | p50 | p99 |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| GET /api/needs/{{id}}/matches?top=10 | {matches.P50:F2} ms | {matches.P99:F2} ms |");
        Console.WriteLine($"| GET /api/needs/{{id}} (baseline: one grain read) | {read.P50:F2} ms | {read.P99:F2} ms |");
        Console.WriteLine($"ratio of medians: {matches.P50 / read.P50:F1}x");
    }

    public static async Task<List<string>> ImportAsync(HttpClient client, SyntheticCatalogue catalogue, int startups, int needs)
    {
        var deadline = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd");
        var body = new
        {
            smes = new[] { new { id = "sme-bench", name = "Bench SARL", sector = "retail", city = "Rabat", region = "Rabat-Sale-Kenitra", employees = 10, languages = new[] { "fr" } } },
            startups = catalogue.Startups(startups).Select(s => new
            {
                id = s.Id, name = s.Name, city = "Rabat", region = s.Region, categories = s.Categories, skills = s.Skills, description = s.Description,
                languages = s.Languages, priceMinMad = s.PriceMinMinor / 100, priceMaxMad = s.PriceMaxMinor / 100, regionsServed = s.RegionsServed,
                capacity = s.Capacity, activeProjects = s.ActiveProjects, rating = s.RatingCount == 0 ? 0 : s.Rating, ratingCount = s.RatingCount,
            }),
            needs = catalogue.Needs(needs).Select(n => new
            {
                id = n.Id, smeId = "sme-bench", title = n.Title + " projet", description = n.Description + " pour notre entreprise", category = n.Category,
                skills = n.Skills, budgetMinMad = n.BudgetMinMinor / 100, budgetMaxMad = n.BudgetMaxMinor / 100, deadline, region = n.Region,
                remoteOk = n.RemoteOk, language = n.Language,
            }),
        };
        var response = await client.PostAsJsonAsync("/api/admin/import", body);
        response.EnsureSuccessStatusCode();

        return [.. body.needs.Select(n => n.id)];
    }

}
