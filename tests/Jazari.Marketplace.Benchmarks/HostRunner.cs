using System.Diagnostics;
using System.Net.Http.Headers;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>The built host (Release) as its own process on 127.0.0.1, for the end-to-end reports.</summary>
public sealed class HostRunner : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789";
    private readonly Process process;

    private HostRunner(Process process, string url, string dataDir)
    {
        this.process = process;
        Url = url;
        DataDir = dataDir;
    }

    public string Url { get; }
    public string DataDir { get; }

    public static async Task<HostRunner> StartAsync(string storage, IDictionary<string, string>? settings = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("jazari-bench-").FullName;
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
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
        start.Environment["Silo__GatewayPort"] = $"{AzuriteServer.FreePort()}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["RateLimits__AuthPerMinute"] = "100000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostRunner(process, url, dataDir);
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
}
