using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Server;
using Hangfire.States;
using Hangfire.Storage.SQLite;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Extensions;

internal static class HangfireExtensions
{
    /// <summary>
    /// Hangfire client and server: SQLite under the data folder by default, PostgreSQL with
    /// <c>Hangfire:Storage=PostgreSql</c> (or <c>postgres</c>, any case) and <c>ConnectionStrings:hangfire</c> (production).
    /// Queues by urgency, sign-in codes first.
    /// </summary>
    /// <remarks>
    /// Every part a job passes through is this host's own: storage, job activator (this host's services),
    /// filters, the job factory, performer and state changer that the server, the client, the recurring
    /// manager and the dashboard share. <c>AddHangfire</c> is not called: it would set the activator, the
    /// log provider and the filters on Hangfire's process-wide <c>GlobalConfiguration</c>, <c>JobActivator.Current</c>
    /// and <c>GlobalJobFilters</c>, so that two hosts in one process (the tests) ran each other's jobs with the
    /// other's services. What stays process-wide is the same for every host: the serializer settings and the
    /// dashboard's routes; Hangfire's log provider is static, so <see cref="HostsLogProvider"/> writes to the
    /// log of a running host (the only one in production).
    /// </remarks>
    public static void AddMarketplaceJobs(this WebApplicationBuilder builder, MarketplaceSettings settings)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        var storage = config["Hangfire:Storage"];
        var usePostgres = string.Equals(storage, "postgres", StringComparison.OrdinalIgnoreCase)
            || string.Equals(storage, "postgresql", StringComparison.OrdinalIgnoreCase);
        var poll = TimeSpan.FromMilliseconds(config.GetValue("Hangfire:PollMilliseconds", 1000));
        // A job taken by a host that died (killed mid-job) is run again after this, not after Hangfire's 30 minutes:
        // the jobs are reentrant. PostgreSQL keeps a running job hidden as long as its host lives (sliding); SQLite,
        // one host's local store, does not, so a job running longer than this may start a second time there.
        var invisibility = TimeSpan.FromSeconds(config.GetValue("Hangfire:InvisibilitySeconds", 300));
        services.AddSingleton<JobStorage>(_ =>
        {
            if (!usePostgres)
                return new SQLiteStorage(Path.Combine(settings.DataDir, "hangfire.db"),
                    new SQLiteStorageOptions { QueuePollInterval = poll, InvisibilityTimeout = invisibility });
            var connectionString = config.GetConnectionString("hangfire")
                ?? throw new InvalidOperationException("Hangfire:Storage is PostgreSql but ConnectionStrings:hangfire is not set.");
            var options = new PostgreSqlStorageOptions
            {
                QueuePollInterval = poll, PrepareSchemaIfNecessary = true, InvisibilityTimeout = invisibility, UseSlidingInvisibilityTimeout = true,
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });

        // Grains' events reach the job storage through these threads, not the pool's: one for SQLite (one write at a
        // time), a few for PostgreSQL (a round trip each).
        services.AddSingleton(_ => new JobHandOver(threads: usePostgres ? 4 : 1)); // a factory: the host disposes it, its threads end

        // The marker Hangfire's server and dashboard look for; it sets only what is the same for every host.
        services.AddSingleton<IGlobalConfiguration>(provider =>
        {
            HostsLogProvider.Add(provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<IHostApplicationLifetime>());
            return GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
        });
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<HostJobFilters>();
        services.AddSingleton<IJobFilterProvider>(provider => provider.GetRequiredService<HostJobFilters>().Provider);
        services.AddSingleton<IBackgroundJobStateChanger>(provider => provider.GetRequiredService<HostJobFilters>().StateChanger);
        services.AddSingleton<IBackgroundJobFactory>(provider => new BackgroundJobFactory(provider.GetRequiredService<IJobFilterProvider>()));
        services.AddSingleton<IBackgroundJobPerformer>(provider =>
            new BackgroundJobPerformer(provider.GetRequiredService<IJobFilterProvider>(), provider.GetRequiredService<JobActivator>()));
        services.AddSingleton<ITimeZoneResolver>(new DefaultTimeZoneResolver());
        services.AddSingleton(_ => DashboardRoutes.Routes);
        services.AddSingleton<IBackgroundJobClient>(provider =>
        {
            provider.GetRequiredService<IGlobalConfiguration>();
            return new BackgroundJobClient(provider.GetRequiredService<JobStorage>(),
                provider.GetRequiredService<IBackgroundJobFactory>(), provider.GetRequiredService<IBackgroundJobStateChanger>());
        });
        services.AddSingleton<IRecurringJobManager>(provider =>
        {
            provider.GetRequiredService<IGlobalConfiguration>();
            return new RecurringJobManager(provider.GetRequiredService<JobStorage>(),
                provider.GetRequiredService<IBackgroundJobFactory>(), provider.GetRequiredService<ITimeZoneResolver>());
        });

        // A host may only take requests and leave the jobs to others (Hangfire__Server=false): its follow-ups wait in
        // the shared job storage for a host that runs them.
        if (!config.GetValue("Hangfire:Server", true)) return;
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = config.GetValue("Hangfire:Workers", Math.Max(2, Environment.ProcessorCount * 2));
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            o.Queues = Jobs.Queues.ByUrgency;
            // How often jobs whose time has come (retries, reminders) are queued: Hangfire's 15 s unless set.
            o.SchedulePollingInterval = TimeSpan.FromMilliseconds(config.GetValue("Hangfire:SchedulePollMilliseconds", 15_000));
        });
    }
}

