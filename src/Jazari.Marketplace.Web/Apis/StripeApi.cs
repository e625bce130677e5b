using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Http.HttpResults;
using Stripe;
using Stripe.Checkout;
using PaymentMethod = Jazari.Marketplace.Grains.Payments.PaymentMethod;

namespace Jazari.Marketplace.Web.Apis;

public sealed record OnboardingLink(string Url);

public sealed record WebhookAnswer(string EventId, bool Applied);

/// <summary>
/// Stripe: a startup's Connect onboarding, and Stripe's webhook. Events are verified with the signing secret (5 minutes
/// of tolerance), applied once per event id, and correct in any order: each is applied to what the engagement already
/// knows (a refund before the checkout's completion voids that payment; an older account update than the last one is ignored).
/// </summary>
public static class StripeApi
{
    public const long Tolerance = 300;

    public static void MapStripeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/startups/{id:id}/stripe-onboarding", Onboarding).WithTags("Stripe").RequireAuthorization(p => p.RequireRole(Roles.Startup));
        routes.MapPost("/api/webhooks/stripe", Webhook).WithTags("Stripe").AllowAnonymous();
    }

    internal static async Task<Ok<OnboardingLink>> Onboarding(string id, ClaimsPrincipal user, IGrainFactory grains, IServiceProvider services)
    {
        var account = await grains.GetGrain<IAccountGrain>(user.Caller().AccountId).GetAsync();
        if (account?.ProfileId != id) throw MarketplaceException.NotFound("Startup");
        var stripe = services.GetService<StripeRail>()
            ?? throw MarketplaceException.Conflict("Card payments are not available: Stripe is not configured on this marketplace.");
        return TypedResults.Ok(new OnboardingLink(await stripe.OnboardingLinkAsync(id, account.Email, CancellationToken.None)));
    }

    private static async Task<IResult> Webhook(HttpRequest request, IGrainFactory grains, StripeSettings settings, IServiceProvider services,
        PaymentJobs jobs, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, ILogger<WebhookAnswer> log)
    {
        if (string.IsNullOrWhiteSpace(settings.WebhookSecret) || services.GetService<StripeClient>() is not { } client)
            return TypedResults.Problem(statusCode: 404, detail: "Stripe is not configured on this marketplace.");
        if (request.Headers["Stripe-Signature"] is not [{ Length: > 0 } signature])
            return TypedResults.Problem(statusCode: 400, detail: "The Stripe-Signature header is missing.");
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync();
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, settings.WebhookSecret, Tolerance,
                time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException invalid)
        {
            log.LogWarning("Stripe webhook refused: {Reason}", invalid.Message);
            return TypedResults.Problem(statusCode: 400, detail: "The event's signature is invalid or too old.");
        }
        var processed = grains.GetGrain<IProcessedEventGrain>(stripeEvent.Id);
        if (await processed.IsDoneAsync()) return TypedResults.Ok(new WebhookAnswer(stripeEvent.Id, false));
        var needId = await ApplyAsync(stripeEvent, grains, client, log);
        await processed.MarkDoneAsync();
        if (needId is not null) jobs.Enqueue(needId);
        return TypedResults.Ok(new WebhookAnswer(stripeEvent.Id, true));
    }

    /// <summary>Applies one event; returns the need whose engagement it touched, if any.</summary>
    private static async Task<string?> ApplyAsync(Event e, IGrainFactory grains, StripeClient client, ILogger log)
    {
        switch (e.Data.Object)
        {
            case Session session when e.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                if (session.PaymentStatus != "paid") return null; // a delayed payment: its own event follows
                return await OnPaymentAsync(grains, session.Metadata, log, (engagement, paymentId, attempt) =>
                    engagement.ConfirmFundingAsync(paymentId, PaymentMethod.Stripe, session.AmountTotal ?? 0, session.PaymentIntentId ?? session.Id, attempt));
            case Session session when e.Type == EventTypes.CheckoutSessionAsyncPaymentFailed:
                return await OnPaymentAsync(grains, session.Metadata, log, (engagement, paymentId, attempt) => engagement.PaymentFailedAsync(paymentId, attempt));
            case PaymentIntent intent when e.Type == EventTypes.PaymentIntentPaymentFailed:
                return await OnPaymentAsync(grains, intent.Metadata, log, (engagement, paymentId, attempt) => engagement.PaymentFailedAsync(paymentId, attempt));
            case Charge charge when e.Type == EventTypes.ChargeRefunded:
                return await OnPaymentAsync(grains, charge.Metadata, log, (engagement, paymentId, attempt) => engagement.PaymentRefundedAsync(paymentId, attempt, charge.Id));
            case Stripe.Dispute dispute when e.Type == EventTypes.ChargeDisputeCreated:
                var disputed = await new ChargeService(client).GetAsync(dispute.ChargeId);
                return await OnPaymentAsync(grains, disputed.Metadata, log, (engagement, paymentId, _) =>
                    engagement.CardDisputeAsync(paymentId, $"The card holder disputed the payment with their bank ({dispute.Reason})."));
            case Account account when e.Type == EventTypes.AccountUpdated:
                if (account.Metadata?.GetValueOrDefault("startupId") is { } startupId && Ids.IsValid(startupId))
                    await grains.GetGrain<IPayoutAccountGrain>(startupId).UpdateAsync(account.Id, account.PayoutsEnabled, new DateTimeOffset(e.Created, TimeSpan.Zero));
                return null;
            default:
                return null;
        }
    }

    private static async Task<string?> OnPaymentAsync(IGrainFactory grains, Dictionary<string, string>? metadata, ILogger log,
        Func<IEngagementGrain, string, int, Task> apply)
    {
        if (metadata?.GetValueOrDefault("paymentId") is not { } paymentId || !Ids.IsValid(paymentId)) return null; // not one of ours
        var target = await grains.GetGrain<IPaymentLookupGrain>(paymentId).GetAsync();
        if (target is null) return null;
        _ = int.TryParse(metadata.GetValueOrDefault("attempt"), out var attempt);
        try
        {
            await apply(grains.GetGrain<IEngagementGrain>(target.NeedId), paymentId, attempt);
        }
        catch (MarketplaceException refused) when (refused.Problem is Problem.Conflict or Problem.Invalid)
        {
            // Money Stripe holds that the engagement cannot take (another payment funded the milestone, another amount):
            // kept in the logs for an admin; answering an error would only make Stripe send it again.
            log.LogError("Stripe payment {PaymentId} of need {NeedId} not applied: {Reason}", paymentId, target.NeedId, refused.Message);
        }
        return target.NeedId;
    }
}
