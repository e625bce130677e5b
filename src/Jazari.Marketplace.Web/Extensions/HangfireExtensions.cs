using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;

namespace Jazari.Marketplace.Web.Extensions;

internal static class HangfireExtensions
{
    /// <summary>
    /// Hangfire client and server: SQLite under the data folder by default, PostgreSQL with
    /// <c>Hangfire:Storage=PostgreSql</c> (or <c>postgres</c>, any case) and <c>ConnectionStrings:hangfire</c> (production).
    /// Queues by urgency, sign-in codes first.
    /// </summary>
    public static void AddMarketplaceJobs(this WebApplicationBuilder builder, MarketplaceSettings settings)
    {
        var config = builder.Configuration;
        var storage = config["Hangfire:Storage"];
        var usePostgres = string.Equals(storage, "postgres", StringComparison.OrdinalIgnoreCase)
            || string.Equals(storage, "postgresql", StringComparison.OrdinalIgnoreCase);
        var poll = TimeSpan.FromMilliseconds(config.GetValue("Hangfire:PollMilliseconds", 1000));
        // This host's own storage, registered before AddHangfire (which then uses it): UseStorage would set the
        // process-wide JobStorage.Current, and two hosts in one process (the tests) would share one storage.
        builder.Services.AddSingleton<JobStorage>(_ =>
        {
            if (!usePostgres)
                return new SQLiteStorage(Path.Combine(settings.DataDir, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = poll });
            var connectionString = config.GetConnectionString("hangfire")
                ?? throw new InvalidOperationException("Hangfire:Storage is PostgreSql but ConnectionStrings:hangfire is not set.");
            var options = new PostgreSqlStorageOptions { QueuePollInterval = poll, PrepareSchemaIfNecessary = true };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        builder.Services.AddHangfire(hangfire => hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(new JobTelemetryFilter()));
        builder.Services.AddHangfireServer(o =>
        {
            o.WorkerCount = config.GetValue("Hangfire:Workers", Math.Max(2, Environment.ProcessorCount * 2));
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            o.Queues = Jobs.Queues.ByUrgency;
        });
    }
}
