using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class CohortJobsTests(MarketplaceHost host)
{
    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();
    private Notifier Notifier => host.Services.GetRequiredService<Notifier>();

    [Fact]
    public async Task The_weekly_digest_reaches_each_manager_once_a_week_in_their_language()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var arabic = await Incubation.ManagerAsync(host, p.InstituteId, language: "ar");
        var (startup, startupId) = await Api.StartupAsync(host, "Souss Digital");
        await p.AddMemberAsync(startup, startupId);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var job = new CohortDigestJob(Grains, Notifier, time);

        await job.RunAsync(p.CohortId);
        await job.RunAllAsync(); // what the weekly recurring job runs: every cohort, this one already done
        await host.JobsSettledAsync(); // the e-mails go out through the notification pipeline
        var digest = Assert.Single(host.Emails(arabic.Email), e => e.GetProperty("kind").GetString() == "cohort-digest");
        Assert.Contains("الشركات الناشئة: 1", digest.GetProperty("text").GetString());
        Assert.Contains($"/manager/cohorts/{p.CohortId}/dashboard?lang=ar", digest.GetProperty("text").GetString()); // where the figures are
        Assert.Single(host.Emails(p.Manager.Email), e => e.GetProperty("kind").GetString() == "cohort-digest");

        time.Advance(TimeSpan.FromDays(7));
        await job.RunAsync(p.CohortId);
        await host.JobsSettledAsync();
        Assert.Equal(2, host.Emails(p.Manager.Email).Count(e => e.GetProperty("kind").GetString() == "cohort-digest"));

        // A month after the cohort's end (it starts in 30 days and lasts 180), the Monday e-mails stop.
        time.Advance(TimeSpan.FromDays(30 + 180 + 32));
        await job.RunAllAsync();
        await host.JobsSettledAsync();
        Assert.Equal(2, host.Emails(p.Manager.Email).Count(e => e.GetProperty("kind").GetString() == "cohort-digest"));
    }

    [Fact]
    public async Task The_monthly_reminder_goes_once_to_the_startups_that_have_not_reported_last_month()
    {
        var institute = await Incubation.InstituteAsync(host);
        var manager = await Incubation.ManagerAsync(host, institute);
        var cohortId = await manager.Client.CreateAsync("/api/cohorts", Incubation.Cohort(institute, startsInDays: -40));
        var p = new Programme(institute, manager, cohortId);
        var (late, lateId) = await Api.StartupAsync(host, "Late");
        var (onTime, onTimeId) = await Api.StartupAsync(host, "On Time");
        await p.AddMemberAsync(late, lateId);
        await p.AddMemberAsync(onTime, onTimeId);
        var lastMonth = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM");
        await (await onTime.Client.PostAsJsonAsync($"/api/startups/{onTimeId}/figures",
            new { month = lastMonth, revenueMad = 5000.50m, employees = 3, fundingRaisedMad = 0 })).Json(HttpStatusCode.OK);
        var job = new FiguresReminderJob(Grains, Notifier, new FakeTimeProvider(DateTimeOffset.UtcNow));

        await job.RunAsync(cohortId);
        await job.RunAsync(cohortId);
        await host.JobsSettledAsync();
        var reminder = Assert.Single(host.Emails(late.Email), e => e.GetProperty("kind").GetString() == "figures-reminder");
        // The month in the reader's words (the startup writes in French): "novembre 2026", not "2026-11".
        var monthInFrench = DateTime.UtcNow.AddMonths(-1).ToString("MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("fr-MA"));
        Assert.Contains(monthInFrench, reminder.GetProperty("subject").GetString());
        Assert.DoesNotContain(host.Emails(onTime.Email), e => e.GetProperty("kind").GetString() == "figures-reminder");
        Assert.Equal(3, (await p.DashboardAsync()).Row(onTimeId).GetProperty("employees").GetInt32());
    }
}
