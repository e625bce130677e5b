using Hangfire;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>The recurring jobs of a cohort, each taking the cohort id: a weekly digest to its managers, a monthly figures reminder to its startups.</summary>
public static class CohortJobs
{
    public const string WeeklyDigestCron = "0 8 * * 1";
    public const string MonthlyReminderCron = "0 8 2 * *";

    public static void Schedule(IRecurringJobManager jobs, string cohortId)
    {
        jobs.AddOrUpdate<CohortDigestJob>($"cohort-digest-{cohortId}", j => j.RunAsync(cohortId), WeeklyDigestCron);
        jobs.AddOrUpdate<FiguresReminderJob>($"figures-reminder-{cohortId}", j => j.RunAsync(cohortId), MonthlyReminderCron);
    }
}
