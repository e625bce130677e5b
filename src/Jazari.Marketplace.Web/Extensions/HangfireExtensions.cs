using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;

namespace Jazari.Marketplace.Web.Extensions;

internal static class HangfireExtensions
{
    /// <summary>
    /// Hangfire client and server: SQLite under the data folder by default, PostgreSQL with
    /// <c>Hangfire:Storage=postgres</c> and <c>ConnectionStrings:hangfire</c> (production).
    /// </summary>
    public static void AddMarketplaceJobs(this WebApplicationBuilder builder, MarketplaceSettings settings)
    {
        var config = builder.Configuration;
        var usePostgres = string.Equals(config["Hangfire:Storage"], "postgres", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddHangfire(hangfire =>
        {
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseFilter(new JobTelemetryFilter());
            if (usePostgres)
            {
                var connectionString = config.GetConnectionString("hangfire")
                    ?? throw new InvalidOperationException("Hangfire:Storage is postgres but ConnectionStrings:hangfire is not set.");
                hangfire.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString));
            }
            else
            {
                hangfire.UseSQLiteStorage(Path.Combine(settings.DataDir, "hangfire.db"));
            }
        });
        builder.Services.AddHangfireServer(o =>
        {
            o.WorkerCount = config.GetValue("Hangfire:Workers", Math.Max(2, Environment.ProcessorCount * 2));
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
        });
    }
}
