using System.Security.Claims;
using System.Text.Json;
using EllipticCurve;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using SendGrid.Helpers.EventWebhook;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Notification preferences, the one-click unsubscribe link, SendGrid's event webhook, the dashboard link.</summary>
public static class NotificationsApi
{
    private static readonly string[] StoppingEvents = ["bounce", "dropped", "spamreport"];

    public static void MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/me/notifications").WithTags("Notifications").RequireAuthorization();
        me.MapGet("/", Preferences);
        me.MapPut("/", SetPreferences);
        routes.MapGet("/api/notifications/unsubscribe", OpenUnsubscribePage).AllowAnonymous().WithTags("Notifications");
        routes.MapPost("/api/notifications/unsubscribe", Unsubscribe).AllowAnonymous().WithTags("Notifications");
        routes.MapPost("/api/webhooks/sendgrid", SendGridEvents).AllowAnonymous().WithTags("Notifications");
        routes.MapPost("/api/admin/hangfire-link", JobsDashboardLink)
            .RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Admin");
    }

    private static async Task<Ok<PreferencesResponse>> Preferences(ClaimsPrincipal user, NotificationCommands notifications) =>
        TypedResults.Ok(await notifications.PreferencesAsync(user.Caller()));

    private static async Task<Ok<PreferencesResponse>> SetPreferences(PreferencesInput body, ClaimsPrincipal user, NotificationCommands notifications) =>
        TypedResults.Ok(await notifications.SetPreferencesAsync(user.Caller(), body));

    private static async Task<Ok<JobsLink>> JobsDashboardLink(ClaimsPrincipal user, AdminCommands admin) =>
        TypedResults.Ok(new JobsLink(await admin.JobsDashboardLinkAsync(user.Caller())));

    public sealed record JobsLink(string Url);

    /// <summary>The page an e-mail's unsubscribe link opens in a browser (<see cref="Pages.UnsubscribeModel"/>).</summary>
    public const string UnsubscribePage = "/unsubscribe";

    /// <summary>
    /// The e-mail's link opened in a browser (or by a mail scanner): sent on, with its query, to the page that shows what
    /// would stop and one button, in the e-mail's language. A GET changes nothing, because mail scanners open links too (RFC 8058).
    /// </summary>
    private static RedirectHttpResult OpenUnsubscribePage(HttpRequest request) => TypedResults.Redirect(UnsubscribePage + request.QueryString);

    /// <summary>
    /// RFC 8058 one-click POSTs from mail clients (<c>List-Unsubscribe-Post</c>): 200 once the kind is off, 404 for a link
    /// the marketplace did not sign. A browser (it asks for HTML) is sent on to the page, which shows the outcome in its language.
    /// </summary>
    private static async Task<Results<Ok, NotFound, RedirectHttpResult>> Unsubscribe(string? account, string? kind, string? sig, HttpRequest request, LinkSigner signer, IGrainFactory grains)
    {
        var browser = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (DeliveryJobs.CanTurnOff(account, kind, sig, signer))
            await grains.GetGrain<IAccountNotificationsGrain>(account!).UnsubscribeAsync(kind == DeliveryJobs.UnsubscribeAll ? null : kind);
        else if (!browser)
            return TypedResults.NotFound();
        return browser ? TypedResults.Redirect(UnsubscribePage + request.QueryString) : TypedResults.Ok();
    }

    /// <summary>
    /// SendGrid's signed event webhook. The SDK's check covers the signature only: the timestamp must also be
    /// within <see cref="SendGridSettings.WebhookMaxAge"/>, so a captured request cannot be replayed later.
    /// </summary>
    private static async Task<Results<Ok, BadRequest<string>, NotFound>> SendGridEvents(HttpRequest request, SendGridSettings settings, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        if (settings.WebhookPublicKey is not { Length: > 0 } publicKey) return TypedResults.NotFound();
        using var reader = new StreamReader(request.Body);
        var payload = await reader.ReadToEndAsync();
        var signature = request.Headers[RequestValidator.SIGNATURE_HEADER].ToString();
        var timestamp = request.Headers[RequestValidator.TIMESTAMP_HEADER].ToString();
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs((double)time.GetUtcNow().ToUnixTimeSeconds() - seconds) > settings.WebhookMaxAge.TotalSeconds)
            return TypedResults.BadRequest("Missing or stale timestamp.");
        if (!Verify(publicKey, payload, signature, timestamp)) return TypedResults.BadRequest("Bad signature.");

        List<JsonElement> events;
        try { events = JsonSerializer.Deserialize<List<JsonElement>>(payload) ?? []; }
        catch (JsonException) { return TypedResults.BadRequest("Not a JSON array of events."); }
        foreach (var e in events)
        {
            var kind = e.TryGetProperty("event", out var k) ? k.GetString() : null;
            var typed = e.TryGetProperty("email", out var m) ? m.GetString() : null;
            if (!StoppingEvents.Contains(kind) || string.IsNullOrWhiteSpace(typed)) continue;
            // The account of the address however SendGrid writes it (a punycode domain...), kept in its one form.
            var check = new Application.Checks();
            var canonical = check.Email("email", typed);
            if (check.Failed) continue; // no address of ours
            var email = await Application.AuthCommands.SignInKeyAsync(grains, canonical, typed);
            if (await grains.GetGrain<ISignInGrain>(email).GetAccountIdAsync() is { } accountId)
                await grains.GetGrain<IAccountNotificationsGrain>(accountId).StopEmailAsync(kind!);
        }
        return TypedResults.Ok();
    }

    private static bool Verify(string publicKey, string payload, string signature, string timestamp)
    {
        try
        {
            var validator = new RequestValidator();
            return validator.VerifySignature(validator.ConvertPublicKeyToECDSA(publicKey), payload, signature, timestamp);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return false;
        }
    }
}
