using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--dashboard</c>: a manager's cohort dashboard of 200 startups with a year of activity, end to end against the
/// real host process on Azurite, beside reading one startup (a single grain call) in the same run.
/// Everything is set up through the HTTP API as an admin and a manager would, except the year of activity: the
/// HTTP API stamps a bid with the present moment, so the benchmark sends the marketplace events (bid submitted,
/// bid won, milestone delivered and released, monthly figures) with past dates straight to each startup's
/// activity grain, the same calls the need grain makes, through an Orleans client on the host's gateway.
/// </summary>
public static class HttpDashboardReport
{
    private const string ManagerEmail = "manager@bench.jazari.ma";

    public static async Task RunAsync(int startups, int calls)
    {
        await using var storage = await AzuriteServer.StartAsync();
        await using var host = await HostProcess.StartAsync(storage.ConnectionString);
        using var admin = host.Client(HostProcess.AdminToken);
        await Post(admin, "/api/admin/institutes", new { id = "inst-bench", name = "Jazari Souss-Massa", region = "Souss-Massa" });
        await Post(admin, "/api/admin/accounts", new { email = ManagerEmail, role = "manager", displayName = "Bench Manager", language = "fr", institutes = new[] { "inst-bench" } });
        using var manager = host.Client(await SignInAsync(host));
        var today = DateTime.UtcNow.Date;
        var cohortId = (await Post(manager, "/api/cohorts", new
        {
            instituteId = "inst-bench", name = "Cohorte Souss 2025", startsOn = today.AddYears(-1).ToString("yyyy-MM-dd"), endsOn = today.AddDays(30).ToString("yyyy-MM-dd"),
            questions = new[] { "Quel problème résolvez-vous ?" }, rubric = new[] { new { name = "Équipe", weight = 1 } },
        })).GetProperty("id").GetString()!;
        var startupIds = await ImportAsync(admin, startups);
        foreach (var id in startupIds) await Post(manager, $"/api/cohorts/{cohortId}/members", new { startupId = id });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var events = await GiveAYearOfActivityAsync(host, startupIds);
        Console.WriteLine($"{events} activity events over 12 months in {clock.Elapsed.TotalSeconds:F0} s");

        var dashboard = await manager.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/dashboard");
        var bytes = (await manager.GetByteArrayAsync($"/api/cohorts/{cohortId}/dashboard")).Length;
        var kpis = await manager.GetFromJsonAsync<JsonElement>($"/api/startups/{startupIds[0]}/kpis");
        var totals = dashboard.GetProperty("totals");
        Console.WriteLine($"dashboard: {dashboard.GetProperty("startups").GetArrayLength()} rows, {totals.GetProperty("bidsSubmitted")} bids, " +
            $"{totals.GetProperty("bidsWon")} won, {totals.GetProperty("milestonesDelivered")} milestones, {bytes / 1024} KiB of JSON; " +
            $"{kpis.GetProperty("months").GetArrayLength()} months of activity in a startup's KPIs");

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        var board = await Latency.TimeAsync(manager, [cohortId], id => $"/api/cohorts/{id}/dashboard", calls);
        var read = await Latency.TimeAsync(manager, startupIds, id => $"/api/startups/{id}", calls);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {string.Join(' ', load)} before timing, " +
            $"{startups} startups, {calls} calls each, one client");
        Console.WriteLine("| call | p50 | p99 |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| GET /api/cohorts/{{id}}/dashboard ({startups} rows) | {board.P50:F2} ms | {board.P99:F2} ms |");
        Console.WriteLine($"| GET /api/startups/{{id}} (baseline: one grain read) | {read.P50:F2} ms | {read.P99:F2} ms |");
        Console.WriteLine($"ratio of medians: {board.P50 / read.P50:F1}x, of p99: {board.P99 / read.P99:F1}x");
    }

    /// <summary>Per startup and month: two bids, a win every other month with its milestone delivered and paid, and the month's figures.</summary>
    private static async Task<int> GiveAYearOfActivityAsync(HostProcess host, IReadOnlyList<string> startupIds)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(host.GatewayPort, "jazari-marketplace", "jazari"));
        using var orleans = builder.Build();
        await orleans.StartAsync();
        var grains = orleans.Services.GetRequiredService<IClusterClient>();
        var now = DateTimeOffset.UtcNow;
        var events = 0;
        await Parallel.ForEachAsync(startupIds.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, _) =>
        {
            var random = new Random(s.i);
            var activity = grains.GetGrain<IStartupActivityGrain>(s.id);
            for (var month = 11; month >= 0; month--)
            {
                var at = now.AddMonths(-month).AddDays(-random.Next(0, 25));
                for (var b = 0; b < 2; b++) await activity.BidSubmittedAsync($"bid-{s.id}-{month}-{b}", at.AddHours(b));
                if ((s.i + month) % 2 == 0)
                {
                    var bidId = $"bid-{s.id}-{month}-0";
                    var price = random.Next(10_000, 200_000) * 100L;
                    var delivered = Min(at.AddDays(random.Next(10, 30)), now);
                    await activity.BidWonAsync(bidId, $"sme-{random.Next(50)}", price, at.AddDays(1));
                    await activity.MilestoneDeliveredAsync($"{bidId}:1", DateOnly.FromDateTime(at.AddDays(20).UtcDateTime), delivered);
                    await activity.MilestoneReleasedAsync($"{bidId}:1", price, delivered);
                    Interlocked.Add(ref events, 3);
                }
                await activity.ReportFiguresAsync(new MonthlyFigures(at.ToString("yyyy-MM"), random.Next(0, 100_000) * 100L, random.Next(1, 20), 0));
                Interlocked.Add(ref events, 3);
            }
        });
        await orleans.StopAsync();
        return events;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task<List<string>> ImportAsync(HttpClient admin, int count)
    {
        var startups = new SyntheticCatalogue(seed: 7).Startups(count);
        var body = new
        {
            startups = startups.Select(s => new
            {
                id = s.Id, name = s.Name, city = "Agadir", region = s.Region, categories = s.Categories, skills = s.Skills, description = s.Description,
                languages = s.Languages, priceMinMad = s.PriceMinMinor / 100, priceMaxMad = s.PriceMaxMinor / 100, regionsServed = s.RegionsServed,
                capacity = s.Capacity, activeProjects = s.ActiveProjects,
            }),
        };
        await Post(admin, "/api/admin/import", body);
        return [.. startups.Select(s => s.Id)];
    }

    /// <summary>The manager signs in as anyone does: the 6-digit code from the e-mail in the host's outbox folder.</summary>
    private static async Task<string> SignInAsync(HostProcess host)
    {
        using var anonymous = host.Client(token: null);
        anonymous.DefaultRequestHeaders.Authorization = null;
        await Post(anonymous, "/api/auth/sign-in", new { email = ManagerEmail });
        var email = Directory.GetFiles(Path.Combine(host.DataDir, "outbox"), "*.json").Order()
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).Last(e => e.GetProperty("to").GetString() == ManagerEmail);
        var code = email.GetProperty("text").GetString()!.Split([' ', '\n', ':'], StringSplitOptions.RemoveEmptyEntries)
            .Last(w => w.Length == 6 && w.All(char.IsAsciiDigit));
        return (await Post(anonymous, "/api/auth/verify", new { email = ManagerEmail, code })).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
