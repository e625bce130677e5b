using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Email;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Reminds each startup of a running cohort that has not reported last month's figures. Reentrant: each
/// (month, startup) reminder is recorded on the cohort once sent.
/// </summary>
public sealed class FiguresReminderJob(IGrainFactory grains, IEmailSender outbox, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public Task RunAllAsync() => CohortJobs.ForEachCohortAsync(grains, RunAsync);

    public async Task RunAsync(string cohortId)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var month = today.AddMonths(-1).ToString("yyyy-MM");
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var view = await cohort.GetAsync(Caller.Marketplace);
        if (today < view.StartsOn || today > view.EndsOn.AddMonths(1)) return;
        foreach (var row in (await cohort.GetDashboardAsync(Caller.Marketplace)).Rows)
        {
            var key = $"figures:{month}:{row.StartupId}";
            if (await cohort.HasToldAsync(key)) continue;
            var activity = await grains.GetGrain<IStartupActivityGrain>(row.StartupId).GetAsync();
            if (activity.Figures.Any(f => f.Month == month)) continue;
            var owner = (await grains.GetGrain<IStartupGrain>(row.StartupId).GetAsync(Caller.Marketplace)).OwnerAccountId;
            if (owner is null || await grains.GetGrain<IAccountGrain>(owner).GetAsync() is not { } account) continue;
            await outbox.SendAsync(IncubationEmails.FiguresReminder(account.Email, account.DisplayName, row.Name, month, account.Language, now));
            await cohort.MarkToldAsync(key);
        }
    }
}
