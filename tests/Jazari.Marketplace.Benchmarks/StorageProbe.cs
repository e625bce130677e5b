using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--storage-probe</c>: what one write costs Azurite by its form, with nothing but Azurite and this process running.
/// For each form, <c>workers</c> clients write for <c>duration</c> into a table that holds as many rows as the grains' table
/// during the bids (4,000 under one row key, as the needs' states are), and the report gives writes per second and the CPU
/// that Azurite (from <c>/proc</c>) and this process spent per write. The forms: an upsert of new rows (the bids report's
/// baseline), an upsert of existing rows, a conditional update (<c>If-Match</c>, as Orleans writes a grain's state) of a
/// binary column and of a string column, with a need's state as JSON, and that JSON compressed.
/// </summary>
public static class StorageProbe
{
    private const int Rows = 4_000;

    public static async Task RunAsync(int workers, TimeSpan duration)
    {
        await using var storage = await AzuriteServer.StartAsync();
        var azurite = storage.ProcessId ?? throw new InvalidOperationException("The probe starts its own Azurite.");
        var service = new TableServiceClient(storage.ConnectionString);
        var json = NeedStateJson(bids: 4);
        var jsonBytes = Encoding.UTF8.GetBytes(json);
        var compressed = Compress(jsonBytes);
        var random = new byte[3_000];
        Random.Shared.NextBytes(random);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {workers} clients, {duration.TotalSeconds:F0} s a form; " +
                          $"a need's JSON {jsonBytes.Length:N0} B, compressed {compressed.Length:N0} B");

        var table = service.GetTableClient("probe");
        await table.CreateIfNotExistsAsync();
        var etags = new ETag[Rows];
        await Parallel.ForEachAsync(Enumerable.Range(0, Rows), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            etags[i] = (await table.UpsertEntityAsync(new TableEntity(Key(i), "need") { ["Data"] = random }, TableUpdateMode.Replace)).Headers.ETag!.Value);
        var perWorker = Rows / workers;

        Console.WriteLine("| form | writes/s | Azurite CPU per write | client CPU per write | p50 |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var fresh = service.GetTableClient("probenew");
        await fresh.CreateIfNotExistsAsync();
        await Run("upsert, new rows, binary 3,000 B (the bids report's baseline)", (w, n) =>
            fresh.UpsertEntityAsync(new TableEntity($"raw_{w}_{n}", "need") { ["Data"] = random }, TableUpdateMode.Replace));
        await Run("upsert, existing rows, binary 3,000 B", (w, n) =>
            table.UpsertEntityAsync(new TableEntity(Key(w * perWorker + n % perWorker), "need") { ["Data"] = random }, TableUpdateMode.Replace));
        foreach (var (form, value) in new (string, object)[]
        {
            ("binary 3,000 B random", random),
            ($"binary, a need's JSON ({jsonBytes.Length:N0} B)", jsonBytes),
            ($"string, a need's JSON ({json.Length:N0} chars)", json),
            ($"binary, the JSON deflated ({compressed.Length:N0} B)", compressed),
        })
        {
            // the upserts changed the rows' ETags
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
                etags[int.Parse(row.PartitionKey[4..])] = row.ETag;
            await Run($"update If-Match, existing rows, {form}", async (w, n) =>
            {
                var i = w * perWorker + n % perWorker;
                var response = await table.UpdateEntityAsync(new TableEntity(Key(i), "need") { [value is string ? "StringData" : "Data"] = value }, etags[i], TableUpdateMode.Replace);
                etags[i] = response.Headers.ETag!.Value;
                return response;
            });
            await Run($"upsert, existing rows, {form}", (w, n) =>
                table.UpsertEntityAsync(new TableEntity(Key(w * perWorker + n % perWorker), "need") { [value is string ? "StringData" : "Data"] = value }, TableUpdateMode.Replace));
        }

        async Task Run(string form, Func<int, int, Task<Response>> write)
        {
            var times = new List<double>[workers];
            var (azuriteBefore, selfBefore) = (CpuMs(azurite), Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
            {
                times[w] = [];
                for (var n = 0; clock.Elapsed < duration; n++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await write(w, n);
                    times[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }));
            var elapsed = clock.Elapsed.TotalSeconds;
            var (azuriteMs, selfMs) = (CpuMs(azurite) - azuriteBefore, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - selfBefore);
            var all = times.SelectMany(t => t).Order().ToList();
            Console.WriteLine($"| {form} | {all.Count / elapsed:F0} | {azuriteMs / all.Count:F2} ms | {selfMs / all.Count:F2} ms | {all[all.Count / 2]:F1} ms |");
        }
    }

    private static string Key(int i) => $"row_{i:D5}";

    /// <summary>User and system CPU of a process so far (the runtime reads it from <c>/proc</c>, in the kernel's own ticks).</summary>
    internal static double CpuMs(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest)) deflate.Write(data);
        return output.ToArray();
    }

    /// <summary>A need's state as the grain storage writes it (the shape of <c>NeedState</c>), with some bids and their events.</summary>
    internal static string NeedStateJson(int bids) => JsonSerializer.Serialize(new
    {
        SmeId = "sme-load",
        Details = new
        {
            Title = "Boutique en ligne need-load1-0042", Description = "Une boutique en ligne avec paiement par carte et livraison.", Category = "ecommerce",
            Skills = new[] { "woocommerce", "shopify" }, BudgetMinMinor = 1_000_000, BudgetMaxMinor = 6_000_000, Currency = "MAD", Deadline = "2027-01-31",
            Region = "Rabat-Sale-Kenitra", RemoteOk = true, Language = "fr",
        },
        Status = 1, CreatedAt = DateTimeOffset.UtcNow, PublishedAt = DateTimeOffset.UtcNow,
        Bids = Enumerable.Range(0, bids).Select(i => new
        {
            Id = $"bid_{Guid.NewGuid():N}", StartupId = $"startup_{Guid.NewGuid():N}", StartupName = $"Load {i}", BidderAccountId = $"acc_{Guid.NewGuid():N}",
            Offer = new
            {
                PriceMinor = 3_000_000, DurationDays = 60, Proposal = "Boutique WooCommerce avec paiement CMI, catalogue et formation.",
                Milestones = new[] { new { Title = "Catalogue", AmountMinor = 1_500_000, DueInDays = 20 }, new { Title = "Mise en ligne", AmountMinor = 1_500_000, DueInDays = 60 } },
            },
            SubmittedAt = DateTimeOffset.UtcNow,
        }),
        MatchShards = new[] { "ecommerce:0", "ecommerce:1" },
        PendingEvents = Enumerable.Range(0, bids).Select(_ => new { Id = $"evt_{Guid.NewGuid():N}", Kind = 1, BidId = $"bid_{Guid.NewGuid():N}", At = DateTimeOffset.UtcNow }),
    });
}
