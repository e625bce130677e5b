using System.Net;
using System.Net.Http.Json;
using System.Globalization;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>
/// Every follow-up of a need, on the real host: scheduled at its time (the host's fake clock), does its work
/// once, does nothing when the need moved on, and is safe to run twice. Runs on SQLite and on PostgreSQL.
/// Each test uses its own category, so matches of other tests never interfere.
/// </summary>
public abstract class FollowUpJobsSuite(JobsHost jobs)
{
    private const string Region = "Marrakech-Safi";
    private NeedFollowUps FollowUps => jobs.Service<NeedFollowUps>();

    [Fact]
    public async Task Publishing_tells_the_matching_startups_in_their_language_and_schedules_the_follow_ups_at_their_times()
    {
        var (arabic, _) = await jobs.StartupAsync("crm", ["*"], "ar", "Atlas CRM");
        var (french, _) = await jobs.StartupAsync("crm", [Region], "fr", "Souk CRM");
        var (elsewhere, _) = await jobs.StartupAsync("crm", ["Oriental"], "fr");
        var (otherCategory, _) = await jobs.StartupAsync("iot", ["*"], "fr");
        var (_, needId) = await jobs.OpenNeedAsync("crm", Region, deadlineInDays: 20);
        var published = DateTimeOffset.Parse((await jobs.NeedAsync(needId)).GetProperty("publishedAt").GetString()!, CultureInfo.InvariantCulture);

        var ar = Assert.Single(await jobs.EmailsAsync(arabic.Email, "need-match"));
        Assert.Equal("ar", ar.GetProperty("language").GetString());
        Assert.Contains("dir=\"rtl\"", ar.GetProperty("html").GetString());
        Assert.StartsWith("<https://jazari.test/api/notifications/unsubscribe?", ar.GetProperty("listUnsubscribe").GetString());
        var fr = Assert.Single(jobs.Emails(french.Email, "need-match"));
        Assert.Contains("dir=\"ltr\"", fr.GetProperty("html").GetString());
        Assert.Contains("Souk CRM", fr.GetProperty("text").GetString());
        Assert.Empty(jobs.Emails(elsewhere.Email, "need-match"));
        Assert.Empty(jobs.Emails(otherCategory.Email, "need-match"));

        var scheduled = jobs.Scheduled(needId).ToDictionary(j => j.Value.Job.Method.Name, j => new DateTimeOffset(j.Value.EnqueueAt, TimeSpan.Zero));
        Assert.Equal(published.AddDays(3), scheduled[nameof(NeedFollowUps.FewBidsAsync)], TimeSpan.FromSeconds(1));
        Assert.Equal(published.AddDays(7), scheduled[nameof(NeedFollowUps.DecisionReminderAsync)], TimeSpan.FromSeconds(1));
        // The deadline's day (20 days on) ends at Morocco's midnight.
        var afterDeadline = Jazari.Marketplace.Web.Languages.Formats.StartOf(DateOnly.FromDateTime(published.UtcDateTime.AddDays(21)));
        Assert.Equal(afterDeadline, scheduled[nameof(NeedFollowUps.ExpireAsync)], TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Three_days_with_few_bids_tells_the_next_matches_and_advises_the_sme_once()
    {
        var startups = new List<Person>();
        for (var i = 0; i < JobsHost.MatchesPerRound * 2; i++) startups.Add((await jobs.StartupAsync("erp", ["*"])).Startup);
        var (sme, needId) = await jobs.OpenNeedAsync("erp", Region);
        await jobs.EmailsAsync(startups[0].Email, "need-match");
        Assert.Equal(JobsHost.MatchesPerRound, startups.Count(s => jobs.Emails(s.Email, "need-match").Count == 1));

        await FollowUps.FewBidsAsync(needId); // not due yet
        await jobs.SettleAsync();
        Assert.Empty(jobs.Emails(sme.Email, "few-bids"));

        jobs.Time.Advance(TimeSpan.FromDays(3));
        await FollowUps.FewBidsAsync(needId);
        await FollowUps.FewBidsAsync(needId); // a retried job
        Assert.Single(await jobs.EmailsAsync(sme.Email, "few-bids"));
        Assert.All(startups, s => Assert.Single(jobs.Emails(s.Email, "need-match")));
    }

    [Fact]
    public async Task Three_days_with_enough_bids_sends_nothing()
    {
        var bidders = new List<Person>();
        for (var i = 0; i < 3; i++) bidders.Add((await jobs.StartupAsync("automation", ["*"])).Startup);
        var (sme, needId) = await jobs.OpenNeedAsync("automation", Region);
        foreach (var b in bidders) await jobs.BidAsync(b, needId);
        await jobs.EmailsAsync(sme.Email, "bid-received", 3);

        jobs.Time.Advance(TimeSpan.FromDays(3));
        await FollowUps.FewBidsAsync(needId);
        await jobs.SettleAsync();
        Assert.Empty(jobs.Emails(sme.Email, "few-bids"));
    }

    [Fact]
    public async Task Seven_days_with_bids_and_no_award_reminds_the_sme_once_and_an_awarded_need_is_left_alone()
    {
        var (bidder, _) = await jobs.StartupAsync("cloud", ["*"]);
        var (sme, needId) = await jobs.OpenNeedAsync("cloud", Region);
        var (awardedSme, awardedId) = await jobs.OpenNeedAsync("cloud", Region);
        await jobs.BidAsync(bidder, needId);
        var bidId = await jobs.BidAsync(bidder, awardedId);
        (await awardedSme.Client.PostAsync($"/api/needs/{awardedId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await jobs.SettleAsync();

        await FollowUps.DecisionReminderAsync(needId); // not due yet
        jobs.Time.Advance(TimeSpan.FromDays(7));
        await FollowUps.DecisionReminderAsync(needId);
        await FollowUps.DecisionReminderAsync(needId);
        await FollowUps.DecisionReminderAsync(awardedId);
        Assert.Single(await jobs.EmailsAsync(sme.Email, "decision-reminder"));
        Assert.Empty(jobs.Emails(awardedSme.Email, "decision-reminder"));
    }

    [Fact]
    public async Task Thirty_days_open_without_award_expires_the_need_once_and_tells_its_bidders()
    {
        var (bidder, _) = await jobs.StartupAsync("iot", ["*"]);
        var (sme, needId) = await jobs.OpenNeedAsync("iot", Region, deadlineInDays: 120);
        await jobs.BidAsync(bidder, needId);
        await jobs.SettleAsync();

        await FollowUps.ExpireAsync(needId); // not due yet
        Assert.Equal("open", (await jobs.NeedAsync(needId)).GetProperty("status").GetString());
        // Thirty days on, it is the last day to bid its pages show: bids are still taken until that day's end.
        var published = DateTimeOffset.Parse((await jobs.NeedAsync(needId)).GetProperty("publishedAt").GetString()!, CultureInfo.InvariantCulture);
        var lastDay = Jazari.Marketplace.Web.Languages.Formats.Today(published.AddDays(30));
        jobs.Time.Advance(TimeSpan.FromDays(30));
        await FollowUps.ExpireAsync(needId);
        Assert.Equal("open", (await jobs.NeedAsync(needId)).GetProperty("status").GetString());
        // Until that day's end in Morocco, not in UTC (an hour later): a minute before its midnight, still open.
        var closes = Jazari.Marketplace.Web.Languages.Formats.StartOf(lastDay.AddDays(1));
        Assert.Equal(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), Jazari.Marketplace.Web.Languages.Formats.Local(closes));
        jobs.Time.SetUtcNow(closes.AddMinutes(-1));
        await FollowUps.ExpireAsync(needId);
        Assert.Equal("open", (await jobs.NeedAsync(needId)).GetProperty("status").GetString());
        jobs.Time.SetUtcNow(closes);
        await FollowUps.ExpireAsync(needId);
        await FollowUps.ExpireAsync(needId);
        Assert.Equal("expired", (await jobs.NeedAsync(needId)).GetProperty("status").GetString());
        Assert.Single(await jobs.EmailsAsync(bidder.Email, "need-expired"));
        var browse = await jobs.Host.Admin().GetStringAsync("/api/needs?category=iot");
        Assert.DoesNotContain(needId, browse);
    }

    [Fact]
    public async Task A_draft_whose_deadline_has_ended_in_morocco_is_not_published()
    {
        var sme = await jobs.Host.SignUpAsync("sme", "fr");
        await sme.Client.CreateAsync("/api/smes", Api.Sme(Region));
        var needId = await sme.Client.CreateAsync("/api/needs", jobs.Need("iot", Region, deadlineInDays: 1));
        var deadline = DateOnly.FromDateTime(jobs.Time.GetUtcNow().AddDays(1).UtcDateTime);
        // A minute into the next day in Morocco (in UTC, the deadline's day may still have an hour to run).
        jobs.Time.SetUtcNow(Jazari.Marketplace.Web.Languages.Formats.StartOf(deadline.AddDays(1)).AddMinutes(1));
        var refused = await sme.Client.PostAsync($"/api/needs/{needId}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("draft", (await jobs.NeedAsync(needId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_bid_tells_the_sme_and_an_award_tells_the_winner_and_the_other_bidders()
    {
        var (winner, _) = await jobs.StartupAsync("mobile-app", ["*"], name: "Gagnant");
        var (other, _) = await jobs.StartupAsync("mobile-app", ["*"], name: "Autre");
        var (sme, needId) = await jobs.OpenNeedAsync("mobile-app", Region);
        var winning = await jobs.BidAsync(winner, needId);
        await jobs.BidAsync(other, needId, price: 30000.50m);
        var received = await jobs.EmailsAsync(sme.Email, "bid-received", 2);
        Assert.Equal(2, received.Count);
        Assert.Contains(received, e => e.GetProperty("subject").GetString()!.Contains("Gagnant"));
        // Each price as the SME reads it in French (Morocco's grouping, as the pages write it), its centimes kept.
        Assert.Contains("30.000,50 MAD", received.Single(e => e.GetProperty("subject").GetString()!.Contains("Autre")).GetProperty("text").GetString());

        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{winning}/accept", null)).EnsureSuccessStatusCode();
        var accepted = Assert.Single(await jobs.EmailsAsync(winner.Email, "bid-accepted"));
        Assert.Contains("la PME a accepté votre offre", accepted.GetProperty("text").GetString()); // to the startup itself, not of it
        Assert.Single(jobs.Emails(other.Email, "bid-rejected"));
        Assert.Empty(jobs.Emails(winner.Email, "bid-rejected"));
    }

    [Fact]
    public async Task The_weekly_email_lists_the_open_needs_that_fit_a_startup_once_a_week()
    {
        var (startup, startupId) = await jobs.StartupAsync("training", [Region]);
        var (_, fits) = await jobs.OpenNeedAsync("training", Region);
        var (_, elsewhere) = await jobs.OpenNeedAsync("training", "Oriental");
        await jobs.SettleAsync();

        var weekly = jobs.Service<WeeklyNeedsJob>();
        // A marketing e-mail: nothing without the startup's consent (Law 09-08), then once a week with it.
        await weekly.ForStartupAsync(startupId, "2026-W48");
        Assert.Empty(await jobs.EmailsAsync(startup.Email, "weekly-needs", atLeast: 0));
        (await startup.Client.PutAsJsonAsync("/api/me/consents", new { marketingEmails = true })).EnsureSuccessStatusCode();
        await weekly.ForStartupAsync(startupId, "2026-W49");
        await weekly.ForStartupAsync(startupId, "2026-W49");
        var email = Assert.Single(await jobs.EmailsAsync(startup.Email, "weekly-needs"));
        Assert.Contains(fits, email.GetProperty("text").GetString());
        Assert.DoesNotContain(elsewhere, email.GetProperty("text").GetString());
    }
}

[Collection(SqliteJobsHost.Name)]
public sealed class FollowUpJobsOnSqlite(SqliteJobsHost jobs) : FollowUpJobsSuite(jobs);

[Collection(PostgresJobsHost.Name)]
public sealed class FollowUpJobsOnPostgreSql(PostgresJobsHost jobs) : FollowUpJobsSuite(jobs);
