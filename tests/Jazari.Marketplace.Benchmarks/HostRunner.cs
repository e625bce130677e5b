using System.Diagnostics;
using System.Net.Http.Headers;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>The built host (Release) as its own process on 127.0.0.1, for the end-to-end reports.</summary>
public sealed class HostRunner : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789";
    private readonly Process process;

    private HostRunner(Process process, string url, string dataDir, int gatewayPort)
    {
        this.process = process;
        Url = url;
        DataDir = dataDir;
        GatewayPort = gatewayPort;
    }

    public string Url { get; }
    public string DataDir { get; }
    /// <summary>The silo's gateway, for an Orleans client.</summary>
    public int GatewayPort { get; }

    public static async Task<HostRunner> StartAsync(string storage, IDictionary<string, string>? settings = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("jazari-bench-").FullName;
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        var gatewayPort = AzuriteServer.FreePort();
        var bin = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "bin", "Release", "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(bin, "Jazari.Marketplace.Web.dll"), "--urls", url },
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__storage"] = storage;
        start.Environment["JAZARI_DATA_DIR"] = dataDir;
        start.Environment["JAZARI_ADMIN_TOKEN"] = AdminToken;
        start.Environment["Silo__SiloPort"] = $"{AzuriteServer.FreePort()}";
        start.Environment["Silo__GatewayPort"] = $"{gatewayPort}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["RateLimits__AuthPerMinute"] = "100000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostRunner(process, url, dataDir, gatewayPort);
        using var client = host.Client();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException("The host exited while starting.");
            try { if ((await client.GetAsync("/healthz")).IsSuccessStatusCode) return host; }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
    }

    public HttpClient Client(string? token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>p50 and p99 of <paramref name="calls"/> sequential GETs (after 50 warm-up calls), cycling through the ids.</summary>
    public static async Task<(double P50, double P99)> TimeAsync(HttpClient client, IReadOnlyList<string> ids, Func<string, string> path, int calls,
        int warmUp = 100)
    {
        for (var i = 0; i < warmUp; i++) (await client.GetAsync(path(ids[i % ids.Count]))).EnsureSuccessStatusCode();
        var times = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(path(ids[i % ids.Count]));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[calls / 2], times[(int)(calls * 0.99)]);
    }
}
