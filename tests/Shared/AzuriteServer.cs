using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Jazari.Marketplace.Tests;

/// <summary>
/// A real Azurite (the pinned one in infra/local) on free loopback ports with its data in a fresh folder,
/// stopped when disposed. <c>JAZARI_TEST_STORAGE</c> points the tests at another storage instead.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process? process;
    private readonly string? folder;

    private AzuriteServer(string connectionString, Process? process, string? folder)
    {
        ConnectionString = connectionString;
        this.process = process;
        this.folder = folder;
    }

    public string ConnectionString { get; }
    /// <summary>The Azurite process (node), for the benchmarks' CPU accounting; null when the tests use another storage.</summary>
    public int? ProcessId => process?.Id;

    public static async Task<AzuriteServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("JAZARI_TEST_STORAGE") is { Length: > 0 } external)
            return new AzuriteServer(external, null, null);

        var azurite = Path.Combine(RepoPaths.Root, "infra", "local", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run ./test.sh, or npm ci --prefix infra/local.");
        // A port free when chosen can be taken by another program before Azurite binds it: Azurite then exits, and is
        // started again on other ports. One that is only slow is not started again.
        for (var attempt = 1; ; attempt++)
        {
            var (server, exited) = await TryStartAsync(azurite);
            if (server is not null) return server;
            if (attempt == 3 || exited is null)
                throw new InvalidOperationException($"Azurite did not start ({(exited is not null ? $"it exited {attempt} times, last: {exited}" : "not listening after 120 s")}).");
        }
    }

    /// <summary>Azurite listening, or null and, when it exited, the end of what it wrote (null when it is only slow).</summary>
    private static async Task<(AzuriteServer? Server, string? Exited)> TryStartAsync(string azurite)
    {
        var folder = Directory.CreateTempSubdirectory("jazari-azurite-").FullName;
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", folder,
                "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && said.Count < 20) said.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && said.Count < 20) said.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;", process, folder);
        // Generous: test collections start their Azurites at the same time, on a machine that may be busy.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!(await Listening(table) && await Listening(blob) && await Listening(queue)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var exited = process.HasExited ? $"code {process.ExitCode}: {string.Join(" | ", said)}" : null;
                await server.DisposeAsync();
                return (null, exited);
            }
            await Task.Delay(100);
        }
        return (server, null);
    }

    private const int FirstPort = 20_000, PortCount = 12_000;
    private static int turn = Random.Shared.Next(PortCount);

    /// <summary>
    /// A port free now, below Linux's ephemeral range (32768 and up): a port the system handed out there was once taken,
    /// before the silo bound it, as the source port of one of the many outgoing connections the suite makes. Ports are
    /// handed out in turn from a random start, so two hosts of one test run that start at the same moment never get the
    /// same port between its choice and its binding (drawn at random, they could).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = FirstPort + (int)((uint)Interlocked.Increment(ref turn) % PortCount);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) { } // in use: the next
        }
    }

    private static async Task<bool> Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null) await ChildProcesses.StopAsync(process);
        process?.Dispose();
        if (folder is not null) try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The processes the tests start (Azurite, PostgreSQL, hosts): stopped, and waited for, with a limit.</summary>
public static class ChildProcesses
{
    /// <summary>
    /// Kills the process and what it started, then waits for its exit at most <paramref name="limit"/> (30 s): a wait
    /// without a limit once never returned after every process had gone, and held the whole test run with it.
    /// </summary>
    public static async Task StopAsync(System.Diagnostics.Process process, TimeSpan? limit = null)
    {
        try
        {
            if (process.HasExited) return;
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { return; } // gone already
        await WaitAsync(process, limit ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits for the process's exit; false when it did not end within <paramref name="limit"/>.</summary>
    public static async Task<bool> WaitAsync(System.Diagnostics.Process process, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return process.HasExited;
        }
    }
}

public static class RepoPaths
{
    /// <summary>The folder holding Jazari.Marketplace.sln, found from the test's output folder.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Jazari.Marketplace.sln"))) return dir.FullName;
        throw new InvalidOperationException("Jazari.Marketplace.sln not found above " + AppContext.BaseDirectory);
    }
}
