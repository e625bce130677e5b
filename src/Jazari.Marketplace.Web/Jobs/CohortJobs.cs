using Hangfire;
using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Registers the incubation's recurring jobs once, at start: a weekly digest to the managers of every cohort and
/// a monthly figures reminder to its startups. Scheduling at start rather than per request keeps Hangfire's
/// client out of the request path.
/// </summary>
public sealed class CohortJobs(IRecurringJobManager jobs) : IHostedService
{
    public const string WeeklyDigestCron = "0 8 * * 1";
    public const string MonthlyReminderCron = "0 8 2 * *";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<CohortDigestJob>("cohort-digests", j => j.RunAllAsync(), WeeklyDigestCron);
        jobs.AddOrUpdate<FiguresReminderJob>("figures-reminders", j => j.RunAllAsync(), MonthlyReminderCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the job for every cohort of every institute; one cohort failing does not stop the others, and the run then fails to be retried.</summary>
    public static async Task ForEachCohortAsync(IGrainFactory grains, Func<string, Task> run)
    {
        var failures = new List<Exception>();
        foreach (var instituteId in await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync())
            foreach (var cohortId in (await grains.GetGrain<IInstituteGrain>(instituteId).GetAsync())?.CohortIds ?? [])
            {
                try { await run(cohortId); }
                catch (Exception failure) { failures.Add(failure); }
            }
        if (failures.Count > 0) throw new AggregateException("Some cohorts failed; the ones done are not repeated on retry.", failures);
    }
}
