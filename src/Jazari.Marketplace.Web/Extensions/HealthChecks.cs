using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// <c>/healthz</c> is 200 once the silo answers, grain storage answers and this host's Hangfire server runs (or, on a
/// host that runs no jobs, <c>Hangfire__Server=false</c>, once the job storage answers).
/// </summary>
internal static class HealthChecks
{
    public static void AddMarketplaceHealthChecks(this IServiceCollection services) => services.AddHealthChecks()
        .AddCheck<SiloCheck>("silo")
        .AddCheck<StorageCheck>("storage")
        .AddCheck<JobsCheck>("jobs");

    private sealed class SiloCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellation);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} silo(s) active") : HealthCheckResult.Unhealthy("No active silo");
        }
    }

    private sealed class StorageCheck(StorageClients storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
        {
            var table = storage.Tables.GetTableClient(OrleansExtensions.StateTable);
            await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellation))
                break;
            return HealthCheckResult.Healthy();
        }
    }

    private sealed class JobsCheck(JobStorage jobs, IConfiguration config) : IHealthCheck
    {
        private readonly string server = $"{Environment.MachineName}:{Environment.ProcessId}".ToLowerInvariant();
        private readonly bool runsJobs = config.GetValue("Hangfire:Server", true);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
        {
            var servers = jobs.GetMonitoringApi().Servers(); // reads the job storage: throws when it does not answer
            if (!runsJobs) return Task.FromResult(HealthCheckResult.Healthy("This host runs no jobs"));
            var running = servers.Any(s => s.Name.StartsWith(server, StringComparison.OrdinalIgnoreCase));
            return Task.FromResult(running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Hangfire server not started yet"));
        }
    }
}
