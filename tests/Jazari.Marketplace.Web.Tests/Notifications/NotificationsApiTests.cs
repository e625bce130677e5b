using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>Preferences, the signed unsubscribe link, the daily digest, SendGrid's event webhook and the dashboard's access.</summary>
[Collection(SqliteJobsHost.Name)]
public sealed class NotificationsApiTests(SqliteJobsHost jobs)
{
    [Fact]
    public async Task Preferences_default_to_immediate_and_take_only_known_kinds_and_deliveries()
    {
        var person = await jobs.Host.SignUpAsync("startup");
        var defaults = await (await person.Client.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK);
        Assert.All(NotificationKinds.Choosable, k => Assert.Equal("immediate", defaults.GetProperty("kinds").GetProperty(k).GetString()));

        var saved = await (await person.Client.PutAsJsonAsync("/api/me/notifications", new { kinds = new { weeklyNeeds = "off" } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEqual(default, saved);
        await (await person.Client.PutAsJsonAsync("/api/me/notifications", new Dictionary<string, object> { ["kinds"] = new Dictionary<string, string> { ["need-match"] = "weekly" } })).Problem(HttpStatusCode.BadRequest);
        var updated = await (await person.Client.PutAsJsonAsync("/api/me/notifications", new Dictionary<string, object> { ["kinds"] = new Dictionary<string, string> { ["need-match"] = "digest" } })).Json(HttpStatusCode.OK);
        Assert.Equal("digest", updated.GetProperty("kinds").GetProperty("need-match").GetString());
    }

    [Fact]
    public async Task The_weekly_list_of_open_needs_comes_each_week_or_not_at_all_and_is_not_offered_at_once_nor_in_a_digest()
    {
        var (founder, _) = await Api.StartupAsync(jobs.Host);
        using var pages = await Payments.ReceiptTests.PagesAsync(jobs.Host, founder);
        var page = await pages.GetStringAsync("/account/notifications");
        Assert.DoesNotContain("name=\"kinds[weekly-needs]\" value=\"digest\"", page);
        Assert.Contains("name=\"kinds[weekly-needs]\" value=\"immediate\"", page);
        Assert.Contains("chaque semaine", page); // said where the eye lands, not "at once"
        Assert.Contains("name=\"kinds[need-match]\" value=\"digest\"", page); // the others keep their three choices
    }

    [Fact]
    public async Task The_unsubscribe_link_of_an_email_turns_that_kind_off_and_a_tampered_link_does_nothing()
    {
        var (startup, _) = await jobs.StartupAsync("website", ["*"]);
        await jobs.OpenNeedAsync("website", "Oriental");
        var email = Assert.Single(await jobs.EmailsAsync(startup.Email, "need-match"));
        var link = email.GetProperty("listUnsubscribe").GetString()!.Trim('<', '>').Replace("https://jazari.test", "");
        Assert.Contains(link, email.GetProperty("text").GetString()!);

        using var anonymous = jobs.Host.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(link.Replace("kind=need-match", "kind=all"), null)).StatusCode);
        var page = await anonymous.GetAsync(link); // opening the link (or a mail scanner) changes nothing
        Assert.Contains("method=\"post\"", await page.Content.ReadAsStringAsync());
        Assert.Equal("immediate", (await (await startup.Client.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK)).GetProperty("kinds").GetProperty("need-match").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync(link, new StringContent("List-Unsubscribe=One-Click"))).StatusCode);
        var preferences = await (await startup.Client.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK);
        Assert.Equal("off", preferences.GetProperty("kinds").GetProperty("need-match").GetString());
        Assert.Equal("immediate", preferences.GetProperty("kinds").GetProperty("bid-accepted").GetString());
    }

    [Fact]
    public async Task Kinds_chosen_for_the_digest_wait_for_it_and_go_out_in_one_email()
    {
        var (startup, _) = await jobs.StartupAsync("digital-marketing", ["*"], "ar");
        (await startup.Client.PutAsJsonAsync("/api/me/notifications", new Dictionary<string, object> { ["kinds"] = new Dictionary<string, string> { ["need-match"] = "digest" } })).EnsureSuccessStatusCode();
        var (_, first) = await jobs.OpenNeedAsync("digital-marketing", "Oriental");
        var (_, second) = await jobs.OpenNeedAsync("digital-marketing", "Souss-Massa");
        // Both needs' follow-ups done (their matches recorded for the digest): a follow-up retried after a timeout is
        // a scheduled job, which a settled queue does not show.
        await jobs.Host.FollowedUpAsync(first);
        await jobs.Host.FollowedUpAsync(second);
        await jobs.SettleAsync();
        Assert.Empty(jobs.Emails(startup.Email, "need-match"));
        var next = jobs.Service<NotificationSettings>().NextDigestAt(jobs.Time.GetUtcNow());
        Assert.Contains(jobs.Scheduled(startup.AccountId), j => j.Value.Job.Method.Name == nameof(DeliveryJobs.SendDigestAsync)
            && Math.Abs((new DateTimeOffset(j.Value.EnqueueAt, TimeSpan.Zero) - next).TotalSeconds) < 1);

        await jobs.Service<DeliveryJobs>().SendDigestAsync(startup.AccountId);
        await jobs.Service<DeliveryJobs>().SendDigestAsync(startup.AccountId);
        var digest = Assert.Single(await jobs.EmailsAsync(startup.Email, "digest"));
        Assert.Equal(2, digest.GetProperty("text").GetString()!.Split('\n').Count(l => l.StartsWith('•')));
        Assert.Contains("dir=\"rtl\"", digest.GetProperty("html").GetString());
    }

