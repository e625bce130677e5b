using System.Diagnostics;
using System.Net.Http.Headers;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>The real host process (Release build) on a fresh Azurite and data folder, for the <c>--http</c> reports.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789";

    private readonly AzuriteServer storage;
    private readonly Process host;

    private BenchHost(AzuriteServer storage, Process host, string url, string dataDir, int gatewayPort)
    {
        (this.storage, this.host, Url, DataDir, GatewayPort) = (storage, host, url, dataDir, gatewayPort);
    }

    public string Url { get; }
    public string DataDir { get; }
    /// <summary>The silo's gateway, for an Orleans client.</summary>
    public int GatewayPort { get; }

    public static async Task<BenchHost> StartAsync()
    {
        var storage = await AzuriteServer.StartAsync();
        var dataDir = Directory.CreateTempSubdirectory("jazari-bench-").FullName;
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        var gatewayPort = AzuriteServer.FreePort();
        var bin = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "bin", "Release", "net10.0");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(bin, "Jazari.Marketplace.Web.dll"), "--urls", url }, WorkingDirectory = bin };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ConnectionStrings__storage"] = storage.ConnectionString, ["JAZARI_DATA_DIR"] = dataDir, ["JAZARI_ADMIN_TOKEN"] = AdminToken,
            ["Silo__SiloPort"] = $"{AzuriteServer.FreePort()}", ["Silo__GatewayPort"] = $"{gatewayPort}", ["Logging__LogLevel__Default"] = "Warning",
        }) start.Environment[key] = value;
        var bench = new BenchHost(storage, Process.Start(start)!, url, dataDir, gatewayPort);
        using var client = bench.Client(AdminToken);
        while (!await Try(() => client.GetAsync("/healthz"))) await Task.Delay(250);
        return bench;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync();
        host.Dispose();
        await storage.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
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

    private static async Task<bool> Try(Func<Task<HttpResponseMessage>> call)
    {
        try { return (await call()).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }
}
