using System.Diagnostics;
using System.Net.Http.Headers;
namespace Jazari.Marketplace.Tests;

/// <summary>
/// The built web host run as its own process on 127.0.0.1, as ./run.sh runs it: the tests kill it with
/// SIGKILL and start it again on the same storage and data folder; the benchmarks time it end to end.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string AdminToken = "test-admin-token-0123456789";
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly bool ownsDataDir;

    private HostProcess(Process process, string url, string dataDir, bool ownsDataDir, int gatewayPort)
    {
        this.process = process;
        this.ownsDataDir = ownsDataDir;
        Url = url;
        DataDir = dataDir;
        GatewayPort = gatewayPort;
    }

    public string Url { get; }
    /// <summary>The host's process, for the benchmarks' CPU accounting and profiles.</summary>
    public int ProcessId => process.Id;
    public string DataDir { get; }
    /// <summary>The silo's gateway, for an Orleans client.</summary>
    public int GatewayPort { get; }
    public string Output { get { lock (output) return string.Join('\n', output.TakeLast(60)); } }

    /// <summary>Starts a host on this storage; with no data folder it gets a fresh one, deleted when disposed.</summary>
    public static async Task<HostProcess> StartAsync(string storage, string? dataDir = null, IDictionary<string, string>? settings = null)
    {
        var ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("jazari-host-").FullName;
        var gatewayPort = AzuriteServer.FreePort();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var bin = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "bin", configuration, "net10.0");
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
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
        start.Environment["Demo__Enabled"] = "false";
        start.Environment["Silo__SiloPort"] = AzuriteServer.FreePort().ToString();
        start.Environment["Silo__GatewayPort"] = gatewayPort.ToString();
        start.Environment["RateLimits__AuthPerMinute"] = "100000";
        start.Environment["Hangfire__Workers"] = "1";
        start.Environment["Hangfire__SchedulePollMilliseconds"] = "1000"; // retries due within 1 s, not 15 s
        // Killed hosts are the point of these tests: what a dead host was doing is taken over within seconds.
        start.Environment["Hangfire__InvisibilitySeconds"] = "15";
        start.Environment["Notifications__SendLease"] = "00:00:15";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var host = new HostProcess(Process.Start(start)!, url, dataDir, ownsDataDir, gatewayPort);
        host.process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        host.process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        host.process.BeginOutputReadLine();
        host.process.BeginErrorReadLine();
        try
        {
            await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await host.DisposeAsync(); // a host that never became healthy must not outlive the test
            throw;
        }
        return host;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (output) output.Add(line);
    }

    private async Task WaitHealthyAsync(TimeSpan limit)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The host exited with {process.ExitCode}:\n{Output}");
            try
            {
                if ((await client.GetAsync(Url + "/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The host did not become healthy within {limit}:\n{Output}");
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush; only what was already stored survives.</summary>
    public async Task KillAsync()
    {
        await ChildProcesses.StopAsync(process);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        if (ownsDataDir) try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
