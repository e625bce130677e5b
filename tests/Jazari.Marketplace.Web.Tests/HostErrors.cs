using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// The errors a test host logged (a 500's exception, a failed follow-up), kept so that a failure that happens only under
/// load can be explained afterwards: written on the host's disposal to <c>host-errors.log</c> in the folder
/// <c>JAZARI_TEST_LOGS</c> names (test.sh sets it and prints the file's end when a test failed).
/// </summary>
internal sealed class HostErrors : ILoggerProvider
{
    private const int Kept = 200;
    private static readonly Lock FileWrite = new(); // hosts of several test classes end at once
    private readonly ConcurrentQueue<string> entries = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    /// <summary>Appends what was kept, under the host's name, to the shared file (nothing when none was logged or no folder is set).</summary>
    public void Save(string host)
    {
        if (entries.IsEmpty || Environment.GetEnvironmentVariable("JAZARI_TEST_LOGS") is not { Length: > 0 } folder) return;
        var text = $"== {host}: {entries.Count} errors logged\n" + string.Join("\n", entries) + "\n";
        lock (FileWrite) File.AppendAllText(Path.Combine(folder, "host-errors.log"), text);
    }

    private sealed class Logger(HostErrors owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || owner.entries.Count >= Kept) return;
            owner.entries.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}"
                + (exception is null ? "" : "\n  " + exception.ToString().Replace("\n", "\n  ")));
        }
    }
}
