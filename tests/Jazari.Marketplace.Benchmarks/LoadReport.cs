using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--load</c>: requests per second and latency for reading a need and submitting a bid, on one host and
/// on a cluster of three, side by side with <c>/livez</c> (a constant answer: the ceiling of the stack) in
/// the same run; then the time from killing one of the three hosts to every need answering again. The load
/// comes from this process over loopback, on the same machine as the hosts.
/// </summary>
public static class LoadReport
{
    private const int Needs = 900;

    public static async Task RunAsync(int workers, TimeSpan duration)
    {
        await using var storage = await AzuriteServer.StartAsync();
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {workers} concurrent clients, {duration.TotalSeconds:F0} s a scenario");
        Console.WriteLine("| scenario | hosts | requests/s | p50 | p99 | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var count in new[] { 1, 3 })
        {
            var hosts = new List<HostProcess>();
            try
            {
                var settings = new Dictionary<string, string>
                {
                    ["Silo__Clustering"] = "AzureTable", ["Silo__ClusterId"] = $"load-{count}-{Guid.NewGuid():N}"[..20],
                    ["Silo__ProbeTimeoutSeconds"] = "2", ["Silo__MissedProbesLimit"] = "2",
                };
                for (var i = 0; i < count; i++) hosts.Add(await HostProcess.StartAsync(storage.ConnectionString, settings: settings));
                var needIds = await ImportNeedsAsync(hosts[0], count);
                var tokens = await StartupsAsync(hosts[0], workers);

                await Print("GET /livez (constant)", count, await MeasureAsync(hosts, workers, duration, (client, w, n) => client.GetAsync("/livez"), tokens));
                await Print("GET /api/needs/{id}", count, await MeasureAsync(hosts, workers, duration,
                    (client, w, n) => client.GetAsync($"/api/needs/{needIds[Random.Shared.Next(needIds.Count)]}"), tokens));
                await Print("POST /api/needs/{id}/bids", count, await MeasureAsync(hosts, workers, duration,
                    (client, w, n) => client.PostAsJsonAsync($"/api/needs/{needIds[n % needIds.Count]}/bids", Bid), tokens));

                if (count == 3)
                {
                    await hosts[2].KillAsync();
                    var clock = Stopwatch.StartNew();
                    var missing = needIds.ToHashSet();
                    using var a = hosts[0].Client(HostProcess.AdminToken);
                    using var b = hosts[1].Client(HostProcess.AdminToken);
                    while (missing.Count > 0)
                        foreach (var id in missing.ToList())
                            try { if ((await (missing.Count % 2 == 0 ? a : b).GetAsync($"/api/needs/{id}")).IsSuccessStatusCode) missing.Remove(id); }
                            catch (HttpRequestException) { }
                    Console.WriteLine($"\nOne of three hosts killed (SIGKILL): all {needIds.Count} needs answered again through the other two after {clock.Elapsed.TotalSeconds:F1} s.");
                }
            }
            finally
            {
                foreach (var host in hosts) await host.DisposeAsync();
            }
        }
    }

    internal static readonly object Bid = new
    {
        priceMad = 30000, durationDays = 60, proposal = "Boutique WooCommerce avec paiement CMI, catalogue et formation.",
        milestones = new[] { new { title = "Catalogue", amountMad = 15000, dueInDays = 20 }, new { title = "Mise en ligne", amountMad = 15000, dueInDays = 60 } },
    };

    internal static Task Print(string scenario, int hosts, (double Rps, double P50, double P99, int Errors) r)
    {
        Console.WriteLine($"| {scenario} | {hosts} | {r.Rps:F0} | {r.P50:F1} ms | {r.P99:F1} ms | {r.Errors} |");
        return Task.CompletedTask;
    }

    /// <summary>Each worker sends one request after the other, to the hosts in turn, as its startup.</summary>
    internal static async Task<(double Rps, double P50, double P99, int Errors)> MeasureAsync(List<HostProcess> hosts, int workers, TimeSpan duration,
        Func<HttpClient, int, int, Task<HttpResponseMessage>> request, List<string> tokens)
    {
        var clients = Enumerable.Range(0, workers).Select(w => hosts.Select(h => h.Client(tokens[w])).ToList()).ToList();
        var times = new List<double>[workers];
        var errors = 0;
        var sent = new int[workers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            times[w] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await request(clients[w][sent[w] % hosts.Count], w, sent[w]);
                sent[w]++;
                if (response.IsSuccessStatusCode) times[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else Interlocked.Increment(ref errors);
            }
        }));
        var all = times.SelectMany(t => t).Order().ToList();
        foreach (var c in clients.SelectMany(c => c)) c.Dispose();
        return (all.Count / clock.Elapsed.TotalSeconds, all[all.Count / 2], all[(int)(all.Count * 0.99)], errors);
    }

    internal static async Task<List<string>> ImportNeedsAsync(HostProcess host, int tag, int count = Needs)
    {
        using var admin = host.Client(HostProcess.AdminToken);
        var deadline = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd");
        var ids = Enumerable.Range(0, count).Select(i => $"need-load{tag}-{i:D4}").ToList();
        var body = new
        {
            smes = new[] { new { id = "sme-load", name = "Load SARL", sector = "retail", city = "Rabat", region = "Rabat-Sale-Kenitra", employees = 9, languages = new[] { "fr" } } },
            needs = ids.Select(id => new
            {
                id, smeId = "sme-load", title = "Boutique en ligne " + id, description = "Une boutique en ligne avec paiement par carte et livraison.",
                category = "ecommerce", budgetMinMad = 10000, budgetMaxMad = 60000, deadline, region = "Rabat-Sale-Kenitra", remoteOk = true, language = "fr",
            }),
        };
        (await admin.PostAsJsonAsync("/api/admin/import", body)).EnsureSuccessStatusCode();
        return ids;
    }

    /// <summary>One startup account with a profile per worker, signed up through the e-mailed code.</summary>
    internal static async Task<List<string>> StartupsAsync(HostProcess host, int count)
    {
        using var anonymous = host.Client(token: null);
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var email = $"load-{Guid.NewGuid():N}@example.ma";
            (await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "startup", displayName = "Load", language = "fr" })).EnsureSuccessStatusCode();
            var mail = await CodeMailAsync(host, email);
            var code = mail.GetProperty("text").GetString()!.Split([' ', '\n', ':']).Last(w => w.Length == 6 && w.All(char.IsAsciiDigit));
            var verified = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code })).Content.ReadFromJsonAsync<JsonElement>();
            var token = verified.GetProperty("token").GetString()!;
            using var startup = host.Client(token);
            (await startup.PostAsJsonAsync("/api/startups", new
            {
                name = $"Load {i}", city = "Rabat", region = "Rabat-Sale-Kenitra", categories = new[] { "ecommerce" }, skills = new[] { "woocommerce" },
                description = "Boutiques en ligne.", languages = new[] { "fr" }, priceMinMad = 5000, priceMaxMad = 90000, regionsServed = new[] { "*" }, capacity = 50,
            })).EnsureSuccessStatusCode();
            tokens.Add(token);
        }
        return tokens;
    }

    /// <summary>The sign-in code's e-mail: sent by its delivery job, so it is waited for.</summary>
    internal static async Task<JsonElement> CodeMailAsync(HostProcess host, string email)
    {
        var outbox = Path.Combine(host.DataDir, "outbox");
        for (var waited = 0; ; waited++)
        {
            var mail = (Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.json") : [])
                .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).FirstOrDefault(m => m.GetProperty("to").GetString() == email);
            if (mail.ValueKind == JsonValueKind.Object) return mail;
            if (waited == 600) throw new TimeoutException($"No sign-in code e-mailed to {email} within a minute.");
            await Task.Delay(100);
        }
    }
}
