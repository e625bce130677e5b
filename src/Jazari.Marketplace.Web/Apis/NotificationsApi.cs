using System.Net;
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
        routes.MapGet("/api/notifications/unsubscribe", ConfirmUnsubscribe).AllowAnonymous().WithTags("Notifications");
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

    /// <summary>
    /// Opening the link shows one button: a GET changes nothing, because mail scanners open links too (RFC 8058).
    /// </summary>
    private static Results<ContentHttpResult, NotFound> ConfirmUnsubscribe(string? account, string? kind, string? sig, LinkSigner signer)
    {
        if (!ValidLink(account, kind, sig, signer)) return TypedResults.NotFound();
        var action = WebUtility.HtmlEncode($"?account={Uri.EscapeDataString(account!)}&kind={Uri.EscapeDataString(kind!)}&sig={Uri.EscapeDataString(sig!)}");
        return TypedResults.Content($"""
            <!doctype html><html><body style="font-family:sans-serif"><form method="post" action="{action}">
            <button type="submit">Unsubscribe · Se désabonner · <span dir="rtl">إلغاء الاشتراك</span></button></form></body></html>
            """, "text/html");
    }

    /// <summary>The button of the link's page, and RFC 8058 one-click POSTs from mail clients.</summary>
    private static async Task<Results<ContentHttpResult, NotFound>> Unsubscribe(string? account, string? kind, string? sig, LinkSigner signer, IGrainFactory grains)
    {
        if (!ValidLink(account, kind, sig, signer)) return TypedResults.NotFound();
        await grains.GetGrain<IAccountNotificationsGrain>(account!).UnsubscribeAsync(kind == "all" ? null : kind);
        return TypedResults.Content("<!doctype html><html><body><p>Unsubscribed · Désabonné · <span dir=\"rtl\">تم إلغاء الاشتراك</span></p></body></html>", "text/html");
    }

    private static bool ValidLink(string? account, string? kind, string? sig, LinkSigner signer) =>
        account is not null && kind is not null && (kind == "all" || NotificationKinds.Choosable.Contains(kind))
        && signer.Verify(DeliveryJobs.UnsubscribeValue(account, kind), sig);

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
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > settings.WebhookMaxAge.TotalSeconds)
            return TypedResults.BadRequest("Missing or stale timestamp.");
        if (!Verify(publicKey, payload, signature, timestamp)) return TypedResults.BadRequest("Bad signature.");

        List<JsonElement> events;
        try { events = JsonSerializer.Deserialize<List<JsonElement>>(payload) ?? []; }
        catch (JsonException) { return TypedResults.BadRequest("Not a JSON array of events."); }
        foreach (var e in events)
        {
            var kind = e.TryGetProperty("event", out var k) ? k.GetString() : null;
            var email = e.TryGetProperty("email", out var m) ? m.GetString()?.Trim().ToLowerInvariant() : null;
            if (!StoppingEvents.Contains(kind) || string.IsNullOrEmpty(email)) continue;
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
