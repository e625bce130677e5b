using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>Delivery through the SendGrid client to a local endpoint answering 202, 429 with a reset, 500 and slowly.</summary>
[Collection(SqliteJobsHost.Name)]
public sealed class SendGridDeliveryTests(SqliteJobsHost jobs)
{
    private IGrainFactory Grains => jobs.Service<IGrainFactory>();

    private async Task<(string AccountId, string Email)> AccountAsync(string language)
    {
        var email = $"person-{Guid.NewGuid():N}@example.ma";
        var (id, _) = await Grains.GetGrain<ISignInGrain>(email).SignUpAsync(new NewAccount(email, Roles.Startup, "Person", language, []));
        return (id, email);
    }

    private static Dictionary<string, string> Values(string title) => new()
    {
        ["title"] = title, ["startup"] = "Web Atlas", ["price"] = "30 000", ["duration"] = "60", ["link"] = "https://jazari.test/needs/x",
    };

    [Fact]
    public async Task Every_message_arrives_exactly_once_in_its_language_with_the_unsubscribe_header_through_429_500_and_slow_answers()
    {
        var people = new List<(string AccountId, string Email, string Language)>();
        foreach (var language in Enumerable.Range(0, 12).Select(i => Reference.Languages[i % 3]))
        {
            var (id, email) = await AccountAsync(language);
            people.Add((id, email, language));
        }
        jobs.SendGrid.Then(new FakeSendGrid.RateLimited(TimeSpan.FromSeconds(1)), new FakeSendGrid.ServerError(),
            new FakeSendGrid.Slow(TimeSpan.FromSeconds(1)), new FakeSendGrid.ServerError(), new FakeSendGrid.RateLimited(TimeSpan.FromSeconds(1)));
        var notifier = jobs.Service<Notifier>();
        foreach (var p in people) await notifier.NotifyAsync(p.AccountId, NotificationKinds.BidReceived, "bid:b-1:received", Values("Boutique"));

        foreach (var p in people)
        {
            var email = Assert.Single(await jobs.EmailsAsync(p.Email, NotificationKinds.BidReceived));
            Assert.Equal(p.Language, email.GetProperty("language").GetString());
            Assert.Contains($"lang=\"{p.Language}\" dir=\"{(p.Language == "ar" ? "rtl" : "ltr")}\"", email.GetProperty("html").GetString());
            Assert.Contains("account=" + p.AccountId, email.GetProperty("listUnsubscribe").GetString());
            Assert.Equal(1, jobs.SendGrid.AcceptedByKey[$"{p.AccountId}/bid:b-1:received"]);
        }
    }

    [Fact]
    public async Task A_job_killed_mid_send_and_retried_sends_once_and_no_other_attempt_sends_meanwhile()
    {
        var (accountId, email) = await AccountAsync("fr");
        var key = $"bid:{Guid.NewGuid():N}:received";
        await Grains.GetGrain<IAccountNotificationsGrain>(accountId)
            .RecordAsync(new Notification(key, NotificationKinds.BidReceived, Values("Site vitrine"), jobs.Time.GetUtcNow()));
        var delivery = jobs.Service<DeliveryJobs>();

        jobs.SendGrid.Then(new FakeSendGrid.Slow(TimeSpan.FromSeconds(5)));
        using (var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivery.SendAttemptAsync(accountId, key, "job-7", kill.Token));
        await Assert.ThrowsAsync<MarketplaceException>(() => delivery.SendAttemptAsync(accountId, key, "job-8", CancellationToken.None));

        await delivery.SendAttemptAsync(accountId, key, "job-7", CancellationToken.None); // Hangfire retries the same job
        await delivery.SendAttemptAsync(accountId, key, "job-7", CancellationToken.None); // and once more after it finished
        Assert.Single(jobs.Emails(email, NotificationKinds.BidReceived));
        Assert.Equal(1, jobs.SendGrid.AcceptedByKey[$"{accountId}/{key}"]);
    }

