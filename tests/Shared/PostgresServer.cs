using System.Diagnostics;

namespace Jazari.Marketplace.Tests;

/// <summary>
/// A real PostgreSQL started by the test from the installed binaries (/usr/lib/postgresql/*/bin, or
/// <c>JAZARI_PG_BIN</c>): a fresh cluster in a temporary folder on a free loopback port, stopped and deleted
/// when disposed. As root, the server runs as the <c>postgres</c> user (initdb refuses root).
/// <c>JAZARI_TEST_POSTGRES</c> (a connection string) points the tests at another server instead.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? folder;
    private readonly Process? process;

    private PostgresServer(string connectionString, string? folder, Process? process)
    {
        ConnectionString = connectionString;
        this.folder = folder;
        this.process = process;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("JAZARI_TEST_POSTGRES") is { Length: > 0 } external)
            return new PostgresServer(external, null, null);
        var bin = Environment.GetEnvironmentVariable("JAZARI_PG_BIN") is { Length: > 0 } configured ? configured
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
                : null;
        if (bin is null || !File.Exists(Path.Combine(bin, "postgres")))
            throw new InvalidOperationException("PostgreSQL is not installed: no /usr/lib/postgresql/<version>/bin/initdb. " +
                "Install it (CI: apt-get install -y postgresql) or set JAZARI_PG_BIN, or JAZARI_TEST_POSTGRES to an existing server.");

        var folder = Directory.CreateTempSubdirectory("jazari-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", null, "-R", "postgres:postgres", folder);
        var data = Path.Combine(folder, "data");
        await RunAsync(Path.Combine(bin, "initdb"), asRoot, "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync");
        var port = AzuriteServer.FreePort();
        var start = Command(Path.Combine(bin, "postgres"), asRoot, "-D", data, "-p", $"{port}", "-k", folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true", folder, process);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ReadyAsync(bin, port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("PostgreSQL did not start.");
            }
            await Task.Delay(100);
        }
        return server;
    }

    private static async Task<bool> ReadyAsync(string bin, int port)
    {
        using var check = Process.Start(Command(Path.Combine(bin, "pg_isready"), false, "-h", "127.0.0.1", "-p", $"{port}", "-q"))!;
        if (!await ChildProcesses.WaitAsync(check, TimeSpan.FromSeconds(30))) { await ChildProcesses.StopAsync(check); return false; }
        return check.ExitCode == 0;
    }

    private static ProcessStartInfo Command(string program, bool? asPostgres, params string[] arguments)
    {
        var start = asPostgres == true ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", program } } : new ProcessStartInfo(program);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        return start;
    }

    private static async Task RunAsync(string program, bool? asPostgres, params string[] arguments)
    {
        using var run = Process.Start(Command(program, asPostgres, arguments))!;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string output, errors;
        try
        {
            var reading = run.StandardOutput.ReadToEndAsync(limit.Token);
            errors = await run.StandardError.ReadToEndAsync(limit.Token);
            output = await reading;
            await run.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // One limit for reading and for the exit: a stuck initdb or pg_ctl is stopped and named, not left running.
            await ChildProcesses.StopAsync(run);
            throw new TimeoutException($"{Path.GetFileName(program)} did not end within 2 minutes");
        }
        if (run.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({run.ExitCode}): {errors}{output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null) await ChildProcesses.StopAsync(process);
        process?.Dispose();
        if (folder is not null) try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
