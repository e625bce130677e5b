using Hangfire;
using Hangfire.Common;
using Jazari.Marketplace.Web.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Two hosts in one process: each runs its own jobs with its own services and filters.</summary>
public sealed class HangfirePerHostTests : IAsyncLifetime
{
    private readonly MarketplaceHost first = new();
    private readonly MarketplaceHost second = new();

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        await second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_job_enqueued_on_a_host_runs_there_with_that_hosts_services()
    {
        var one = first.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<HostProbe>(p => p.Mark("first"));
        var two = second.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<HostProbe>(p => p.Mark("second"));
        await Task.WhenAll(first.JobsSettledAsync(), second.JobsSettledAsync());

        Assert.True(File.Exists(Path.Combine(first.DataDir, "probe-first")), "the first host's job ran with another host's services");
        Assert.True(File.Exists(Path.Combine(second.DataDir, "probe-second")), "the second host's job ran with another host's services");
        Assert.False(File.Exists(Path.Combine(first.DataDir, "probe-second")));
        Assert.False(File.Exists(Path.Combine(second.DataDir, "probe-first")));
    }

    [Fact]
    public void Each_host_has_its_own_filters_and_activator_and_none_are_process_wide()
    {
        var filters = first.Services.GetRequiredService<IJobFilterProvider>();
        Assert.NotSame(filters, second.Services.GetRequiredService<IJobFilterProvider>());
        Assert.NotSame(first.Services.GetRequiredService<JobActivator>(), second.Services.GetRequiredService<JobActivator>());
        Assert.DoesNotContain(GlobalJobFilters.Filters, f => f.Instance is JobTelemetryFilter);
        Assert.NotSame(JobActivator.Current, first.Services.GetRequiredService<JobActivator>());
        var job = Job.FromExpression<HostProbe>(p => p.Mark("x"));
        Assert.Single(filters.GetFilters(job), f => f.Instance is JobTelemetryFilter);
    }
}

/// <summary>A job that leaves a file in the data folder of the host whose services it was built with.</summary>
public sealed class HostProbe(MarketplaceSettings settings)
{
    public void Mark(string name) => File.WriteAllText(Path.Combine(settings.DataDir, $"probe-{name}"), name);
}
