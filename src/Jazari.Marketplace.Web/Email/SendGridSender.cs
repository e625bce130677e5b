using System.Net;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Jazari.Marketplace.Web.Email;

/// <summary>
/// Sends through SendGrid's v3 mail API. SendGrid's client retries nothing by itself: a 429 waits for
/// <c>X-RateLimit-Reset</c> (up to <see cref="SendGridSettings.MaxRateLimitWait"/>), 5xx and timeouts back off
/// and try again up to <see cref="SendGridSettings.Attempts"/> times; then the call throws and Hangfire retries the job.
/// </summary>
public sealed class SendGridSender(SendGridSettings settings, ILogger<SendGridSender> logger) : IEmailSender
{
    // X-RateLimit-Reset is SendGrid's wall clock, and waits are real waits: not the host's (possibly fake) TimeProvider.
    private static readonly TimeProvider time = TimeProvider.System;
    private const int MaxRateLimitWaits = 10;

    private readonly SendGridClient client = new(
        new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
        new SendGridClientOptions { ApiKey = settings.ApiKey, Host = settings.Host ?? "https://api.sendgrid.com" });

    /// <summary>
    /// Sends within <paramref name="cancellation"/>: the delivery job bounds it by the time left on its lease, so every
    /// try, back-off and rate-limit wait stops there (and the job is retried) rather than outlive the lease.
    /// </summary>
    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellation = default)
    {
        email.EnsureHeadersAreSingleLines();
        var message = Message(email);
        var rateLimited = 0;
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(settings.Timeout);
            Response response;
            try
            {
                response = await client.SendEmailAsync(message, timeout.Token);
            }
            catch (Exception failure) when (!cancellation.IsCancellationRequested && failure is OperationCanceledException or HttpRequestException)
            {
                await BackOffOrThrowAsync(attempt, $"no answer ({failure.GetType().Name})", email, cancellation);
                continue;
            }
            if (response.IsSuccessStatusCode) return;
            var body = await response.Body.ReadAsStringAsync(cancellation);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = RateLimitWait(response);
                if (wait > settings.MaxRateLimitWait || ++rateLimited > MaxRateLimitWaits)
                    throw new EmailNotSentException($"SendGrid rate limit: reset in {wait}, after {rateLimited} waits; the job will retry.");
                logger.LogInformation("SendGrid rate limit; waiting {Wait} before sending {Key}", wait, email.Key);
                await Task.Delay(wait, time, cancellation);
                attempt--; // a rate limit is not a failure of the message
                continue;
            }
            if ((int)response.StatusCode >= 500)
            {
                await BackOffOrThrowAsync(attempt, $"{(int)response.StatusCode} {body}", email, cancellation);
                continue;
            }
            throw new EmailNotSentException($"SendGrid refused {email.Key}: {(int)response.StatusCode} {body}");
        }
    }

    private async Task BackOffOrThrowAsync(int attempt, string why, OutgoingEmail email, CancellationToken cancellation)
    {
        if (attempt >= settings.Attempts)
            throw new EmailNotSentException($"SendGrid did not accept {email.Key} after {attempt} attempts: {why}");
        var wait = settings.FirstBackoff * Math.Pow(2, attempt - 1);
        logger.LogWarning("SendGrid attempt {Attempt} for {Key} failed ({Why}); retrying in {Wait}", attempt, email.Key, why, wait);
        await Task.Delay(wait, time, cancellation);
    }

    private TimeSpan RateLimitWait(Response response)
    {
        var reset = response.Headers.TryGetValues("X-RateLimit-Reset", out var values) && long.TryParse(values.FirstOrDefault(), out var epoch)
            ? DateTimeOffset.FromUnixTimeSeconds(epoch) - time.GetUtcNow()
            : settings.FirstBackoff;
        return reset < TimeSpan.Zero ? TimeSpan.Zero : reset;
    }

    private SendGridMessage Message(OutgoingEmail email)
    {
        var message = MailHelper.CreateSingleEmail(new EmailAddress(settings.FromEmail, settings.FromName),
            new EmailAddress(email.To), email.Subject, email.Text, email.Html);
        message.AddCustomArg("key", email.Key);
        message.AddCustomArg("kind", email.Kind);
        if (email.UnsubscribeUrl is { } url)
        {
            message.AddHeader("List-Unsubscribe", $"<{url}>");
            message.AddHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        return message;
    }
}

public sealed class EmailNotSentException(string message) : Exception(message);

public sealed class SendGridSettings
{
    public string? ApiKey { get; set; }
    /// <summary>SendGrid's API address; tests point it at a local endpoint.</summary>
    public string? Host { get; set; }
    public string FromEmail { get; set; } = "no-reply@jazari.ma";
    public string FromName { get; set; } = "Jazari Marketplace";
    public int Attempts { get; set; } = 3;
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The event webhook's verification key (base64 of the ECDSA public key, as SendGrid shows it).</summary>
    public string? WebhookPublicKey { get; set; }
    public TimeSpan WebhookMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    public static SendGridSettings From(IConfiguration config) => config.GetSection("SendGrid").Get<SendGridSettings>() ?? new();
}