    private HttpRequestMessage SignedEvents(string payload, DateTimeOffset at, ECDsa? key = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString();
        var signature = (key ?? jobs.WebhookKey).SignData(Encoding.UTF8.GetBytes(timestamp + payload), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sendgrid") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        return request;
    }

    [Fact]
    public async Task A_signed_bounce_stops_email_to_the_address_once_and_bad_or_stale_signatures_are_refused()
    {
        var person = await jobs.Host.SignUpAsync("sme");
        var payload = $$"""[{"email":"{{person.Email}}","event":"bounce","sg_event_id":"e1","timestamp":1}]""";
        using var anonymous = jobs.Host.Anonymous();

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(SignedEvents(payload, jobs.Time.GetUtcNow(), otherKey))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(SignedEvents(payload, jobs.Time.GetUtcNow().AddMinutes(-30)))).StatusCode);
        var absurd = SignedEvents(payload, jobs.Time.GetUtcNow());
        absurd.Headers.Remove("X-Twilio-Email-Event-Webhook-Timestamp");
        absurd.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", "99999999999999");
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(absurd)).StatusCode);
        // now − (now − 2^63) overflowed to long.MinValue, whose absolute value threw: a 500 for anybody.
        var overflowing = SignedEvents(payload, jobs.Time.GetUtcNow());
        overflowing.Headers.Remove("X-Twilio-Email-Event-Webhook-Timestamp");
        overflowing.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", (jobs.Time.GetUtcNow().ToUnixTimeSeconds() + long.MinValue).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(overflowing)).StatusCode);
        var tampered = SignedEvents(payload, jobs.Time.GetUtcNow());
        tampered.Content = new StringContent(payload.Replace("bounce", "delivered"));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.SendAsync(tampered)).StatusCode);
        var untouched = await (await person.Client.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK);
        Assert.False(untouched.GetProperty("emailStopped").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(SignedEvents(payload, jobs.Time.GetUtcNow()))).StatusCode);
        var spam = payload.Replace("bounce", "spamreport");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(SignedEvents(spam, jobs.Time.GetUtcNow()))).StatusCode);
        var stopped = await (await person.Client.GetAsync("/api/me/notifications")).Json(HttpStatusCode.OK);
        Assert.True(stopped.GetProperty("emailStopped").GetBoolean());
        Assert.Equal("bounce", stopped.GetProperty("emailStoppedReason").GetString());
        var recorded = await jobs.Service<IGrainFactory>().GetGrain<IAccountNotificationsGrain>(person.AccountId)
            .RecordAsync(new Notification("need:n:few-bids", NotificationKinds.FewBids, new Dictionary<string, string>(), jobs.Time.GetUtcNow()));
        Assert.Equal(Delivery.Off, recorded.Delivery);
    }

    [Fact]
    public async Task The_dashboard_opens_to_the_admin_token_or_a_one_time_code_exchanged_for_a_cookie()
    {
        using var anonymous = jobs.Host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hangfire")).StatusCode);
        var startup = await jobs.Host.SignUpAsync("startup");
        Assert.Equal(HttpStatusCode.Forbidden, (await startup.Client.GetAsync("/hangfire")).StatusCode);
        await (await startup.Client.PostAsync("/api/admin/hangfire-link", null)).Problem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await jobs.Host.Admin().GetAsync("/hangfire")).StatusCode);

        var link = (await (await jobs.Host.Admin().PostAsync("/api/admin/hangfire-link", null)).Json(HttpStatusCode.OK)).GetProperty("url").GetString()!;
        Assert.StartsWith("/hangfire-enter?code=", link);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(link[..^3] + "AAA")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hangfire?access=99999999999999.x")).StatusCode);
        // The code itself opens nothing: not as the dashboard's query, not as its cookie.
        var code = link.Split("code=")[1];
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/hangfire?access={code}&code={code}")).StatusCode);
        using var browser = jobs.Host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link)).StatusCode); // exchanged for the cookie, then the dashboard
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/hangfire/jobs/scheduled")).StatusCode); // by the cookie
        using var second = jobs.Host.Anonymous();
        var reused = await second.GetAsync(link); // once only: a reload of the link says so, in the reader's language, and where to ask again
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        var said = System.Net.WebUtility.HtmlDecode(await reused.Content.ReadAsStringAsync());
        Assert.Contains("Lien utilisé ou expiré", said);
        Assert.Contains("href=\"/admin\"", said);
        Assert.Contains(">Administration</a>", said); // the button named for where it leads, not "try again"
        var raced = (await (await jobs.Host.Admin().PostAsync("/api/admin/hangfire-link", null)).Json(HttpStatusCode.OK)).GetProperty("url").GetString()!;
        var clients = Enumerable.Range(0, 8).Select(_ => jobs.Host.Anonymous()).ToList();
        var answers = await Task.WhenAll(clients.Select(c => c.GetAsync(raced))); // the same link opened eight times at once: one enters
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        clients.ForEach(c => c.Dispose());
        var late = (await (await jobs.Host.Admin().PostAsync("/api/admin/hangfire-link", null)).Json(HttpStatusCode.OK)).GetProperty("url").GetString()!;
        jobs.Time.Advance(TimeSpan.FromMinutes(3));
        using var third = jobs.Host.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await third.GetAsync(late)).StatusCode); // a code lives two minutes
        jobs.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/hangfire/jobs/scheduled")).StatusCode);
        // Its hour over, a reload in the browser says where to get a new link, in the reader's language (not a problem in English).
        using var reload = new HttpRequestMessage(HttpMethod.Get, "/hangfire/jobs/scheduled");
        reload.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var expired = await browser.SendAsync(reload);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        var page = System.Net.WebUtility.HtmlDecode(await expired.Content.ReadAsStringAsync());
        Assert.Contains("Le tableau des tâches demande un nouveau lien", page);
        Assert.Contains("href=\"/admin\"", page);
    }
}
