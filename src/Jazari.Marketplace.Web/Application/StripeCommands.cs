using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;
using Stripe;
using Stripe.Checkout;
using PaymentMethod = Jazari.Marketplace.Grains.Payments.PaymentMethod;

namespace Jazari.Marketplace.Web.Application;

public sealed record OnboardingLink(string Url);

public sealed record WebhookAnswer(string EventId, bool Applied);

/// <summary>
/// Card payments through Stripe: a startup's Connect onboarding, and Stripe's webhook. Events are verified with the
/// signing secret (5 minutes of tolerance), applied once per event id, and correct in any order: each is applied to
/// what the engagement already knows (a refund before the checkout's completion voids that payment; an older account
/// update than the last one is ignored). What an event changes in an engagement is written there with its event,
/// and the follow-up job does the rest.
/// </summary>
public sealed class StripeCommands(IGrainFactory grains, StripeSettings settings, IServiceProvider services,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, ILogger<StripeCommands> log)
{
    public const long Tolerance = 300;

    /// <summary>Whether Stripe's webhook is configured here (its secret and the client).</summary>
    public bool WebhookConfigured => !string.IsNullOrWhiteSpace(settings.WebhookSecret) && services.GetService<StripeClient>() is not null;

    /// <summary>"Get paid by card": the startup's Connect onboarding page; a 409 when Stripe is not configured here.</summary>
    public async Task<OnboardingLink> OnboardingLinkAsync(Caller caller, string startupId)
    {
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        if (caller.Role != Roles.Startup || account?.ProfileId != startupId) throw MarketplaceException.NotFound("Startup");
        var stripe = services.GetService<StripeRail>()
            ?? throw MarketplaceException.Conflict("Card payments are not available: Stripe is not configured on this marketplace.");
        return new OnboardingLink(await stripe.OnboardingLinkAsync(startupId, account.Email, CancellationToken.None));
    }

    /// <summary>Verifies and applies one webhook event (once per event id); 400 when its signature is missing, wrong or too old.</summary>
    public async Task<WebhookAnswer> ApplyWebhookAsync(string json, string? signature)
    {
        if (!WebhookConfigured) throw new InvalidOperationException("Stripe is not configured on this marketplace.");
        Event stripeEvent;
        try { stripeEvent = Verify(json, signature); }
        catch (StripeException invalid)
        {
            log.LogWarning("Stripe webhook refused: {Reason}", invalid.Message);
            throw MarketplaceException.Invalid("Stripe-Signature", "The event's signature is invalid or too old.");
        }
        // A connected account's event speaks for that account alone: only its own account.updated is followed (a
        // payment or a refund it reports is its business, never an engagement's, whatever its metadata says).
        if (stripeEvent.Account is { } connected && (stripeEvent.Data.Object is not Account account || account.Id != connected))
        {
            log.LogWarning("Stripe event {Type} ({Id}) of connected account {Account} is not one the marketplace follows", stripeEvent.Type, stripeEvent.Id, connected);
            return new WebhookAnswer(stripeEvent.Id, false);
        }
        var processed = grains.GetGrain<IProcessedEventGrain>(stripeEvent.Id);
        if (await processed.IsDoneAsync()) return new WebhookAnswer(stripeEvent.Id, false);
        await ApplyAsync(stripeEvent, services.GetRequiredService<StripeClient>());
        await processed.MarkDoneAsync();
        return new WebhookAnswer(stripeEvent.Id, true);
    }

