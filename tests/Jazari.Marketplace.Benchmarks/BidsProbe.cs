using System.Diagnostics;
using System.Net.Http.Json;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--bids-probe</c>: a shorter form of <c>--bids</c> for finding where a bid's CPU goes: the request path only (a host
/// that runs no jobs, started after another host signed the startups up and imported the needs), then raw upserts into the
/// grains' table, each with the CPU of the host, Azurite and this process per request (from <c>/proc</c>).
/// <c>JAZARI_PROBE_SETTINGS</c> (<c>key=value;…</c>) is given to the measured host; <c>JAZARI_PROBE_TRACE=1</c> records a
/// <c>dotnet-trace</c> CPU sample of it during the timed bids (into the working folder).
/// </summary>
public static class BidsProbe
{
    private const int Needs = 1_000;

    public static async Task RunAsync(int workers, TimeSpan duration)
    {
        await using var storage = await AzuriteServer.StartAsync();
        var azurite = storage.ProcessId!.Value;
        List<string> needs, tokens;
        await using (var setup = await HostProcess.StartAsync(storage.ConnectionString, settings: new Dictionary<string, string> { ["Hangfire__Workers"] = "4" }))
        {
            tokens = await LoadReport.StartupsAsync(setup, workers);
            needs = await LoadReport.ImportNeedsAsync(setup, 1, 2 * Needs);
        }
        var settings = new Dictionary<string, string> { ["Hangfire__Server"] = "false", ["Bids__MaxLivePerAccount"] = "1000000" };
        foreach (var pair in (Environment.GetEnvironmentVariable("JAZARI_PROBE_SETTINGS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            settings[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        await using var host = await HostProcess.StartAsync(storage.ConnectionString, settings: settings);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {workers} clients, {duration.TotalSeconds:F0} s; host settings: {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}");
        using (var client = host.Client(tokens[0]))
            await Parallel.ForEachAsync(needs, new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (id, _) => (await client.GetAsync($"/api/needs/{id}")).EnsureSuccessStatusCode());
        var stretch = Needs / workers;
        Func<HttpClient, int, int, Task<HttpResponseMessage>> BidOn(List<string> on) =>
            (client, w, n) => client.PostAsJsonAsync($"/api/needs/{on[(w * stretch + n) % on.Count]}/bids", LoadReport.Bid);
        await LoadReport.MeasureAsync([host], workers, TimeSpan.FromSeconds(5), BidOn(needs[..Needs]), tokens);

        Process? trace = null;
        if (Environment.GetEnvironmentVariable("JAZARI_PROBE_TRACE") == "1")
            trace = Process.Start(new ProcessStartInfo(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace"),
                ["collect", "-p", $"{host.ProcessId}", "--profile", "dotnet-sampled-thread-time", "--duration", $"00:00:{duration.TotalSeconds - 3:00}", "-o", $"bids-{DateTime.UtcNow:HHmmss}.nettrace"]));
        var cpu = Cpu(host.ProcessId, azurite);
        var bids = await LoadReport.MeasureAsync([host], workers, duration, BidOn(needs[Needs..]), tokens);
        Report("POST /api/needs/{id}/bids, request path only", bids, cpu, Cpu(host.ProcessId, azurite));
        if (trace is not null) await trace.WaitForExitAsync();

        cpu = Cpu(host.ProcessId, azurite);
        var upserts = await BidsReport.UpsertsAsync(storage.ConnectionString, "marketplace", workers, duration);
        Report("Azurite entity upsert (raw), the grains' table", upserts, cpu, Cpu(host.ProcessId, azurite));
        Console.WriteLine($"Bids at {bids.Rps / upserts.Rps:P0} of the raw upserts.");
    }

    private static (double Host, double Azurite, double Self, long At) Cpu(int host, int azurite) =>
        (StorageProbe.CpuMs(host), StorageProbe.CpuMs(azurite), Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds, Stopwatch.GetTimestamp());

    private static void Report(string scenario, (double Rps, double P50, double P99, int Errors) r, (double Host, double Azurite, double Self, long At) a, (double Host, double Azurite, double Self, long At) b)
    {
        var seconds = Stopwatch.GetElapsedTime(a.At, b.At).TotalSeconds;
        var count = r.Rps * seconds;
        Console.WriteLine($"{scenario}: {r.Rps:F0}/s (p50 {r.P50:F1} ms, p99 {r.P99:F1} ms, {r.Errors} errors); CPU per request: host {(b.Host - a.Host) / count:F2} ms, " +
                          $"Azurite {(b.Azurite - a.Azurite) / count:F2} ms, clients {(b.Self - a.Self) / count:F2} ms; cores busy: {(b.Host - a.Host + b.Azurite - a.Azurite + b.Self - a.Self) / 1000 / seconds:F2}");
    }
}
