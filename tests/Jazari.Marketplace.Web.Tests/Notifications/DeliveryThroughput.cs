using System.Diagnostics;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;
using Xunit.Abstractions;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>Runs only with JAZARI_BENCHMARK=1 (minutes, not part of the test run); figures go to docs/benchmarks.md.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("JAZARI_BENCHMARK") != "1") Skip = "A measurement: set JAZARI_BENCHMARK=1 to run it.";
    }
}

public static class EmptyJob
{
    public static void Run() { }
}

/// <summary>
/// 10,000 notifications recorded and delivered by Hangfire jobs to the local SendGrid endpoint, on SQLite and on
/// PostgreSQL, next to Hangfire running 10,000 empty jobs in the same host.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DeliveryThroughput(ITestOutputHelper output)
{
    private const int Notifications = 10_000;
    private const int Accounts = 500;

    [BenchmarkFact]
    public Task On_sqlite() => MeasureAsync(new SqliteJobsHost(), "SQLite");

    [BenchmarkFact]
    public Task On_postgresql() => MeasureAsync(new PostgresJobsHost(), "PostgreSQL");

    private async Task MeasureAsync(JobsHost jobs, string storage)
    {
        jobs.Host.Settings["Hangfire:Workers"] = "8";
        await jobs.InitializeAsync();
        try
        {
            var client = jobs.Service<IBackgroundJobClient>();
            var monitor = jobs.Service<JobStorage>().GetMonitoringApi();
            var succeededBefore = monitor.SucceededListCount();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Notifications; i++) client.Enqueue(() => EmptyJob.Run());
            var enqueued = clock.Elapsed;
            while (monitor.SucceededListCount() - succeededBefore < Notifications) await Task.Delay(100);
            var empty = clock.Elapsed;

            var grains = jobs.Service<IGrainFactory>();
            var accounts = await Task.WhenAll(Enumerable.Range(0, Accounts).Select(async i =>
            {
                var email = $"bench-{i}-{Guid.NewGuid():N}@example.ma";
                return (await grains.GetGrain<ISignInGrain>(email).SignUpAsync(new NewAccount(email, Roles.Startup, "Bench", Reference.Languages[i % 3], []))).AccountId;
            }));
            var notifier = jobs.Service<Notifier>();
            var values = new Dictionary<string, string> { ["title"] = "Boutique", ["startup"] = "Web Atlas", ["price"] = "30 000", ["duration"] = "60", ["link"] = "https://jazari.test/needs/x" };
            clock.Restart();
            await Parallel.ForAsync(0, Notifications, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                await notifier.NotifyAsync(accounts[i % Accounts], NotificationKinds.BidReceived, $"bid:b-{i}:received", values));
            var recorded = clock.Elapsed;
            for (var deadline = DateTime.UtcNow.AddMinutes(15); jobs.SendGrid.AcceptedByKey.Count < Notifications && DateTime.UtcNow < deadline;)
                await Task.Delay(200);
            var delivered = clock.Elapsed;
            await jobs.SettleAsync();

            Assert.Equal(Notifications, jobs.SendGrid.AcceptedByKey.Count);
            Assert.All(jobs.SendGrid.AcceptedByKey.Values, n => Assert.Equal(1, n));
            output.WriteLine($"| {storage} | {Notifications / empty.TotalSeconds:0} jobs/s (enqueue {enqueued.TotalSeconds:0.0} s, all run {empty.TotalSeconds:0.0} s) " +
                $"| {Notifications / delivered.TotalSeconds:0} msgs/s (recorded+enqueued {recorded.TotalSeconds:0.0} s, all delivered {delivered.TotalSeconds:0.0} s) " +
                $"| {jobs.SendGrid.AcceptedByKey.Count} delivered, 0 lost, {jobs.SendGrid.AcceptedByKey.Values.Count(n => n > 1)} duplicated, {jobs.SendGrid.Requests} requests |");
        }
        finally
        {
            await jobs.DisposeAsync();
        }
    }
}
