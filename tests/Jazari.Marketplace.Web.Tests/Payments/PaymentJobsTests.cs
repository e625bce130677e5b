using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        // The day to pay by, as the engagement's page says it: three days after the request (no programme here), in words.
        var payBy = jobs.Service<Jazari.Marketplace.Web.Payments.PaymentSettings>().PayBy(null, 0, (await a.EngagementAsync()).Milestone(0).GetProperty("fundingRequestedAt").GetDateTimeOffset());
        Assert.Contains("À payer au plus tard le " + Jazari.Marketplace.Web.Languages.Formats.For("fr").Date(payBy), instructions.GetProperty("text").GetString()!.Replace('\u00a0', ' ').Replace("\u2068", "").Replace("\u2069", ""));
        await Engagements.ConfirmAsync(Host, funding);
        Assert.Single(await jobs.EmailsAsync(a.Founder.Email, "milestone-funded"));
        // The founder's account then hears of 1,000 other things (messages it turned off, here): it no longer remembers
        // the funding's key. The engagement's later follow-ups, which tell what its whole state calls for, do not tell it again.
        var founderNotices = jobs.Service<IGrainFactory>().GetGrain<Grains.Notifications.IAccountNotificationsGrain>(a.Founder.AccountId);
        await founderNotices.SetPreferencesAsync(new Dictionary<string, Grains.Notifications.Delivery> { [Grains.Notifications.NotificationKinds.MessageReceived] = Grains.Notifications.Delivery.Off });
        for (var i = 0; i < Grains.Notifications.AccountNotificationsGrain.RememberedKeys; i++)
            await founderNotices.RecordAsync(new(Grains.Notifications.NotificationKinds.MessageReceived + ":" + i, Grains.Notifications.NotificationKinds.MessageReceived, new Dictionary<string, string>(), jobs.Time.GetUtcNow()));
        // Delivered at 23:30 UTC: the e-mail names the release's day in Morocco (the next day at UTC+1; the same during
        // Ramadan, when Morocco keeps UTC), read here from the system's time zone data.
        var morocco = TimeZoneInfo.FindSystemTimeZoneById("Africa/Casablanca");
        var now = jobs.Time.GetUtcNow();
        jobs.Time.Advance(now.Date.AddHours(23.5) - now.UtcDateTime + (now.TimeOfDay > TimeSpan.FromHours(23) ? TimeSpan.FromDays(1) : TimeSpan.Zero));
        var delivered = await a.DeliverAsync(0);
        var deliveredAt = delivered.Milestone(0).GetProperty("deliveredAt").GetDateTimeOffset();
        var releaseAt = TimeZoneInfo.ConvertTime(deliveredAt.AddDays(14), morocco);
        Assert.Equal(releaseAt.Offset == TimeSpan.Zero ? 0 : 1, (releaseAt.Date - deliveredAt.AddDays(14).UtcDateTime.Date).Days);
        var releaseOn = releaseAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("fr-MA"));
        var deliveredEmail = Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "milestone-delivered"));
        Assert.Contains($"le paiement est libéré le {releaseOn}", deliveredEmail.GetProperty("text").GetString());
        // What the startup delivered, its note and its links, as the engagement's page shows them: each link on a line of its
        // own, as text (another site's address: the e-mail does not make it a link of ours).
        Assert.Contains("\nhttps://demo.example.ma/boutique\n", deliveredEmail.GetProperty("text").GetString());
        Assert.DoesNotContain("href=\"https://demo.example.ma", deliveredEmail.GetProperty("html").GetString());
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
        var releasedMail = Assert.Single(await jobs.EmailsAsync(a.Founder.Email, "milestone-released"));
        Assert.DoesNotContain("administrateur", releasedMail.GetProperty("text").GetString()); // nothing holds it: it leaves with the next transfers
        Assert.Single(await jobs.EmailsAsync(a.Founder.Email, "milestone-funded"));
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

    [Fact]
    public async Task An_unpaid_request_gives_the_programmes_share_back_after_14_days_and_the_sme_asks_again_under_the_same_reference()
    {
        var programme = await Engagements.ProgrammeAsync(Host, percent: 30);
        var a = await Engagements.AwardedAsync(Host, programme);
        using var admin = Host.Admin();
        async Task<long> CommittedAsync() => (await (await admin.GetAsync($"/api/admin/programmes/{programme}")).Json(HttpStatusCode.OK)).GetProperty("committedMinor").GetInt64();
        async Task<bool> AwaitedAsync(string reference) => (await (await admin.GetAsync("/api/admin/bank-transfers")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Any(t => t.GetProperty("reference").GetString() == reference);
        var funding = await a.FundAsync(0);
        var reference = funding.GetProperty("reference").GetString()!;
        Assert.Equal(450_000, funding.GetProperty("programmeMinor").GetInt64());
        Assert.Equal(450_000, await CommittedAsync());
        await Engagements.EventuallyAsync(() => AwaitedAsync(reference), "the transfer listed");
        var m0 = (await a.EngagementAsync()).Milestone(0);
        var heldUntil = m0.GetProperty("programmeHeldUntil").GetDateTimeOffset();
        Assert.Equal(m0.GetProperty("fundingRequestedAt").GetDateTimeOffset().AddDays(14), heldUntil);
        await Engagements.EventuallyAsync(() => Task.FromResult(jobs.Scheduled(a.NeedId).Any(j => j.Value.Job.Method.Name == nameof(PaymentJobs.LapseFundingAsync))),
            "the lapse scheduled by the request's follow-up");
        var lapse = jobs.Scheduled(a.NeedId).First(j => j.Value.Job.Method.Name == nameof(PaymentJobs.LapseFundingAsync));
        Assert.Equal(heldUntil, new DateTimeOffset(lapse.Value.EnqueueAt, TimeSpan.Zero), TimeSpan.FromMinutes(2));
        using (var page = await ReceiptTests.PagesAsync(Host, a.Sme))
        {
            var html = WebUtility.HtmlDecode(await page.GetStringAsync($"/engagements/{a.NeedId}"));
            var held = System.Text.RegularExpressions.Regex.Replace( // and for how long
                System.Text.RegularExpressions.Regex.Match(html, "vous réserve cette part jusqu'au (.*?)\\. Payez").Groups[1].Value, "<[^>]+>", "");
            // One amount and one date to go by: the next step names the SME's share, not the milestone's 15.000, and the
            // transfer's "pay by" is the day the hold ends (it was the reminder's day, another date).
            var whatNext = System.Text.RegularExpressions.Regex.Match(html, "id=\"what-next\">(.*?)</p>").Groups[1].Value;
            Assert.Contains("10.500", whatNext);
            Assert.DoesNotContain("15.000", whatNext);
            // The day before the hold ends, leaving the transfer a day to arrive.
            var payBy = System.Text.RegularExpressions.Regex.Match(html, "<dd id=\"pay-by-0\">([^<]+)</dd>").Groups[1].Value;
            Assert.Equal(Languages.Formats.For("fr").Date(Languages.Formats.Today(heldUntil).AddDays(-1)), payBy);
            Assert.StartsWith(Languages.Formats.For("fr").Date(heldUntil), held);
        }

        await Payments.LapseFundingAsync(a.NeedId, 0, 0); // not due yet: nothing
        Assert.Equal(450_000, await CommittedAsync());
        jobs.Time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        await Payments.LapseFundingAsync(a.NeedId, 0, 0);
        await Payments.LapseFundingAsync(a.NeedId, 0, 0);
        Assert.Equal(0, await CommittedAsync()); // given back once
        var lapsed = (await Engagements.EngagementAsync(Host, a.NeedId)).Milestone(0);
        Assert.Equal("awaiting-funding", lapsed.Status());
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, 0), (lapsed.GetProperty("paymentId").ValueKind, lapsed.GetProperty("programmeHeldUntil").ValueKind,
            lapsed.GetProperty("funding").GetArrayLength()));
        Assert.Equal(JsonValueKind.String, lapsed.GetProperty("fundingLapsedAt").ValueKind);
        await Engagements.EventuallyAsync(async () => !await AwaitedAsync(reference), "the transfer off the admins' list");
        var email = Assert.Single(await jobs.EmailsAsync(a.Sme.Email, "funding-lapsed"));
        Assert.Contains("la part du programme (4.500 MAD) est retournée à son budget", email.GetProperty("text").GetString()); // in fr-MA's format
        Assert.Contains($"/engagements/{a.NeedId}", email.GetProperty("text").GetString());
        // An e-mail that always goes offers no unsubscribe link, nor the header a mail client's button would post to in vain.
        Assert.DoesNotContain("/unsubscribe", email.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, email.GetProperty("listUnsubscribe").ValueKind);
        using (var page = await ReceiptTests.PagesAsync(Host, a.Sme))
        {
            var html = WebUtility.HtmlDecode(await page.GetStringAsync($"/engagements/{a.NeedId}")); // read again after the lapse: what happened, and the buttons to ask again
            Assert.Contains("Votre demande de financement n'a pas été payée et a expiré le", html);
            Assert.Contains("name=\"method\" value=\"bank-transfer\"", html);
        }

        a = a with { Sme = await Host.SignInAsync(a.Sme) }; // two weeks later: the SME's API token has expired
        var again = await a.FundAsync(0);
        Assert.Equal((reference, 1_050_000L, 450_000L), (again.GetProperty("reference").GetString(), again.GetProperty("amountMinor").GetInt64(), again.GetProperty("programmeMinor").GetInt64()));
        Assert.Equal(450_000, await CommittedAsync()); // granted again, counted once
        Assert.Equal(2, (await jobs.EmailsAsync(a.Sme.Email, "funding-instructions", atLeast: 2)).Count); // the new request's own instructions
        await Payments.LapseFundingAsync(a.NeedId, 0, 0); // the first round's job, late: nothing
        await Engagements.ConfirmAsync(Host, again);
        var funded = (await Engagements.UntilAsync(Host, a.NeedId, 0, "funded")).Milestone(0);
        Assert.Equal(["sme:1050000:paid", "programme:450000:paid"], funded.GetProperty("funding").EnumerateArray()
            .Select(f => $"{f.GetProperty("source").GetString()}:{f.GetProperty("amountMinor").GetInt64()}:{f.GetProperty("status").GetString()}"));
        Assert.Equal(-450_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))[$"programme:{programme}"]);
        Assert.Equal(450_000, await CommittedAsync());
    }
}
