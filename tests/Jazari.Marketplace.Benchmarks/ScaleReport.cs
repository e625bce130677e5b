using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Data.Tables;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Matching;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--scale</c> (issue #19): the marketplace at Morocco's size against real host processes on one Azurite. An institute
/// loads its startups, SMEs and open needs through the admin import (batches of at most 5,000 records, from several
/// clients at once), beside raw Azurite upserts of entities the size of a stored need from as many clients; then one
/// client times, round after round, reading one need (the grain-read baseline), its top-10 matches, page 1 and page 50
/// of the largest category's open needs, and an SME publishing a draft. With <c>--hosts 3</c> the hosts form one
/// cluster and the third is killed (SIGKILL) when half of the needs are acknowledged; every client moves on to another
/// host when a connection fails or a host answers 503. At the end every acknowledged need and startup is counted back
/// through the API.
/// </summary>
public static class ScaleReport
{
    public sealed record Options(int Startups, int Needs, int Hosts, int Clients, int Batch, int Calls, int Publishes, TimeSpan Settle)
    {
        public static Options From(string[] args)
        {
            int Get(string name, int fallback) =>
                Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
            return new(Get("--startups", 10_000), Get("--needs", 50_000), Get("--hosts", 1), Get("--clients", 8), Math.Min(Get("--batch", 500), 5_000),
                Get("--calls", 1_000), Get("--publishes", 200), TimeSpan.FromMinutes(Get("--settle-minutes", 120)));
        }
    }

    private const int OpenNeedsPerSme = 20; // Needs:MaxOpenPerAccount: an SME publishes at most 20 at a time

    public static async Task RunAsync(Options o)
    {
        var started = Stopwatch.StartNew();
        var machine = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()} at the start";
        Console.WriteLine($"--scale: {machine}; {o.Hosts} host(s), {o.Startups:N0} startups, {o.Needs:N0} needs, {o.Clients} import clients, batches of {o.Batch}");
        await using var storage = await AzuriteServer.StartAsync();
        var folders = new List<string>();
        var clusterId = $"scale-{Guid.NewGuid():N}"[..20];
        Dictionary<string, string> Settings(string folder) => o.Hosts == 1
            ? new() { ["HOME"] = folder, ["Hangfire__Workers"] = $"{2 * Environment.ProcessorCount}" } // production's default (the tests' hosts run one)
            : new()
            {
                ["HOME"] = folder, // each host its own home, as on its own machine: nothing shared but the marketplace's storage
                ["Silo__Clustering"] = "AzureTable",
                ["Silo__ClusterId"] = clusterId,
                ["Silo__AdvertisedIP"] = "127.0.0.1",
                ["Silo__ProbeTimeoutSeconds"] = "2",
                ["Silo__MissedProbesLimit"] = "2",
                ["Hangfire__Workers"] = $"{2 * Environment.ProcessorCount}",
            };
        var hosts = new List<HostProcess>();
        try
        {
            for (var i = 0; i < o.Hosts; i++)
            {
                var folder = Directory.CreateTempSubdirectory("jazari-scale-").FullName;
                folders.Add(folder);
                hosts.Add(await HostProcess.StartAsync(storage.ConnectionString, folder, Settings(folder)));
            }
            var cluster = new Cluster(hosts);
            var catalogue = new SyntheticCatalogue(seed: 19);
            var startups = catalogue.Startups(o.Startups);
            var needs = catalogue.Needs(o.Needs);
            var smeCount = Math.Max(1, (o.Needs + OpenNeedsPerSme - 1) / OpenNeedsPerSme);
            var smeIds = Enumerable.Range(0, smeCount).Select(i => $"sme-scale-{i:D5}").ToList();
            var deadline = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd");

            // 1. The import, kind after kind (a need names its SME, so the SMEs come first).
            var killAfter = o.Hosts > 1 ? (o.Needs + o.Batch - 1) / o.Batch / 2 : -1;
            var startupRate = await ImportAsync(cluster, "startups", startups.Select(s => (object)new
            {
                id = s.Id, name = s.Name, city = "Rabat", region = s.Region, categories = s.Categories, skills = s.Skills, description = s.Description,
                languages = s.Languages, priceMinMad = s.PriceMinMinor / 100, priceMaxMad = s.PriceMaxMinor / 100, regionsServed = s.RegionsServed,
                capacity = s.Capacity, activeProjects = s.ActiveProjects, rating = s.RatingCount == 0 ? 0 : s.Rating, ratingCount = s.RatingCount,
            }).ToList(), o, killAfter: -1);
            var smeRate = await ImportAsync(cluster, "smes", smeIds.Select((id, i) => (object)new
            {
                id, name = $"PME {i}", sector = "retail", city = "Casablanca", region = Regions.All[i % Regions.All.Count], employees = 5 + i % 200,
                languages = new[] { "fr", "ar" },
            }).ToList(), o, killAfter: -1);
            var needRate = await ImportAsync(cluster, "needs", needs.Select((n, i) => (object)new
            {
                id = n.Id, smeId = smeIds[i % smeCount], title = n.Title + " projet", description = n.Description + " pour notre entreprise",
                category = n.Category, skills = n.Skills, budgetMinMad = n.BudgetMinMinor / 100, budgetMaxMad = n.BudgetMaxMinor / 100, deadline,
                region = n.Region, remoteOk = n.RemoteOk, language = n.Language,
            }).ToList(), o, killAfter);
            var killed = o.Hosts > 1 ? "the third host killed (SIGKILL) when half of the needs were acknowledged" : null;

            // The baseline of the import: raw upserts of entities the size of a stored need, from as many clients.
            var entityBytes = await NeedEntityBytesAsync(storage.ConnectionString);
            var upserts = await UpsertsAsync(storage.ConnectionString, o.Clients, o.Needs, entityBytes, TimeSpan.FromSeconds(60));

            // The needs' follow-ups (open-needs row, matching index, the SME's list, expiry, notices) run in the hosts' jobs: wait
            // for them, judged on a sample of needs acknowledged by hosts still up, so that the timing is not of a backlog.
            var survivorNeeds = needs.Where((_, i) => cluster.AcknowledgedBy("needs", i / o.Batch) is { } h && h.Alive).Select(n => n.Id).ToList();
            using var orleans = await OrleansClientAsync(hosts[0], o.Hosts == 1 ? "jazari" : clusterId);
            var grains = orleans.Services.GetRequiredService<IClusterClient>();
            var settled = await SettleAsync(grains, survivorNeeds, o.Settle, o.Hosts > 1 ? TimeSpan.FromMinutes(3) : null);

            // 2. Latency, one client, the calls interleaved round by round so that each sees the same machine.
            var category = needs.GroupBy(n => n.Category).MaxBy(g => g.Count())!.Key;
            var smes = await SignUpSmesAsync(hosts[0], (o.Publishes + OpenNeedsPerSme - 1) / OpenNeedsPerSme);
            var drafts = new List<(string Token, string Id, string Category)>();
            for (var i = 0; i < o.Publishes; i++)
            {
                var token = smes[i / OpenNeedsPerSme];
                var need = catalogue.Need($"need-draft-{i:D5}");
                using var created = await cluster.SendAsync(token, c => c.PostAsJsonAsync("/api/needs", new
                {
                    title = need.Title + " brouillon", description = need.Description + " pour notre entreprise", category, skills = need.Skills,
                    budgetMinMad = need.BudgetMinMinor / 100, budgetMaxMad = need.BudgetMaxMinor / 100, deadline, region = need.Region,
                    remoteOk = need.RemoteOk, language = need.Language,
                }));
                drafts.Add((token, (await Json(created)).GetProperty("id").GetString()!, category));
            }
            var random = new Random(19);
            string AnyNeed() => needs[random.Next(needs.Count)].Id;
            var calls = new (string Name, Func<int, Task<double?>> Call)[]
            {
                ("read", _ => TimeGet(cluster, $"/api/needs/{AnyNeed()}")),
                ("matches", _ => TimeGet(cluster, $"/api/needs/{AnyNeed()}/matches?top=10")),
                ("page1", _ => TimeGet(cluster, $"/api/needs?category={category}&page=1")),
                ("page50", _ => TimeGet(cluster, $"/api/needs?category={category}&page=50")),
            };
            for (var r = 0; r < 50; r++) foreach (var (_, call) in calls) await call(r); // warm-up: JIT, connections
            var times = calls.ToDictionary(c => c.Name, _ => new List<double>());
            times["publish"] = [];
            var publishEvery = Math.Max(1, o.Calls / Math.Max(1, o.Publishes));
            var published = 0;
            var loadBefore = LoadAverage();
            for (var r = 0; r < o.Calls || published < drafts.Count; r++)
            {
                if (r < o.Calls)
                    foreach (var (name, call) in calls)
                        if (await call(r) is { } ms) times[name].Add(ms);
                if (r % publishEvery == 0 && published < drafts.Count)
                {
                    var (token, id, _) = drafts[published++];
                    var clock = Stopwatch.StartNew();
                    using var response = await cluster.SendAsync(token, c => c.PostAsync($"/api/needs/{id}/publish", null));
                    if (cluster.Accept(response, $"publish {id}")) times["publish"].Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            // 3. Nothing lost: every acknowledged need (imported and published) is open, every startup answers, and each category's
            // browse total is its imported and published needs (the published ones once their follow-up has run).
            // Only what was acknowledged can be lost: a refused batch is counted under "refused".
            var lost = await CountBackAsync(cluster, o.Clients,
                needs.Where((_, i) => cluster.AcknowledgedBy("needs", i / o.Batch) is not null).Select(n => n.Id).Concat(drafts.Select(d => d.Id)).ToList(),
                startups.Where((_, i) => cluster.AcknowledgedBy("startups", i / o.Batch) is not null).Select(s => s.Id).ToList());
            var expected = needs.GroupBy(n => n.Category).ToDictionary(g => g.Key, g => g.Count());
            expected[category] = expected.GetValueOrDefault(category) + drafts.Count;
            var (totalsMatch, totalsNote) = await BrowseTotalsAsync(cluster, expected, TimeSpan.FromMinutes(2));
            List<string> allNeeds = [.. needs.Select(n => n.Id).Concat(drafts.Select(d => d.Id))];
            var pending = await PendingAsync(grains, allNeeds);
            string? restart = null;
            if (pending > 0 && o.Hosts > 1)
            {
                // The platform starts the lost instance again on its disk: its queued jobs resume and the sweep hands the pending events over.
                var clock = Stopwatch.StartNew();
                await hosts[^1].DisposeAsync(); // the killed process's handle; its data folder stays
                hosts[^1] = await HostProcess.StartAsync(storage.ConnectionString, folders[^1], Settings(folders[^1]));
                var left = pending;
                while (left > 0 && clock.Elapsed < TimeSpan.FromMinutes(15))
                {
                    await Task.Delay(5_000);
                    left = await PendingAsync(grains, allNeeds);
                }
                restart = $"after the killed host was started again on its data folder, {pending - left:N0} of them ran within {clock.Elapsed.TotalSeconds:F0} s" +
                    (left == 0 ? "; none left" : $"; {left:N0} still pending");
                Console.WriteLine(restart);
            }
            await orleans.StopAsync();

            Print(o, machine, killed, startupRate, smeRate, needRate, upserts, entityBytes, settled, times, category, expected[category], loadBefore,
                cluster, lost, totalsMatch, totalsNote, pending, restart, started.Elapsed);
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
            foreach (var folder in folders) try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Rate(string Kind, int Records, double Seconds)
    {
        public double PerSecond => Records / Seconds;
    }

    /// <summary>Sends the records in batches from <see cref="Options.Clients"/> clients at once; each batch must be all created or updated.</summary>
    private static async Task<Rate> ImportAsync(Cluster cluster, string kind, List<object> records, Options o, int killAfter)
    {
        var batches = new ConcurrentQueue<int>(Enumerable.Range(0, (records.Count + o.Batch - 1) / o.Batch));
        var acknowledged = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, o.Clients).Select(async _ =>
        {
            while (batches.TryDequeue(out var b))
            {
                var slice = records.Skip(b * o.Batch).Take(o.Batch).ToList();
                var body = new Dictionary<string, object> { [kind] = slice };
                var (response, host) = await cluster.SendWithHostAsync(HostProcess.AdminToken, c => c.PostAsJsonAsync("/api/admin/import", body));
                using (response)
                {
                    if (!cluster.Accept(response, $"import {kind} batch {b}")) continue;
                    var report = await Json(response);
                    var stored = Count(report.GetProperty("created"), kind) + Count(report.GetProperty("updated"), kind);
                    if (report.GetProperty("refused").GetArrayLength() > 0 || stored != slice.Count)
                        cluster.Refuse($"import {kind} batch {b}: {stored} of {slice.Count} stored, {report.GetProperty("refused")}");
                    else cluster.Acknowledge(kind, b, host);
                }
                if (Interlocked.Increment(ref acknowledged) == killAfter) await cluster.KillAsync(cluster.Hosts.Count - 1);
            }
        }));
        var rate = new Rate(kind, records.Count, clock.Elapsed.TotalSeconds);
        Console.WriteLine($"imported {rate.Records:N0} {kind} in {rate.Seconds:F1} s: {rate.PerSecond:F0}/s");
        return rate;
    }

    private static int Count(JsonElement counts, string kind) => counts.GetProperty(kind).GetInt32();

    /// <summary>The size of one stored need's grain state (its table entity's properties), for the raw upserts.</summary>
    private static async Task<int> NeedEntityBytesAsync(string connection)
    {
        var table = new TableServiceClient(connection).GetTableClient("marketplace");
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"need"}"), maxPerPage: 1))
            return EntityBytes(row);
        return 2_000;
    }

    /// <summary>The size of a table entity's properties as stored (a grain state's row).</summary>
    internal static int EntityBytes(TableEntity row) =>
        ((IDictionary<string, object>)row).Values.Sum(v => v switch { byte[] b => b.Length, string s => System.Text.Encoding.UTF8.GetByteCount(s), BinaryData d => d.ToMemory().Length, _ => 8 });

    /// <summary><paramref name="count"/> upserts of new rows (or as many as fit in <paramref name="limit"/>), from <paramref name="clients"/> clients.</summary>
    private static async Task<Rate> UpsertsAsync(string connection, int clients, int count, int bytes, TimeSpan limit)
    {
        var table = new TableServiceClient(connection).GetTableClient("rawupserts");
        await table.CreateIfNotExistsAsync();
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        var next = -1;
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (int n; (n = Interlocked.Increment(ref next)) < count && clock.Elapsed < limit;)
            {
                await table.UpsertEntityAsync(new TableEntity($"raw_{n % 997}", $"need-{n:D6}") { ["Data"] = data }, TableUpdateMode.Replace);
                Interlocked.Increment(ref done);
            }
        }));
        var rate = new Rate("raw upserts", done, clock.Elapsed.TotalSeconds);
        Console.WriteLine($"raw Azurite upserts of {bytes:N0} B: {rate.Records:N0} in {rate.Seconds:F1} s: {rate.PerSecond:F0}/s");
        return rate;
    }

    /// <summary>Waits until none of a sample of 200 needs has a pending event (its follow-up job done); null when it did not within the limit.</summary>
    /// <remarks>With a host killed, the follow-ups it had queued wait for the sweep: <paramref name="plateau"/> without progress ends the wait.</remarks>
    internal static async Task<TimeSpan?> SettleAsync(IClusterClient grains, List<string> needIds, TimeSpan limit, TimeSpan? plateau)
    {
        var sample = needIds.OrderBy(_ => Random.Shared.Next()).Take(200).ToList();
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        var (last, since) = (-1, TimeSpan.Zero);
        while (true)
        {
            var pending = (await Task.WhenAll(sample.Select(async id => (await grains.GetGrain<INeedGrain>(id).GetPendingEventsAsync()).Count > 0))).Count(p => p);
            if (pending == 0)
            {
                Console.WriteLine($"the needs' follow-ups settled {clock.Elapsed.TotalSeconds:F0} s after the import");
                return clock.Elapsed;
            }
            if (pending != last) (last, since) = (pending, clock.Elapsed);
            if (plateau is { } p && clock.Elapsed - since > p)
            {
                Console.WriteLine($"the needs' follow-ups settled {since.TotalSeconds:F0} s after the import but for {pending} of {sample.Count} sampled needs, " +
                    $"unchanged for {p.TotalMinutes:F0} min: queued on the killed host");
                return since;
            }
            if (clock.Elapsed > limit)
            {
                Console.WriteLine($"the needs' follow-ups did not settle within {limit.TotalMinutes:F0} min ({pending} of {sample.Count} sampled needs still pending): timing anyway");
                return null;
            }
            if (clock.Elapsed - reported > TimeSpan.FromSeconds(30))
            {
                reported = clock.Elapsed;
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: follow-ups of about {(double)pending / sample.Count * needIds.Count:N0} needs still to run");
            }
            await Task.Delay(2_000);
        }
    }

    /// <summary>An Orleans client on a host's gateway: the needs' pending events are not in the HTTP API.</summary>
    internal static async Task<IHost> OrleansClientAsync(HostProcess host, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error); // not the client's own warnings when it stops
        builder.UseOrleansClient(client => client.UseLocalhostClustering(host.GatewayPort, "jazari-marketplace", clusterId));
        var orleans = builder.Build();
        await orleans.StartAsync();
        return orleans;
    }

    /// <summary>How many of the needs still have an event whose follow-up has not run.</summary>
    private static async Task<int> PendingAsync(IClusterClient grains, List<string> needIds)
    {
        var pending = 0;
        await Parallel.ForEachAsync(needIds, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) =>
        {
            if ((await grains.GetGrain<INeedGrain>(id).GetPendingEventsAsync()).Count > 0) Interlocked.Increment(ref pending);
        });
        return pending;
    }

    /// <summary>SME accounts with a profile each, signed up through the e-mailed code, to publish drafts.</summary>
    private static async Task<List<string>> SignUpSmesAsync(HostProcess host, int count)
    {
        using var anonymous = host.Client(token: null);
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var email = $"scale-{Guid.NewGuid():N}@example.ma";
            (await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "sme", displayName = "PME Scale", language = "fr" })).EnsureSuccessStatusCode();
            var mail = await LoadReport.CodeMailAsync(host, email);
            var code = mail.GetProperty("text").GetString()!.Split([' ', '\n', ':']).Last(w => w.Length == 6 && w.All(char.IsAsciiDigit));
            var verified = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code })).Content.ReadFromJsonAsync<JsonElement>();
            var token = verified.GetProperty("token").GetString()!;
            using var sme = host.Client(token);
            (await sme.PostAsJsonAsync("/api/smes", new { name = $"PME Scale {i}", sector = "retail", city = "Fes", region = "Fes-Meknes", employees = 12, languages = new[] { "fr" } }))
                .EnsureSuccessStatusCode();
            tokens.Add(token);
        }
        return tokens;
    }

    private static async Task<double?> TimeGet(Cluster cluster, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await cluster.SendAsync(HostProcess.AdminToken, c => c.GetAsync(path));
        await response.Content.ReadAsByteArrayAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        return cluster.Accept(response, $"GET {path}") ? ms : null;
    }

    /// <summary>Every need must answer open and every startup must answer; the ids that do not.</summary>
    private static async Task<List<string>> CountBackAsync(Cluster cluster, int clients, List<string> needIds, List<string> startupIds)
    {
        var lost = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(needIds.Select(id => $"/api/needs/{id}").Concat(startupIds.Select(id => $"/api/startups/{id}")),
            new ParallelOptions { MaxDegreeOfParallelism = clients }, async (path, _) =>
            {
                using var response = await cluster.SendAsync(HostProcess.AdminToken, c => c.GetAsync(path));
                if (!response.IsSuccessStatusCode) { lost.Add($"{path} {(int)response.StatusCode}"); return; }
                if (path.StartsWith("/api/needs/") && (await Json(response)).GetProperty("status").GetString() != "open") lost.Add($"{path} not open");
            });
        Console.WriteLine($"counted back {needIds.Count:N0} needs and {startupIds.Count:N0} startups in {clock.Elapsed.TotalSeconds:F0} s: {lost.Count} missing");
        return [.. lost];
    }

    /// <summary>Each category's browse total against the needs it was given, waiting up to <paramref name="limit"/> for the publishes' follow-ups.</summary>
    private static async Task<(bool, string)> BrowseTotalsAsync(Cluster cluster, Dictionary<string, int> expected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var totals = new Dictionary<string, int>();
            foreach (var category in expected.Keys)
            {
                using var response = await cluster.SendAsync(HostProcess.AdminToken, c => c.GetAsync($"/api/needs?category={category}&page=1"));
                totals[category] = response.IsSuccessStatusCode ? (await Json(response)).GetProperty("total").GetInt32() : -1;
            }
            var wrong = expected.Where(e => totals[e.Key] != e.Value).Select(e => $"{e.Key} {totals[e.Key]} of {e.Value}").ToList();
            if (wrong.Count == 0) return (true, $"browse totals of the {expected.Count} categories = {expected.Values.Sum():N0} needs, as imported and published");
            if (clock.Elapsed > limit) return (false, $"browse totals differ after {limit.TotalMinutes:F0} min: {string.Join(", ", wrong)}");
            await Task.Delay(2_000);
        }
    }

    private static void Print(Options o, string machine, string? killed, Rate startups, Rate smes, Rate needs, Rate upserts, int entityBytes,
        TimeSpan? settled, Dictionary<string, List<double>> times, string category, int categoryNeeds, string loadBefore, Cluster cluster,
        List<string> lost, bool totalsMatch, string totalsNote, int pending, string? restart, TimeSpan elapsed)
    {
        static (double P50, double P99) P(List<double> t)
        {
            if (t.Count == 0) return (double.NaN, double.NaN);
            var s = t.Order().ToList();
            return (s[s.Count / 2], s[Math.Min(s.Count - 1, (int)(s.Count * 0.99))]);
        }
        var read = P(times["read"]);
        string Verdict(bool ok) => ok ? "**PASS**" : "**FAIL**";
        Console.WriteLine();
        Console.WriteLine($"### National scale: {o.Hosts} host(s), {o.Startups:N0} startups, {o.Needs:N0} open needs");
        Console.WriteLine();
        Console.WriteLine($"{machine}; {(killed is null ? "one host" : $"{o.Hosts} hosts in one cluster, {killed}")}; Azurite, hosts and clients on the same machine; " +
            $"whole run {elapsed.TotalMinutes:F1} min.");
        Console.WriteLine();
        Console.WriteLine($"| import ({o.Clients} clients, batches of {o.Batch}) | records | seconds | records/s | beside raw upserts |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in new[] { startups, smes, needs })
            Console.WriteLine($"| `POST /api/admin/import`: {r.Kind} | {r.Records:N0} | {r.Seconds:F1} | {r.PerSecond:F0} | {r.PerSecond / upserts.PerSecond:P0} |");
        Console.WriteLine($"| raw Azurite upserts, {entityBytes:N0} B entities (a stored need's size), {o.Clients} clients | {upserts.Records:N0} | {upserts.Seconds:F1} | {upserts.PerSecond:F0} | 100 % |");
        Console.WriteLine();
        Console.WriteLine(settled is { } s ? $"The needs' follow-up jobs (open-needs list, matching index, the SME's list, expiry) settled {s.TotalSeconds:F0} s after the import" +
                (killed is null ? "." : ", but for those queued on the killed host (below).")
            : $"The needs' follow-up jobs had not settled within {o.Settle.TotalMinutes:F0} min: the latencies below ran beside them.");
        Console.WriteLine();
        Console.WriteLine($"Latency: one client, {o.Calls:N0} rounds (one call of each kind a round, after 50 warm-up rounds), {times["publish"].Count} publishes spread over them; " +
            $"browse of `{category}` ({categoryNeeds:N0} open needs{(categoryNeeds <= 49 * 20 ? ": page 50 is past them, an empty page" : "")}); " +
            $"load average {loadBefore} before timing.");
        Console.WriteLine();
        Console.WriteLine("| call | p50 | p99 | p50 ÷ grain read | p99 ÷ grain read | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        void Row(string call, string key, double? target)
        {
            var (p50, p99) = P(times[key]);
            var ratio99 = p99 / read.P99;
            var verdict = target is { } t ? $"p99 ≤ {t}× {Verdict(ratio99 <= t)}" : "";
            Console.WriteLine($"| {call} | {p50:F2} ms | {p99:F2} ms | {p50 / read.P50:F1}× | {ratio99:F1}× | {verdict} |");
        }
        Row("`GET /api/needs/{id}` (baseline: one grain read)", "read", null);
        Row("`GET /api/needs/{id}/matches?top=10`", "matches", 5);
        Row($"`GET /api/needs?category={category}&page=1`", "page1", 3);
        Row($"`GET /api/needs?category={category}&page=50`", "page50", 3);
        Row("`POST /api/needs/{id}/publish`", "publish", null);
        Console.WriteLine();
        Console.WriteLine($"- Refused (a 4xx/5xx after retrying): {cluster.Refused.Count} {Verdict(cluster.Refused.IsEmpty)}" +
            (cluster.Refused.IsEmpty ? "" : $": {string.Join("; ", cluster.Refused.Take(5))}"));
        Console.WriteLine($"- Retried on another host: {cluster.ConnectionFailures} after a failed connection, {cluster.Unavailable} after a 503, {cluster.TimedOut} after the client's 5-minute timeout.");
        Console.WriteLine($"- Lost (acknowledged, not found open afterwards): {lost.Count} of {o.Needs + times["publish"].Count:N0} needs and {o.Startups:N0} startups {Verdict(lost.Count == 0)}" +
            (lost.Count == 0 ? "" : $": {string.Join("; ", lost.Take(5))}"));
        Console.WriteLine($"- {totalsNote} {Verdict(totalsMatch)}");
        Console.WriteLine($"- Needs whose follow-up (an event stored with the need) had not run at the end: {pending:N0}" + (pending == 0 ? "." :
            killed is null ? " (still queued in the host's jobs)." : $" (queued on the killed host; stored with the need, handed over again by the follow-up sweep, hourly and when a host starts): {restart}."));
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>
    /// The hosts as clients see them: a request goes to the next host up; a failed connection or a 503 sends it to another host
    /// (a host whose connection is refused is taken out). A response that is still not a success after that is a refusal.
    /// </summary>
    private sealed class Cluster(List<HostProcess> hosts)
    {
        private readonly ConcurrentDictionary<(int, string), HttpClient> clients = new();
        private readonly ConcurrentDictionary<(string, int), HostProcess> acknowledgedBy = new();
        private readonly bool[] down = new bool[hosts.Count];
        private int next = -1;
        public int ConnectionFailures;
        public int Unavailable;
        public int TimedOut;
        public ConcurrentQueue<string> Refused { get; } = new();
        public List<HostProcess> Hosts => hosts;

        public sealed record Up(HostProcess Host, bool Alive);

        public async Task KillAsync(int index)
        {
            Console.WriteLine($"killing host {index + 1} of {hosts.Count} (SIGKILL)");
            await hosts[index].KillAsync();
        }

        public void Acknowledge(string kind, int batch, HostProcess host) => acknowledgedBy[(kind, batch)] = host;

        public Up? AcknowledgedBy(string kind, int batch) =>
            acknowledgedBy.TryGetValue((kind, batch), out var host) ? new Up(host, !down[hosts.IndexOf(host)]) : null;

        public async Task<HttpResponseMessage> SendAsync(string token, Func<HttpClient, Task<HttpResponseMessage>> send) =>
            (await SendWithHostAsync(token, send)).Response;

        public async Task<(HttpResponseMessage Response, HostProcess Host)> SendWithHostAsync(string token, Func<HttpClient, Task<HttpResponseMessage>> send)
        {
            var at = Interlocked.Increment(ref next);
            for (var attempt = 0; ; attempt++, at++)
            {
                var i = ((at % hosts.Count) + hosts.Count) % hosts.Count;
                if (down[i] && attempt < 10 * hosts.Count) continue;
                var client = clients.GetOrAdd((i, token), k => hosts[k.Item1].Client(k.Item2));
                try
                {
                    var response = await send(client);
                    if (response.StatusCode == HttpStatusCode.InternalServerError && Interlocked.Exchange(ref failureShown, 1) == 0)
                    {
                        await Task.Delay(500); // the host writes its log line after the response
                        Console.WriteLine($"a 500 from host {i + 1}; its log:\n{hosts[i].Output}");
                    }
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 60) return (response, hosts[i]);
                    Interlocked.Increment(ref Unavailable);
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    response.Dispose();
                    await Task.Delay(wait > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : wait);
                }
                catch (TaskCanceledException) when (attempt < 3)
                {
                    // The client's 5-minute timeout: the request may have been written, and import and publish are
                    // safe to repeat, so it goes again; the host's log says what held it.
                    Interlocked.Increment(ref TimedOut);
                    if (Interlocked.Exchange(ref timeoutShown, 1) == 0)
                        Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} a request to host {i + 1} outlasted the client's timeout; its log:\n{hosts[i].Output}");
                }
                catch (HttpRequestException e) when (attempt < 60)
                {
                    Interlocked.Increment(ref ConnectionFailures);
                    if (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) down[i] = true;
                    await Task.Delay(200);
                }
            }
        }

        /// <summary>True for a success; anything else is recorded as refused.</summary>
        public bool Accept(HttpResponseMessage response, string what)
        {
            if (response.IsSuccessStatusCode) return true;
            var body = response.Content.ReadAsStringAsync().Result;
            Refuse($"{what}: {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}");
            return false;
        }

        public void Refuse(string what) => Refused.Enqueue(what);

        private int failureShown;
        private int timeoutShown;
    }
}