    /// <summary>The event, signed by the platform's endpoint or by the Connect endpoint (each has its own secret).</summary>
    private Event Verify(string json, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) throw new StripeException("No Stripe-Signature header.");
        try { return Construct(json, signature, settings.WebhookSecret!); }
        catch (StripeException) when (!string.IsNullOrWhiteSpace(settings.ConnectWebhookSecret))
        {
            return Construct(json, signature, settings.ConnectWebhookSecret);
        }
    }

    private Event Construct(string json, string signature, string secret) =>
        EventUtility.ConstructEvent(json, signature, secret, Tolerance, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);

    private async Task ApplyAsync(Event e, StripeClient client)
    {
        var system = PaymentJobs.System;
        switch (e.Data.Object)
        {
            case Session session when e.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                if (session.PaymentStatus != "paid") return; // a delayed payment: its own event follows
                await OnPaymentAsync(session.Metadata, async (engagement, paymentId, attempt) =>
                {
                    try
                    {
                        await engagement.ConfirmFundingAsync(system, paymentId, PaymentMethod.Stripe, session.AmountTotal ?? 0, session.PaymentIntentId ?? session.Id, attempt);
                    }
                    catch (MarketplaceException refused) when (refused.Problem is Problem.Conflict or Problem.Invalid && session.PaymentIntentId is { } intent
                        && services.GetService<StripeRail>() is { } stripe)
                    {
                        // Money no milestone took (another payment funded it, the engagement was cancelled, a lapsed request's
                        // share changed): it goes back to the card, unless this very payment funds a milestone after all.
                        if ((await engagement.GetAsync(system)).Milestones.Any(m => m.PaymentExternalId == intent || m.PaymentExternalId == session.Id)) throw;
                        log.LogWarning("Stripe payment {PaymentIntent} of need {NeedId} refused ({Reason}): refunded to the card", intent, session.Metadata.GetValueOrDefault("needId"), refused.Message);
                        try
                        {
                            await stripe.RefundUnclaimedAsync(intent, session.Metadata, CancellationToken.None);
                        }
                        catch (StripeException refusal) when (refusal.StripeError?.Code is "charge_disputed" or "charge_already_refunded")
                        {
                            // Stripe refuses it for good (a charge disputed or refunded meanwhile): asking again at each of its
                            // retries would change nothing. Left for an admin, in the logs.
                            log.LogError(refusal, "Stripe refused to refund unclaimed payment {PaymentIntent}; an admin refunds it", intent);
                        }
                    }
                });
                return;
            case Session session when e.Type == EventTypes.CheckoutSessionAsyncPaymentFailed:
                await OnPaymentAsync(session.Metadata, (engagement, paymentId, attempt) => engagement.PaymentFailedAsync(paymentId, attempt));
                return;
            case PaymentIntent intent when e.Type == EventTypes.PaymentIntentPaymentFailed:
                await OnPaymentAsync(intent.Metadata, (engagement, paymentId, attempt) => engagement.PaymentFailedAsync(paymentId, attempt));
                return;
            case Charge charge when e.Type == EventTypes.ChargeRefunded:
                await OnPaymentAsync(charge.Metadata, (engagement, paymentId, attempt) => engagement.PaymentRefundedAsync(paymentId, attempt, charge.AmountRefunded, charge.PaymentIntentId ?? ""));
                return;
            case Stripe.Dispute dispute when e.Type == EventTypes.ChargeDisputeCreated:
                // An inquiry the bank has closed since (its opening came late): nothing to hold. Its closing is followed apart.
                if (StripeRail.InquiryClosed(await new DisputeService(client).GetAsync(dispute.Id))) return;
                var disputed = await new ChargeService(client).GetAsync(dispute.ChargeId);
                await OnPaymentAsync(disputed.Metadata, (engagement, paymentId, _) =>
                    engagement.CardDisputeAsync(paymentId, $"The card holder disputed the payment with their bank ({dispute.Reason}).", disputed.PaymentIntentId ?? ""));
                return;
            case Stripe.Dispute dispute when e.Type == EventTypes.ChargeDisputeClosed && StripeRail.InquiryClosed(dispute):
                var inquired = await new ChargeService(client).GetAsync(dispute.ChargeId);
                // Only while it is the payment's newest dispute: a chargeback the bank filed since (its opening may have come
                // first) keeps the decision waiting for the bank.
                if (inquired.PaymentIntentId is not { } inquiredIntent
                    || (await services.GetRequiredService<StripeRail>().NewestDisputeAsync(inquiredIntent, CancellationToken.None))?.Id != dispute.Id) return;
                await OnPaymentAsync(inquired.Metadata, (engagement, paymentId, _) => engagement.InquiryClosedAsync(paymentId, inquiredIntent));
                return;
            case Stripe.Dispute dispute when e.Type == EventTypes.ChargeDisputeClosed && StripeRail.Closed(dispute) is { } lost:
                var closed = await new ChargeService(client).GetAsync(dispute.ChargeId);
                await OnPaymentAsync(closed.Metadata, (engagement, paymentId, _) =>
                    engagement.ChargebackClosedAsync(paymentId, closed.PaymentIntentId ?? "", lost, dispute.Amount));
                return;
            case Account account when e.Type == EventTypes.AccountUpdated:
                if (account.Metadata?.GetValueOrDefault("startupId") is { } startupId && Ids.IsValid(startupId))
                {
                    var payouts = grains.GetGrain<IPayoutAccountGrain>(startupId);
                    if (await payouts.UpdateAsync(account.Id, account.PayoutsEnabled, new DateTimeOffset(e.Created, TimeSpan.Zero)) is not { PayoutsEnabled: true }) return;
                    // The releases that waited for it go now: their engagements raise their pending events. Each need stays
                    // listed until its transfer is made, so a later account.updated raises it again if this hand-over failed.
                    foreach (var needId in await payouts.WaitingAsync()) await grains.GetGrain<IEngagementGrain>(needId).RaisePendingEventsAsync();
                }
                return;
            default:
                log.LogInformation("Stripe event {Type} ({Id}) is not one the marketplace follows", e.Type, e.Id);
                return;
        }
    }

    private async Task OnPaymentAsync(Dictionary<string, string>? metadata, Func<IEngagementGrain, string, int, Task> apply)
    {
        if (metadata?.GetValueOrDefault("paymentId") is not { } paymentId || !Ids.IsValid(paymentId)) return; // not one of ours
        var target = await grains.GetGrain<IPaymentLookupGrain>(paymentId).GetAsync();
        if (target is null) return;
        _ = int.TryParse(metadata.GetValueOrDefault("attempt"), out var attempt);
        try
        {
            await apply(grains.GetGrain<IEngagementGrain>(target.NeedId), paymentId, attempt);
        }
        catch (MarketplaceException refused) when (refused.Problem is Problem.Conflict or Problem.Invalid)
        {
            // An event the engagement refuses (a payment it could not take was refunded above): kept in the logs for an
            // admin; answering an error would only make Stripe send it again.
            log.LogError("Stripe payment {PaymentId} of need {NeedId} not applied: {Reason}", paymentId, target.NeedId, refused.Message);
        }
    }
}
