using Jazari.Marketplace.Grains;
using System.Globalization;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// The weekly digest of a cohort to each manager of its institute, through the notification pipeline (in each
/// manager's language), from its creation until a month after it ends (as the figures reminder). Reentrant: the key
/// names the cohort and the ISO week, so a retried run tells each manager once.
/// </summary>
public sealed class CohortDigestJob(IGrainFactory grains, Notifier notifier, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public Task RunAllAsync() => CohortJobs.ForEachCohortAsync(grains, RunAsync);

    public async Task RunAsync(string cohortId)
    {
        var now = time.GetUtcNow();
        var week = $"{ISOWeek.GetYear(now.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(now.UtcDateTime):00}";
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var view = await cohort.GetAsync(Caller.Marketplace);
        if (DateOnly.FromDateTime(now.UtcDateTime) > view.EndsOn.AddMonths(1)) return; // an ended cohort's figures no longer move
        var dashboard = DashboardResponse.From(await cohort.GetDashboardAsync(Caller.Marketplace), now);
        var institute = await grains.GetGrain<IInstituteGrain>(view.InstituteId).GetAsync();
        var values = Values(dashboard);
        values["link"] = notifier.Link($"/manager/cohorts/{cohortId}/dashboard");
        foreach (var managerId in institute?.ManagerAccountIds ?? [])
            await notifier.NotifyAsync(managerId, NotificationKinds.CohortDigest, $"cohort:{cohortId}:digest:{week}", values);
    }

    public static Dictionary<string, string> Values(DashboardResponse d)
    {
        var t = d.Totals;
        static string Mad(long minor) => Money.Format(minor); // written in the reader's format by the e-mail ("15,000" read as 15.0)
        var leaders = d.Startups.Where(r => r.BidsWon > 0).OrderByDescending(r => r.BidsWon).Take(3).Select(r => $"{Languages.Formats.Isolated(r.Name)} ({r.BidsWon})"); // each name isolated: Latin and Arabic names in one list
        return new()
        {
            ["cohort"] = d.Name, ["startups"] = $"{t.Startups}", ["bidsSubmitted"] = $"{t.BidsSubmitted}", ["bidsWon"] = $"{t.BidsWon}",
            ["revenueContracted"] = Mad(t.RevenueContractedMinor), ["revenueReleased"] = Mad(t.RevenueReleasedMinor),
            ["mentorSessions"] = $"{t.MentorSessions}", ["leaders"] = string.Join(", ", leaders),
        };
    }
}
