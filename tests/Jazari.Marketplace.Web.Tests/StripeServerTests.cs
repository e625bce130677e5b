using System.Net;
using Jazari.Marketplace.Tests;
using Stripe;
using Stripe.Checkout;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Stripe.net 53 against the local Stripe endpoint, and the signed webhook events: what the payments code relies on.</summary>
public sealed class StripeServerTests : IAsyncLifetime
{
    private const string WebhookSecret = "whsec_test_secret";
    private StripeServer server = null!;

    public Task InitializeAsync()
    {
        server = StripeServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private StripeClient Client(int retries = 0) =>
        new("sk_test_jazari", httpClient: new SystemNetHttpClient(maxNetworkRetries: retries), apiBase: server.ApiBase);

    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    private async Task<Account> PayableAccountAsync(StripeClient client)
    {
        var account = await new AccountService(client).CreateAsync(new AccountCreateOptions { Type = "express", Country = "MA", Email = "founder@example.ma" });
        server.EnablePayouts(account.Id);
        return account;
    }

    [Fact]
    public async Task A_checkout_session_is_created_read_back_and_recorded_with_its_fields()
    {
        var client = Client();
        var created = await new SessionService(client).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = "ms_1",
            SuccessUrl = "https://jazari.example/paid",
            CancelUrl = "https://jazari.example/cancelled",
            Metadata = new() { ["milestone"] = "ms_1" },
            PaymentIntentData = new SessionPaymentIntentDataOptions { TransferGroup = "need_1" },
            LineItems = [new SessionLineItemOptions
            {
                Quantity = 1,
                PriceData = new SessionLineItemPriceDataOptions { Currency = "MAD", UnitAmount = 250_000, ProductData = new() { Name = "Milestone 1" } },
            }],
        }, Key("milestone:ms_1:checkout"));

        Assert.StartsWith("cs_test_", created.Id);
        Assert.Equal($"https://checkout.stripe.com/c/pay/{created.Id}", created.Url);
        Assert.Equal(250_000, created.AmountTotal);
        Assert.Equal("mad", created.Currency);
        Assert.Equal("ms_1", created.Metadata["milestone"]);
        Assert.Equal("open", created.Status);
        var call = Assert.Single(server.CallsTo("POST", "/v1/checkout/sessions"));
        Assert.Equal("milestone:ms_1:checkout", call.IdempotencyKey);
        Assert.Equal("need_1", call.Field("payment_intent_data[transfer_group]"));
        Assert.Equal("MAD", call.Field("line_items[0][price_data][currency]"));
        Assert.Equal("ms_1", call.Field("metadata[milestone]"));

