using System.Diagnostics;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;

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
    // Before each timed scenario, bids on needs of their own for this long, untimed: the host's code is compiled at
    // its final tier and its pools filled, as on a host that has been taking bids (the upserts' client warms likewise).
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    // 16 startups make thousands of bids here, where a startup may hold 30 live ones: the limit is lifted, its
    // reservation (one call to the startup's counting grain, in memory) is still made for every bid.
    private const string LiveBidsLimit = "Bids__MaxLivePerAccount", Unlimited = "1000000";

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
        (double Rps, double P50, double P99, int Errors) upserts, sameTableFirst, bids;
        // Hangfire's production default of workers (the tests' hosts run one).
        await using (var host = await HostProcess.StartAsync(storage.ConnectionString,
            settings: new Dictionary<string, string> { ["Hangfire__Workers"] = $"{2 * Environment.ProcessorCount}", [LiveBidsLimit] = Unlimited }))
        {
            needs = await LoadReport.ImportNeedsAsync(host, 1, 4 * Needs);
            tokens = await LoadReport.StartupsAsync(host, workers);
            // The import's follow-ups (lists, matching index) run before the timing, so that it is not of their backlog.
            using (var orleans = await ScaleReport.OrleansClientAsync(host, "jazari"))
                await ScaleReport.SettleAsync(orleans.Services.GetRequiredService<IClusterClient>(), needs, TimeSpan.FromMinutes(15), plateau: null);

            upserts = await UpsertsAsync(storage.ConnectionString, "rawupserts", workers, duration);
            var rowsBefore = await RowsAsync(storage.ConnectionString, OrleansStateTable);
            sameTableFirst = await UpsertsAsync(storage.ConnectionString, OrleansStateTable, workers, duration);
            Console.WriteLine("| scenario | hosts | requests/s | p50 | p99 | errors |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            await LoadReport.Print("Azurite entity upsert (raw), a table of its own", 0, upserts);
            await LoadReport.Print($"Azurite entity upsert (raw), the grains' table ({rowsBefore:N0} rows), before the bids", 0, sameTableFirst);
            await WarmAsync(host, needs[..(2 * Needs)], tokens[0]);
            await LoadReport.MeasureAsync([host], workers, WarmUp, BidOn(needs[..Needs]), tokens);
            bids = await LoadReport.MeasureAsync([host], workers, duration, BidOn(needs[Needs..(2 * Needs)]), tokens);
            await LoadReport.Print("POST /api/needs/{id}/bids, follow-ups running", 1, bids);
        }

        // The same on fresh needs, from a host that runs no jobs: each bid's follow-up waits in the job storage.
        await using var webOnly = await HostProcess.StartAsync(storage.ConnectionString, settings: new Dictionary<string, string> { ["Hangfire__Server"] = "false", [LiveBidsLimit] = Unlimited });
        await WarmAsync(webOnly, needs[(2 * Needs)..], tokens[0]);
        await LoadReport.MeasureAsync([webOnly], workers, WarmUp, BidOn(needs[(2 * Needs)..(3 * Needs)]), tokens);
        var requests = await LoadReport.MeasureAsync([webOnly], workers, duration, BidOn(needs[(3 * Needs)..]), tokens);
        await LoadReport.Print("POST /api/needs/{id}/bids, request path only", 1, requests);
        // Azurite keeps a table in memory and looks rows up by scanning it: a write costs in proportion to its table's
        // rows (Azure Table does not). The grains' table holds every need, profile and notification by now; the same
        // upserts into it are the ceiling a bid's one write can approach on this storage.
        var rows = await RowsAsync(storage.ConnectionString, OrleansStateTable);
        var sameTable = await UpsertsAsync(storage.ConnectionString, OrleansStateTable, workers, duration);
        await LoadReport.Print($"Azurite entity upsert (raw), the grains' table ({rows:N0} rows), after the bids", 0, sameTable);
        Console.WriteLine($"\nA need's stored state after the bids: {await NeedStateBytesAsync(storage.ConnectionString):N0} B on average (the raw upserts write {StateBytes:N0} B).");
        foreach (var (name, baseline) in new[] { ("into a table of their own", upserts), ("into the grains' table before the bids", sameTableFirst), ("into the grains' table after the bids", sameTable) })
            Console.WriteLine($"Bids at {bids.Rps / baseline.Rps:P0} (with their follow-ups) and {requests.Rps / baseline.Rps:P0} (request path alone) of the raw upserts {name}.");
    }

    /// <summary>The average size of the needs' stored states (their table entities' properties).</summary>
    private static async Task<int> NeedStateBytesAsync(string connection)
    {
        var table = new TableServiceClient(connection).GetTableClient(OrleansStateTable);
        var sizes = new List<int>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"need"}")))
            sizes.Add(ScaleReport.EntityBytes(row));
        return sizes.Count == 0 ? 0 : (int)sizes.Average();
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

    private const string OrleansStateTable = "marketplace";

    private static async Task<int> RowsAsync(string connection, string tableName)
    {
        var rows = 0;
        await foreach (var _ in new TableServiceClient(connection).GetTableClient(tableName).QueryAsync<TableEntity>(select: ["PartitionKey"])) rows++;
        return rows;
    }

    /// <summary>
    /// Each worker upserts one entity after the other with a binary state like a grain's: new rows into a table of their
    /// own; into the grains' table, 100 rows a worker (written again and again), so that the table stays the bids' size.
    /// </summary>
    internal static async Task<(double Rps, double P50, double P99, int Errors)> UpsertsAsync(string connection, string tableName, int workers, TimeSpan duration)
    {
        var table = new TableServiceClient(connection).GetTableClient(tableName);
        var (keys, rowKey) = tableName == OrleansStateTable ? (100, "rawupsert") : (Needs, "need");
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
                    await table.UpsertEntityAsync(new TableEntity($"raw_{w}_{n % keys}", rowKey) { ["Data"] = data }, TableUpdateMode.Replace);
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