    [Fact]
    public async Task An_e_mail_held_by_the_attempt_of_a_host_that_died_goes_when_that_lease_ends_once()
    {
        var (accountId, email) = await AccountAsync("fr");
        var key = $"bid:{Guid.NewGuid():N}:received";
        var notifications = Grains.GetGrain<IAccountNotificationsGrain>(accountId);
        await notifications.RecordAsync(new Notification(key, NotificationKinds.BidReceived, Values("Boutique"), jobs.Time.GetUtcNow()));
        var lease = jobs.Service<NotificationSettings>().SendLease;
        await notifications.BeginSendAsync(key, "job-of-a-dead-host", jobs.Time.GetUtcNow() + lease); // killed before SendGrid answered

        var delivery = jobs.Service<DeliveryJobs>();
        await delivery.SendAsync(accountId, key, null, CancellationToken.None); // the follow-up run again after the restart: no error, no e-mail yet
        Assert.Empty(jobs.Emails(email, NotificationKinds.BidReceived));
        var monitor = jobs.Service<JobStorage>().GetMonitoringApi();
        var next = Assert.Single(monitor.ScheduledJobs(0, 1000), j => j.Value.Job?.Args.Contains(accountId) == true);
        Assert.InRange(next.Value.EnqueueAt, DateTime.UtcNow + lease - TimeSpan.FromSeconds(30), DateTime.UtcNow + lease + TimeSpan.FromSeconds(5));

        jobs.Time.Advance(lease); // the dead attempt's lease ends
        jobs.Service<IBackgroundJobClient>().Requeue(next.Key);
        Assert.Single(await jobs.EmailsAsync(email, NotificationKinds.BidReceived));
        Assert.Equal(1, jobs.SendGrid.AcceptedByKey[$"{accountId}/{key}"]);
    }

    [Fact]
    public async Task A_send_still_running_at_the_end_of_its_lease_is_cut_off_and_the_next_attempt_sends_once()
    {
        var (accountId, email) = await AccountAsync("fr");
        var key = $"bid:{Guid.NewGuid():N}:received";
        await Grains.GetGrain<IAccountNotificationsGrain>(accountId)
            .RecordAsync(new Notification(key, NotificationKinds.BidReceived, Values("Boutique"), jobs.Time.GetUtcNow()));
        var delivery = jobs.Service<DeliveryJobs>();
        jobs.SendGrid.Then(new FakeSendGrid.Slow(TimeSpan.FromSeconds(20)));
        var before = jobs.SendGrid.Requests;

        var slow = delivery.SendAttemptAsync(accountId, key, "job-20", CancellationToken.None);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); jobs.SendGrid.Requests == before && DateTime.UtcNow < deadline;) await Task.Delay(20);
        jobs.Time.Advance(jobs.Service<NotificationSettings>().SendLease); // the lease runs out while SendGrid has not answered
        await Assert.ThrowsAsync<EmailNotSentException>(() => slow);

        await delivery.SendAttemptAsync(accountId, key, "job-21", CancellationToken.None); // another worker takes it over
        Assert.Single(await jobs.EmailsAsync(email, NotificationKinds.BidReceived));
        Assert.Equal(1, jobs.SendGrid.AcceptedByKey[$"{accountId}/{key}"]);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_kept_and_retried_by_hangfire_then_sent_once()
    {
        var (accountId, email) = await AccountAsync("en");
        jobs.SendGrid.Then(new FakeSendGrid.ServerError(), new FakeSendGrid.ServerError(), new FakeSendGrid.ServerError());
        await jobs.Service<Notifier>().NotifyAsync(accountId, NotificationKinds.BidReceived, "bid:b-2:received", Values("ERP"));

        var monitor = jobs.Service<JobStorage>().GetMonitoringApi();
        string? jobId = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); jobId is null && DateTime.UtcNow < deadline; await Task.Delay(100))
            jobId = monitor.ScheduledJobs(0, 1000).FirstOrDefault(j => j.Value.Job?.Args.Contains(accountId) == true).Key;
        Assert.NotNull(jobId);
        Assert.Contains(monitor.JobDetails(jobId).History, h => h.StateName == "Failed" || h.Reason?.StartsWith("Retry attempt 1 of 10") == true);
        Assert.Empty(jobs.Emails(email, NotificationKinds.BidReceived));

        jobs.Service<IBackgroundJobClient>().Requeue(jobId);
        Assert.Single(await jobs.EmailsAsync(email, NotificationKinds.BidReceived));
        Assert.Equal(1, jobs.SendGrid.AcceptedByKey[$"{accountId}/bid:b-2:received"]);
    }

    [Fact]
    public async Task The_outbox_writes_a_message_once_per_key()
    {
        var folder = Directory.CreateTempSubdirectory("jazari-outbox-").FullName;
        var outbox = new Outbox(folder);
        var message = new OutgoingEmail("a@example.ma", "Objet", "Texte", "<p>Texte</p>", "fr", "bid-received", DateTimeOffset.UtcNow) { Key = "acc-1/bid:b:received" };
        await outbox.SendAsync(message);
        await outbox.SendAsync(message);
        Assert.Single(Directory.GetFiles(folder, "*.json"));
        Directory.Delete(folder, recursive: true);
    }
}