/// <summary>
/// This host's job filters: Hangfire's defaults (culture, retries, statistics, continuations) and the
/// marketplace's telemetry, in a collection of its own rather than the process-wide <c>GlobalJobFilters</c>.
/// </summary>
internal sealed class HostJobFilters
{
    public JobFilterProviderCollection Provider { get; }
    public IBackgroundJobStateChanger StateChanger { get; }

    public HostJobFilters()
    {
        var filters = new JobFilterCollection();
        Provider = new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
        StateChanger = new BackgroundJobStateChanger(Provider);
        filters.Add(new CaptureCultureAttribute());
        filters.Add(new AutomaticRetryAttribute());
        filters.Add(new StatisticsHistoryAttribute());
        filters.Add(new ContinuationsSupportAttribute([DeletedState.StateName, SucceededState.StateName], StateChanger));
        filters.Add(new JobTelemetryFilter());
    }
}

/// <summary>
/// Hangfire's log provider is static (one per process): it writes to the log of the first host still running,
/// which in production is the host. A host leaves the list when it stops.
/// </summary>
internal sealed class HostsLogProvider : ILogProvider
{
    private static readonly HostsLogProvider Instance = new();
    private readonly List<AspNetCoreLogProvider> hosts = [];

    public static void Add(ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        var host = new AspNetCoreLogProvider(loggers);
        lock (Instance.hosts) Instance.hosts.Add(host);
        // From its stopping on, a host is no longer the one written to: its logger factory goes with it.
        lifetime.ApplicationStopping.Register(() => { lock (Instance.hosts) Instance.hosts.Remove(host); });
        LogProvider.SetCurrentLogProvider(Instance);
    }

    public ILog GetLogger(string name) => new HostLog(this, name);

    private sealed class HostLog(HostsLogProvider provider, string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            AspNetCoreLogProvider? host;
            lock (provider.hosts) host = provider.hosts.FirstOrDefault();
            try
            {
                return host is not null && host.GetLogger(name).Log(logLevel, messageFunc, exception);
            }
            catch (ObjectDisposedException) // a host stopping in the same process (tests) between the lookup and the write
            {
                return false;
            }
        }
    }
}
