using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Tests.Notifications;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>The follow-ups of an engagement on the real host with its fake clock: notifications, the warning and the automatic release.</summary>
[Collection(SqliteJobsHost.Name)]
public sealed class PaymentJobsTests(SqliteJobsHost jobs)
{
    private MarketplaceHost Host => jobs.Host;
    private PaymentJobs Payments => jobs.Service<PaymentJobs>();

    [Fact]
    public async Task A_delivery_nobody_answers_is_released_after_14_days_with_a_warning_3_days_before_once_each()
    {
        var a = await Engagements.AwardedAsync(Host);
        var funding = await a.FundAsync(0);
        var instructions = Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "funding-instructions"));
        Assert.Contains(funding.GetProperty("reference").GetString()!, instructions.GetProperty("text").GetString());
        await Engagements.ConfirmAsync(Host, funding);
        Assert.Single(await jobs.EmailsAsync(a.Founder.Email, "milestone-funded"));
        var delivered = await a.DeliverAsync(0);
        Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "milestone-delivered"));
        var deliveredAt = delivered.Milestone(0).GetProperty("deliveredAt").GetDateTimeOffset();
        var scheduled = jobs.Scheduled(a.NeedId).ToDictionary(j => j.Value.Job.Method.Name, j => new DateTimeOffset(j.Value.EnqueueAt, TimeSpan.Zero));
        Assert.Equal(deliveredAt.AddDays(11), scheduled[nameof(PaymentJobs.AutoReleaseWarningAsync)], TimeSpan.FromSeconds(1));
        Assert.Equal(deliveredAt.AddDays(14), scheduled[nameof(PaymentJobs.AutoReleaseAsync)], TimeSpan.FromMinutes(2));

        await Payments.AutoReleaseWarningAsync(a.NeedId, 0); // not due yet
        await Payments.AutoReleaseAsync(a.NeedId, 0);
        jobs.Time.Advance(TimeSpan.FromDays(11));
        await Payments.AutoReleaseWarningAsync(a.NeedId, 0);
        await Payments.AutoReleaseWarningAsync(a.NeedId, 0);
        await Payments.AutoReleaseAsync(a.NeedId, 0); // three days early: nothing
        Assert.Equal("delivered", (await Engagements.EngagementAsync(Host, a.NeedId)).Milestone(0).Status());
        Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "auto-release-warning"));

        jobs.Time.Advance(TimeSpan.FromDays(3));
        await Task.WhenAll(Payments.AutoReleaseAsync(a.NeedId, 0), Payments.AutoReleaseAsync(a.NeedId, 0));
        await Payments.AutoReleaseAsync(a.NeedId, 0);
        var released = (await Engagements.UntilAsync(Host, a.NeedId, 0, "released")).Milestone(0);
        Assert.Equal("released", released.Status());
        Assert.True(released.GetProperty("approvedAutomatically").GetBoolean());
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal(1_425_000, balances[$"startup:{a.StartupId}"]);
        Assert.Single(await jobs.EmailsAsync(a.Founder.Email, "milestone-released"));
    }

    [Fact]
    public async Task A_disputed_delivery_is_not_released_automatically_and_both_sides_hear_of_the_dispute()
    {
        var a = await Engagements.AwardedAsync(Host);
        await Engagements.ConfirmAsync(Host, await a.FundAsync(0));
        await a.DeliverAsync(0);
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "L'entreprise ne répond plus depuis la livraison." }))
            .Json(HttpStatusCode.OK);
        Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "dispute-opened"));
        jobs.Time.Advance(TimeSpan.FromDays(15));
        await Payments.AutoReleaseWarningAsync(a.NeedId, 0);
        await Payments.AutoReleaseAsync(a.NeedId, 0);
        Assert.Equal("disputed", (await Engagements.EngagementAsync(Host, a.NeedId)).Milestone(0).Status());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))["escrow"]);
        Assert.Empty(jobs.Emails(a.Sme.Email, "auto-release-warning"));
    }

    [Fact]
    public async Task The_sme_is_reminded_to_fund_a_milestone_once_and_not_after_funding_it()
    {
        var a = await Engagements.AwardedAsync(Host);
        await Payments.FundingReminderAsync(a.NeedId, 1); // the first milestone comes first
        await Payments.FundingReminderAsync(a.NeedId, 0);
        await Payments.FundingReminderAsync(a.NeedId, 0);
        Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "funding-reminder"));
        Assert.Contains(jobs.Scheduled(a.NeedId), j => j.Value.Job.Method.Name == nameof(PaymentJobs.FundingReminderAsync));
        var b = await Engagements.AwardedAsync(Host);
        await Engagements.ConfirmAsync(Host, await b.FundAsync(0));
        await Payments.FundingReminderAsync(b.NeedId, 0);
        await jobs.SettleAsync();
        Assert.Empty(jobs.Emails(b.Sme.Email, "funding-reminder"));
    }
}
