using System.Diagnostics;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--bids</c>: bids per second on one host by <c>workers</c> clients, each startup bidding on one need after the
/// other (so the bids are spread over many needs), beside raw Azurite entity upserts per second by as many clients in
/// the same run, on the same Azurite: the storage ceiling a bid of one write can approach. Twice: with the bid's
/// follow-ups (its event's job: KPIs, lists, e-mail) running in the host during the measurement, as on a single host;
/// then on a host that runs no jobs (<c>Hangfire__Server=false</c>, as a web-only host beside job hosts), which
/// measures the request path alone.
/// </summary>
public static class BidsReport
{
    private const int Needs = 1_000;
    private const int StateBytes = 3_000; // about a need's stored state with a few bids

    public static async Task RunAsync(int workers, TimeSpan duration)
    {
        await using var storage = await AzuriteServer.StartAsync();
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {workers} concurrent clients, {duration.TotalSeconds:F0} s a scenario");
        // Worker w starts at its own stretch of the needs and moves on by one need a bid: every bid is new, and the
        // workers never queue on the same need (a need is one grain: its bids are written one after the other).
        var stretch = Needs / workers;
        Func<HttpClient, int, int, Task<HttpResponseMessage>> BidOn(List<string> needs) =>
            (client, w, n) => client.PostAsJsonAsync($"/api/needs/{needs[(w * stretch + n) % needs.Count]}/bids", LoadReport.Bid);

        List<string> needs, tokens;
        (double Rps, double P50, double P99, int Errors) upserts, bids;
        // Hangfire's production default of workers (the tests' hosts run one).
        await using (var host = await HostProcess.StartAsync(storage.ConnectionString,
            settings: new Dictionary<string, string> { ["Hangfire__Workers"] = $"{2 * Environment.ProcessorCount}" }))
        {
            needs = await LoadReport.ImportNeedsAsync(host, 1, 2 * Needs);
            tokens = await LoadReport.StartupsAsync(host, workers);
            await Task.Delay(TimeSpan.FromSeconds(20)); // the import's follow-up jobs settle

            upserts = await UpsertsAsync(storage.ConnectionString, workers, duration);
            Console.WriteLine("| scenario | hosts | requests/s | p50 | p99 | errors |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            await LoadReport.Print("Azurite entity upsert (raw)", 0, upserts);
            await WarmAsync(host, needs[..Needs], tokens[0]);
            bids = await LoadReport.MeasureAsync([host], workers, duration, BidOn(needs[..Needs]), tokens);
            await LoadReport.Print("POST /api/needs/{id}/bids, follow-ups running", 1, bids);
        }

        // The same on fresh needs, from a host that runs no jobs: each bid's follow-up waits in the job storage.
        await using var webOnly = await HostProcess.StartAsync(storage.ConnectionString, settings: new Dictionary<string, string> { ["Hangfire__Server"] = "false" });
        await WarmAsync(webOnly, needs[Needs..], tokens[0]);
        var requests = await LoadReport.MeasureAsync([webOnly], workers, duration, BidOn(needs[Needs..]), tokens);
        await LoadReport.Print("POST /api/needs/{id}/bids, request path only", 1, requests);
        Console.WriteLine($"\nBids at {bids.Rps / upserts.Rps:P0} of the raw upsert rate with their follow-ups, {requests.Rps / upserts.Rps:P0} on the request path alone.");
    }

    /// <summary>
    /// Reads every need once on the host, so that its grain is active before the timed bids: a bid then costs the one
    /// write it is answered after, as on a need already read by the startup that bids (the raw upserts read nothing).
    /// </summary>
    private static async Task WarmAsync(HostProcess host, List<string> needs, string token)
    {
        using var client = host.Client(token);
        await Parallel.ForEachAsync(needs, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (id, _) => (await client.GetAsync($"/api/needs/{id}")).EnsureSuccessStatusCode());
    }

    /// <summary>Each worker upserts one entity after the other (a new row each time) with a binary state like a grain's.</summary>
    private static async Task<(double Rps, double P50, double P99, int Errors)> UpsertsAsync(string connection, int workers, TimeSpan duration)
    {
        var table = new TableServiceClient(connection).GetTableClient("rawupserts");
        await table.CreateIfNotExistsAsync();
        var data = new byte[StateBytes];
        Random.Shared.NextBytes(data);
        var times = new List<double>[workers];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            times[w] = [];
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await table.UpsertEntityAsync(new TableEntity($"raw_{w}_{n % Needs}", "need") { ["Data"] = data }, TableUpdateMode.Replace);
                    times[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Azure.RequestFailedException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var all = times.SelectMany(t => t).Order().ToList();
        return (all.Count / clock.Elapsed.TotalSeconds, all[all.Count / 2], all[(int)(all.Count * 0.99)], errors);
    }
}
