using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Jazari.Marketplace.Tests;

/// <summary>
/// Stripe webhook events for the tests, signed as Stripe signs them. The data objects come from
/// <see cref="StripeServer"/> (<c>CompleteCheckout</c>, <c>FailCheckoutPayment</c>, <c>EnablePayouts</c>, <c>Object</c>,
/// <c>Dispute</c>) so that an event carries the same ids and amounts as the API calls did.
/// </summary>
public static class StripeEvents
{
    /// <summary>Stripe.net 53.1.0's <c>StripeConfiguration.ApiVersion</c> (a test checks it): <c>EventUtility.ConstructEvent</c>
    /// refuses an event of another API version.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    public static string CheckoutSessionCompleted(JsonObject session) => Event("checkout.session.completed", session);
    public static string CheckoutSessionAsyncPaymentSucceeded(JsonObject session) => Event("checkout.session.async_payment_succeeded", session);
    public static string CheckoutSessionAsyncPaymentFailed(JsonObject session) => Event("checkout.session.async_payment_failed", session);
    public static string PaymentIntentPaymentFailed(JsonObject paymentIntent) => Event("payment_intent.payment_failed", paymentIntent);
    /// <summary>A Connect event: its top-level <c>account</c> is the connected account.</summary>
    public static string AccountUpdated(JsonObject account) => Event("account.updated", account, account: (string?)account["id"]);
    public static string ChargeRefunded(JsonObject charge) => Event("charge.refunded", charge);
    public static string ChargeDisputeCreated(JsonObject dispute) => Event("charge.dispute.created", dispute);
    /// <summary>The card holder's bank closed its dispute: <paramref name="status"/> "won" (for the platform) or "lost".</summary>
    public static string ChargeDisputeClosed(JsonObject dispute, string status)
    {
        var closed = (JsonObject)dispute.DeepClone();
        closed["status"] = status;
        return Event("charge.dispute.closed", closed);
    }

    /// <summary>An event of any type around a copy of <paramref name="dataObject"/>, with a fresh <c>evt_</c> id.</summary>
    public static string Event(string type, JsonObject dataObject, string? account = null, DateTimeOffset? created = null, string? id = null)
    {
        var value = new JsonObject
        {
            ["id"] = id ?? "evt_" + RandomNumberGenerator.GetHexString(24, lowercase: true),
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["object"] = dataObject.DeepClone() },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        if (account is not null) value["account"] = account;
        return value.ToJsonString();
    }

    /// <summary>The <c>Stripe-Signature</c> header for <paramref name="payload"/> (the exact bytes to post):
    /// <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.payload")&gt;</c>. An old <paramref name="at"/> tests the
    /// tolerance (Stripe's default: 5 minutes), another secret a bad signature.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A header well formed and recent but whose signature matches no secret.</summary>
    public static string BadSignature(DateTimeOffset? at = null) =>
        $"t={(at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()},v1={RandomNumberGenerator.GetHexString(64, lowercase: true)}";
}