        var paid = server.CompleteCheckout(created.Id);
        var read = await new SessionService(client).GetAsync(created.Id);
        Assert.Equal(("complete", "paid"), (read.Status, read.PaymentStatus));
        Assert.Equal((string?)paid["payment_intent"], read.PaymentIntentId);
        var intent = server.Object(read.PaymentIntentId);
        Assert.Equal("need_1", (string?)intent["transfer_group"]);
    }

    [Fact]
    public async Task A_connect_account_onboards_through_a_link_and_is_paid_by_a_transfer_once_payouts_are_enabled()
    {
        var client = Client();
        var account = await new AccountService(client).CreateAsync(new AccountCreateOptions { Type = "express", Country = "MA" });
        Assert.StartsWith("acct_", account.Id);
        Assert.False(account.PayoutsEnabled);
        var link = await new AccountLinkService(client).CreateAsync(new AccountLinkCreateOptions
        {
            Account = account.Id, Type = "account_onboarding", RefreshUrl = "https://jazari.example/refresh", ReturnUrl = "https://jazari.example/return",
        });
        Assert.StartsWith("https://connect.stripe.com/", link.Url);

        var refused = await Assert.ThrowsAsync<StripeException>(() => new TransferService(client).CreateAsync(
            new TransferCreateOptions { Amount = 1000, Currency = "mad", Destination = account.Id }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);

        server.EnablePayouts(account.Id);
        var onboarded = await new AccountService(client).GetAsync(account.Id, requestOptions: new() { StripeAccount = account.Id });
        Assert.True(onboarded.PayoutsEnabled && onboarded.ChargesEnabled && onboarded.DetailsSubmitted);
        Assert.Equal(account.Id, server.CallsTo("GET", $"/v1/accounts/{account.Id}").Single().StripeAccount);

        var transfer = await new TransferService(client).CreateAsync(new TransferCreateOptions
        {
            Amount = 225_000, Currency = "mad", Destination = account.Id, TransferGroup = "need_1", Metadata = new() { ["milestone"] = "ms_1" },
        }, Key("milestone:ms_1:transfer"));
        Assert.StartsWith("tr_", transfer.Id);
        Assert.Equal((225_000L, "mad", account.Id, "need_1"), (transfer.Amount, transfer.Currency, transfer.DestinationId, transfer.TransferGroup));
        var call = server.CallsTo("POST", "/v1/transfers").Last();
        Assert.Equal(("225000", "need_1", "ms_1", "milestone:ms_1:transfer"),
            (call.Field("amount"), call.Field("transfer_group"), call.Field("metadata[milestone]"), call.IdempotencyKey));
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_transfer_and_a_changed_body_is_refused()
    {
        var client = Client();
        var account = await PayableAccountAsync(client);
        var options = new TransferCreateOptions { Amount = 1000, Currency = "mad", Destination = account.Id };

        var first = await new TransferService(client).CreateAsync(options, Key("milestone:ms_2:transfer"));
        var again = await new TransferService(client).CreateAsync(options, Key("milestone:ms_2:transfer"));
        Assert.Equal(first.Id, again.Id);
        Assert.Single(server.Transfers());
        Assert.True(server.CallsTo("POST", "/v1/transfers")[1].Replayed);

        var changed = await Assert.ThrowsAsync<StripeException>(() => new TransferService(client).CreateAsync(
            new TransferCreateOptions { Amount = 2000, Currency = "mad", Destination = account.Id }, Key("milestone:ms_2:transfer")));
        Assert.Equal(HttpStatusCode.BadRequest, changed.HttpStatusCode);
        Assert.Equal("idempotency_error", changed.StripeError.Type);
        Assert.Single(server.Transfers());

        await new TransferService(client).CreateAsync(options);
        Assert.Equal(2, server.Transfers().Count);
        Assert.False(string.IsNullOrEmpty(server.Calls[^1].IdempotencyKey)); // Stripe.net's own random key
    }

    [Fact]
    public async Task A_failure_before_the_work_creates_nothing_and_a_failure_after_it_is_replayed_on_retry()
    {
        var account = await PayableAccountAsync(Client());
        var options = new TransferCreateOptions { Amount = 1000, Currency = "mad", Destination = account.Id };

        server.FailNext("/v1/transfers", 500);
        var failed = await Assert.ThrowsAsync<StripeException>(() => new TransferService(Client()).CreateAsync(options, Key("k1")));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.HttpStatusCode);
        Assert.Empty(server.Transfers());

        server.FailAfterCreate("/v1/transfers");
        await Assert.ThrowsAsync<StripeException>(() => new TransferService(Client()).CreateAsync(options, Key("k2")));
        var created = Assert.Single(server.Transfers());
        var retried = await new TransferService(Client()).CreateAsync(options, Key("k2"));
        Assert.Equal((string?)created["id"], retried.Id);

        // a dropped connection: Stripe.net retries by itself with the same key and gets the transfer made the first time
        server.FailAfterCreate("/v1/transfers", dropConnection: true);
        var afterDrop = await new TransferService(Client(retries: 1)).CreateAsync(options, Key("k3"));
        Assert.Equal(2, server.Transfers().Count);
        Assert.Equal([0, 200], server.Calls.Where(c => c.IdempotencyKey == "k3").Select(c => c.Status));
        Assert.Equal(afterDrop.Id, server.Calls[^1].ObjectId);
    }

    [Fact]
    public async Task Refunds_draw_on_the_paid_charge_and_unknown_calls_answer_404_and_are_recorded()
    {
        var client = Client();
        var session = await new SessionService(client).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = "https://jazari.example/paid",
            LineItems = [new() { Quantity = 2, PriceData = new() { Currency = "mad", UnitAmount = 5000, ProductData = new() { Name = "Jour" } } }],
        });
        var paymentIntentId = (string)server.CompleteCheckout(session.Id)["payment_intent"]!;

        var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId, Amount = 4000 }, Key("refund:1"));
        Assert.Equal((4000L, "mad", paymentIntentId, "succeeded"), (refund.Amount, refund.Currency, refund.PaymentIntentId, refund.Status));
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => new RefundService(client).CreateAsync(
            new RefundCreateOptions { Charge = refund.ChargeId, Amount = 7000 }));
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal(4000L, (long)server.Object(refund.ChargeId)["amount_refunded"]!);

        var unknown = await Assert.ThrowsAsync<StripeException>(() => new PayoutService(client).CreateAsync(new PayoutCreateOptions { Amount = 1, Currency = "mad" }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.HttpStatusCode);
        Assert.Contains(server.Calls, c => c is { Method: "POST", Path: "/v1/payouts", Status: 404 });
        var missing = await Assert.ThrowsAsync<StripeException>(() => new AccountService(client).GetAsync("acct_unknown"));
        Assert.Equal("resource_missing", missing.StripeError.Code);
    }

    [Fact]
    public async Task Signed_events_are_accepted_by_stripe_net_and_parse_to_their_objects()
    {
        Assert.Equal(StripeEvents.ApiVersion, StripeConfiguration.ApiVersion);
        var client = Client();
        var account = await PayableAccountAsync(client);
        var session = await new SessionService(client).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = "https://jazari.example/paid", Metadata = new() { ["milestone"] = "ms_3" },
            LineItems = [new() { PriceData = new() { Currency = "mad", UnitAmount = 9900, ProductData = new() { Name = "M" } } }],
        });
        var paid = server.CompleteCheckout(session.Id);
        var charge = server.Object((string)server.Object((string)paid["payment_intent"]!)["latest_charge"]!);

        Stripe.Event Parse(string json) => EventUtility.ConstructEvent(json, StripeEvents.Sign(json, WebhookSecret), WebhookSecret, tolerance: 300);

        var completed = Parse(StripeEvents.CheckoutSessionCompleted(paid));
        Assert.Equal(EventTypes.CheckoutSessionCompleted, completed.Type);
        Assert.StartsWith("evt_", completed.Id);
        var completedSession = Assert.IsType<Session>(completed.Data.Object);
        Assert.Equal((session.Id, "paid", 9900L, "ms_3"), (completedSession.Id, completedSession.PaymentStatus, completedSession.AmountTotal, completedSession.Metadata["milestone"]));

        var updated = Parse(StripeEvents.AccountUpdated(server.Object(account.Id)));
        Assert.Equal(account.Id, updated.Account);
        Assert.True(Assert.IsType<Account>(updated.Data.Object).PayoutsEnabled);
        Assert.Equal(9900L, Assert.IsType<Charge>(Parse(StripeEvents.ChargeRefunded(charge)).Data.Object).Amount);
        Assert.Equal(charge["id"]!.ToString(), Assert.IsType<Dispute>(Parse(StripeEvents.ChargeDisputeCreated(server.Dispute((string)charge["id"]!))).Data.Object).ChargeId);

        var unpaid = await new SessionService(client).CreateAsync(new SessionCreateOptions
        {
            Mode = "payment", SuccessUrl = "https://jazari.example/paid",
            LineItems = [new() { PriceData = new() { Currency = "mad", UnitAmount = 500, ProductData = new() { Name = "M" } } }],
        });
        var failedSession = server.FailCheckoutPayment(unpaid.Id);
        Assert.Equal("unpaid", Assert.IsType<Session>(Parse(StripeEvents.CheckoutSessionAsyncPaymentFailed(failedSession)).Data.Object).PaymentStatus);
        var failedIntent = Assert.IsType<PaymentIntent>(Parse(StripeEvents.PaymentIntentPaymentFailed(server.Object((string)failedSession["payment_intent"]!))).Data.Object);
        Assert.Equal("card_declined", failedIntent.LastPaymentError.Code);
    }

    [Fact]
    public void An_old_timestamp_a_wrong_secret_or_a_changed_payload_is_refused()
    {
        var json = StripeEvents.Event("account.updated", new() { ["id"] = "acct_1", ["object"] = "account" }, account: "acct_1");

        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(json, StripeEvents.Sign(json, WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-6)), WebhookSecret, tolerance: 300));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(json, StripeEvents.Sign(json, "whsec_other"), WebhookSecret, tolerance: 300));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(json, StripeEvents.BadSignature(), WebhookSecret, tolerance: 300));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(json.Replace("acct_1", "acct_2"), StripeEvents.Sign(json, WebhookSecret), WebhookSecret, tolerance: 300));
        Assert.Equal("acct_1", EventUtility.ConstructEvent(json, StripeEvents.Sign(json, WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-4)), WebhookSecret, tolerance: 300).Account);
    }
}
