using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Reminds each startup of a running cohort that has not reported last month's figures, through the notification
/// pipeline. Reentrant: the key names the month and the startup, so each reminder is sent once.
/// </summary>
public sealed class FiguresReminderJob(IGrainFactory grains, Notifier notifier, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public Task RunAllAsync() => CohortJobs.ForEachCohortAsync(grains, RunAsync);

    public async Task RunAsync(string cohortId)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var month = today.AddMonths(-1).ToString("yyyy-MM");
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var view = await cohort.GetAsync(Caller.Marketplace);
        if (today < view.StartsOn || today > view.EndsOn.AddMonths(1)) return;
        foreach (var row in (await cohort.GetDashboardAsync(Caller.Marketplace)).Rows)
        {
            var activity = await grains.GetGrain<IStartupActivityGrain>(row.StartupId).GetAsync();
            if (activity.Figures.Any(f => f.Month == month)) continue;
            var owner = (await grains.GetGrain<IStartupGrain>(row.StartupId).GetAsync(Caller.Marketplace)).OwnerAccountId;
            if (owner is null) continue;
            await notifier.NotifyAsync(owner, NotificationKinds.FiguresReminder, $"figures:{month}:{row.StartupId}", new Dictionary<string, string>
            {
                ["startup"] = row.Name, ["month"] = month, ["link"] = notifier.Link("/startup/goals"),
            });
        }
    }
}
