using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Application;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>The host with Stripe configured against the local Stripe endpoint (no retries by Stripe.net: the tests retry).</summary>
public sealed class StripeHost : IAsyncLifetime
{
    public const string Name = "stripe";
    public const string Secret = "whsec_test_jazari";
    /// <summary>The Connect endpoint's own secret: Stripe signs the connected accounts' events with it.</summary>
    public const string ConnectSecret = "whsec_test_jazari_connect";
    public MarketplaceHost Host { get; } = new();
    public StripeServer Stripe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = StripeServer.Start();
        Host.Settings["Stripe:SecretKey"] = "sk_test_jazari";
        Host.Settings["Stripe:WebhookSecret"] = Secret;
        Host.Settings["Stripe:ConnectWebhookSecret"] = ConnectSecret;
        Host.Settings["Stripe:ApiBase"] = Stripe.ApiBase;
        Host.Settings["Stripe:NetworkRetries"] = "0";
        await Host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    public async Task<HttpResponseMessage> PostEventAsync(string json, string? signature = null, bool signed = true)
    {
        using var client = Host.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (signed) request.Headers.Add("Stripe-Signature", signature ?? StripeEvents.Sign(json, Secret));
        return await client.SendAsync(request);
    }

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();
}

[CollectionDefinition(StripeHost.Name)]
public sealed class StripeCollection : ICollectionFixture<StripeHost>;

/// <summary>The Stripe path: checkout per funding, Connect onboarding, transfers on release, refunds, and the webhook's rules.</summary>
[Collection(StripeHost.Name)]
public sealed class StripeTests(StripeHost stripe)
{
    private MarketplaceHost Host => stripe.Host;
    private StripeServer Server => stripe.Stripe;

    private async Task<(Awarded A, JsonElement Funding, JsonObject Session)> CardFundedAsync(int index = 0, string? programmeId = null)
    {
        var a = await Engagements.AwardedAsync(Host, programmeId);
        var funding = await a.FundAsync(index, "stripe");
        var sessionId = funding.GetProperty("checkoutUrl").GetString()!.Split('/')[^1];
        var paid = Server.CompleteCheckout(sessionId);
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(paid))).Json(HttpStatusCode.OK);
        return (a, funding, paid);
    }

    private async Task<string> OnboardAsync(Awarded a)
    {
        var link = await (await a.Founder.Client.PostAsync($"/api/startups/{a.StartupId}/stripe-onboarding", null)).Json(HttpStatusCode.OK);
        Assert.StartsWith("https://connect.stripe.com/", link.GetProperty("url").GetString());
        var account = Server.Accounts().Single(x => (string?)x["metadata"]!["startupId"] == a.StartupId);
        var updated = StripeEvents.AccountUpdated(Server.EnablePayouts((string)account["id"]!));
        await (await stripe.PostEventAsync(updated, StripeEvents.Sign(updated, StripeHost.ConnectSecret))).Json(HttpStatusCode.OK);
        return (string)account["id"]!;
    }

    [Fact]
    public async Task A_card_funded_milestone_is_released_by_a_transfer_to_the_connected_account_once_payouts_are_enabled()
    {
        var a = await Engagements.AwardedAsync(Host);
        var funding = await a.FundAsync(0, "stripe");
        Assert.Equal(funding.GetProperty("checkoutUrl").GetString(), (await a.FundAsync(0, "stripe")).GetProperty("checkoutUrl").GetString());
        var sessions = Server.CallsTo("POST", "/v1/checkout/sessions").Where(c => c.Field("payment_intent_data[transfer_group]") == a.NeedId).ToList();
        Assert.Equal(2, sessions.Count);
        Assert.True(sessions[1].Replayed); // the same idempotency key: one session
        Assert.Equal(($"{funding.GetProperty("paymentId").GetString()}:checkout:1", "1500000", "mad"),
            (sessions[0].IdempotencyKey, sessions[0].Field("line_items[0][price_data][unit_amount]"), sessions[0].Field("line_items[0][price_data][currency]")));

        var paid = Server.CompleteCheckout(funding.GetProperty("checkoutUrl").GetString()!.Split('/')[^1]);
        var json = StripeEvents.CheckoutSessionCompleted(paid);
        Assert.True((await (await stripe.PostEventAsync(json)).Json(HttpStatusCode.OK)).GetProperty("applied").GetBoolean());
        for (var i = 0; i < 2; i++) Assert.False((await (await stripe.PostEventAsync(json)).Json(HttpStatusCode.OK)).GetProperty("applied").GetBoolean());
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))["escrow"]);

        await a.DeliverAsync(0);
        Assert.Equal("approved", (await a.ApproveAsync(0)).Milestone(0).Status()); // no Connect account yet: the release waits
        // The startup is told where to open its Stripe account, once, and its release waits without being retried.
        bool Told(JsonElement e) => e.GetProperty("kind").GetString() == "release-awaiting-onboarding";
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(Told)), "the startup told its release waits");
        await Host.JobsSettledAsync();
        var told = Assert.Single(Host.Emails(a.Founder.Email), Told);
        Assert.Contains("/startup/profile", told.GetProperty("text").GetString());
        Assert.Matches(@"14\D?250", told.GetProperty("subject").GetString()); // what it receives, the fee taken
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal("approved", (await a.EngagementAsync()).Milestone(0).Status());

        var accountId = await OnboardAsync(a); // Stripe's account.updated: payouts enabled, the release goes by itself
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        var transfer = Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal((1_425_000L, "mad", accountId), ((long)transfer["amount"]!, (string?)transfer["currency"], (string?)transfer["destination"]));
        // Made from the payment's charge: it goes while the card's money is still pending at Stripe.
        Assert.StartsWith("ch_", (string?)transfer["source_transaction"]);
        Assert.Equal($"{a.NeedId}:m0:release", Server.CallsTo("POST", "/v1/transfers").Last(c => c.Field("transfer_group") == a.NeedId).IdempotencyKey);
        var released = await a.EngagementAsync();
        Assert.Equal("released", released.Milestone(0).Status());
        Assert.Equal((string?)transfer["id"], released.GetProperty("payouts")[0].GetProperty("bankReference").GetString());
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal(1_425_000, balances[$"startup:{a.StartupId}"]);
    }

    [Fact]
    public async Task A_co_funded_milestone_paid_by_card_transfers_the_cards_part_and_orders_the_programmes_part_by_bank()
    {
        var programmeId = await Engagements.ProgrammeAsync(Host, percent: 30);
        var (a, _, _) = await CardFundedAsync(programmeId: programmeId); // 15,000 MAD: 10,500 by card, 4,500 by the programme
        await OnboardAsync(a);
        await a.DeliverAsync(0);
        await a.ApproveAsync(0);
        var released = await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        // Stripe holds the card's 10,500 alone: it transfers that, less its fee (525); the programme's 4,500 (less 225) goes by bank.
        Assert.Equal(997_500L, (long)Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId)["amount"]!);
        var payouts = released.GetProperty("payouts").EnumerateArray().ToList();
        Assert.Equal([(427_500L, "pending"), (997_500L, "paid")],
            payouts.Select(p => (p.GetProperty("amountMinor").GetInt64(), p.GetProperty("status").GetString())).OrderBy(p => p.Item1));
        Assert.Equal(1_425_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))[$"startup:{a.StartupId}"]);
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "payout-awaiting-details")),
            "the startup asked for its RIB, for the programme's part");
    }

    [Fact]
    public async Task A_release_killed_between_the_transfer_and_the_write_transfers_once_when_retried()
    {
        var (a, _, _) = await CardFundedAsync();
        var accountId = await OnboardAsync(a);
        await a.DeliverAsync(0);
        Server.FailAfterCreate("/v1/transfers"); // Stripe made the transfer; the answer never reached us
        Assert.Equal("approved", (await a.ApproveAsync(0)).Milestone(0).Status()); // the follow-up job transfers
        await Engagements.EventuallyAsync(() => Task.FromResult(Server.CallsTo("POST", "/v1/transfers").Any(c => c.Injected && c.Field("transfer_group") == a.NeedId)),
            "the follow-up's transfer, its answer lost");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);

        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal("released", (await a.EngagementAsync()).Milestone(0).Status());

        // Milestone 1: the job's step transfers, then the process dies before the grain's write; the job runs again, twice.
        var second = await a.FundAsync(1, "stripe");
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(Server.CompleteCheckout(second.GetProperty("checkoutUrl").GetString()!.Split('/')[^1]))))
            .Json(HttpStatusCode.OK);
        await a.DeliverAsync(1);
        var grain = stripe.Service<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId);
        var move = (await grain.ApproveAsync(new Grains.Caller(a.Sme.AccountId, "sme"), 1)).Milestones[1].PendingMoves.Single();
        await stripe.Service<IEnumerable<IPaymentRail>>().Single(r => r.Method == PaymentMethod.Stripe).MoveAsync(move, default);
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);

        Assert.Equal(2, Server.Transfers().Count(t => (string?)t["transfer_group"] == a.NeedId));
        // Made once, by us: the jobs found it by its operation id, or replayed its idempotency key.
        Assert.Single(Server.CallsTo("POST", "/v1/transfers"), c => c.IdempotencyKey == $"{a.NeedId}:m1:release" && c.Status == 200 && !c.Replayed);
        Assert.Equal("completed", (await a.EngagementAsync()).GetProperty("status").GetString());
        Assert.Equal(2_850_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))[$"startup:{a.StartupId}"]);

        // The same move carried out again more than 24 hours later (Stripe no longer knows its key), the account's payouts
        // paused meanwhile: the transfer already made is found by its operation id; none is made, no onboarding is asked.
        await Host.JobsSettledAsync();
        Server.ForgetIdempotencyKeys();
        var disabled = Server.Object(accountId);
        disabled["payouts_enabled"] = false;
        await (await stripe.PostEventAsync(StripeEvents.Event("account.updated", disabled, accountId, DateTimeOffset.UtcNow.AddMinutes(1)))).Json(HttpStatusCode.OK);
        var again = await stripe.Service<IEnumerable<IPaymentRail>>().Single(r => r.Method == PaymentMethod.Stripe).MoveAsync(move, default);
        Assert.Equal(Server.Transfers().Last(t => (string?)t["transfer_group"] == a.NeedId)["id"]!.GetValue<string>(), again);
        Assert.Equal(2, Server.Transfers().Count(t => (string?)t["transfer_group"] == a.NeedId));
    }

    [Fact]
    public async Task A_release_failing_for_a_while_is_retried_until_done_while_the_sme_got_its_answer_once()
    {
        var (a, _, _) = await CardFundedAsync();
        await OnboardAsync(a);
        await a.DeliverAsync(0);
        int Failed() => Server.Calls.Count(c => c.Path == "/v1/transfers" && c.Status == 500 && c.Field("transfer_group") == a.NeedId);
        Server.FailNext("/v1/transfers", 500, count: 10_000); // Stripe refuses for a while
        var approve = await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/milestones/0/approve", null);
        Assert.Equal("approved", (await approve.Json(HttpStatusCode.OK)).Milestone(0).Status());
        await Engagements.EventuallyAsync(() => Task.FromResult(Failed() >= 1), "a refused transfer");
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal("approved", (await a.EngagementAsync()).Milestone(0).Status());
        Server.StopFailing("/v1/transfers"); // and accepts again

        // Its event stays pending: Hangfire's retries and the sweep raise it again until the transfer is made.
        var grain = stripe.Service<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId);
        await Engagements.EventuallyAsync(async () =>
        {
            await grain.RaisePendingEventsAsync();
            return (await a.EngagementAsync()).Milestone(0).Status() == "released";
        }, "the release retried until done");
        Assert.True(Failed() >= 1);
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal(1_425_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))[$"startup:{a.StartupId}"]);
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "milestone-released")));
        await Host.JobsSettledAsync();
        Assert.Single(Host.Emails(a.Founder.Email), e => e.GetProperty("kind").GetString() == "milestone-released");
    }

    [Fact]
    public async Task A_failing_transfer_holds_back_neither_the_other_milestones_money_nor_anybodys_emails()
    {
        var (a, _, _) = await CardFundedAsync();
        await OnboardAsync(a);
        await a.DeliverAsync(0);
        Server.FailNext("/v1/transfers", 500, count: 10_000); // Stripe refuses the release of milestone 0 for a while
        await a.ApproveAsync(0);
        await Engagements.EventuallyAsync(() => Task.FromResult(Server.Calls.Any(c => c.Path == "/v1/transfers" && c.Injected && c.Field("transfer_group") == a.NeedId)),
            "a refused transfer");

        // Meanwhile milestone 1 is funded by card, disputed, and refunded by the mediator's decision.
        var second = await a.FundAsync(1, "stripe");
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(Server.CompleteCheckout(second.GetProperty("checkoutUrl").GetString()!.Split('/')[^1]))))
            .Json(HttpStatusCode.OK);
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/1/dispute", new { reason = "Le travail ne commence pas." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(1).GetProperty("dispute").Id();
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 0L, refundMinor = 1_500_000L, note = "Remboursement." }))
            .Json(HttpStatusCode.OK);
        await Engagements.UntilAsync(Host, a.NeedId, 1, "refunded");
        await Engagements.EventuallyAsync(() => Task.FromResult(
            Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "dispute-resolved")
            && Host.Emails(a.Sme.Email).Any(e => e.GetProperty("kind").GetString() == "milestone-funded")), "the other milestone's e-mails");
        Assert.Equal("approved", (await a.EngagementAsync()).Milestone(0).Status()); // still waiting for Stripe

        Server.StopFailing("/v1/transfers");
        await stripe.Service<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId).RaisePendingEventsAsync(); // as the sweep does
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
    }

    [Fact]
    public async Task A_chargeback_while_the_release_waits_for_the_startups_stripe_account_holds_the_release_until_the_bank_closes_it_and_an_admin_decides()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        await a.ApproveAsync(0); // no Stripe account yet: the release waits
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "release-awaiting-onboarding")),
            "the startup told its release waits");
        var chargeback = await ChargebackAsync(paid);
        var held = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal("disputed", held.Status());

        await OnboardAsync(a); // the startup's account is ready, but the bank disputes the payment: nothing is transferred
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);

        using var admin = Host.Admin();
        var decision = new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Le travail a été livré et accepté." };
        var resolve = $"/api/disputes/{held.GetProperty("dispute").Id()}/resolve";
        await (await admin.PostAsJsonAsync(resolve, decision)).Problem(HttpStatusCode.Conflict); // the bank has not closed it yet
        using var adminPages = await ReceiptTests.AdminPagesAsync(Host);
        var page = System.Net.WebUtility.HtmlDecode(await adminPages.GetStringAsync($"/engagements/{a.NeedId}"));
        Assert.Contains("La banque n'a pas encore clos sa contestation.", page); // answered in Stripe's dashboard: no form here yet
        Assert.DoesNotContain("name=\"releaseMad\"", page);
        Server.CloseDispute((string)chargeback["id"]!, "won"); // its event never reaches the marketplace: the decision looks it up
        var decided = (await (await admin.PostAsJsonAsync(resolve, decision)).Json(HttpStatusCode.OK)).Milestone(0);
        Assert.Equal("won", decided.GetProperty("dispute").GetProperty("bankOutcome").GetString());
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal(1_425_000, (await Engagements.AssertLedgerAsync(Host, a.NeedId))[$"startup:{a.StartupId}"]);
    }

    /// <summary>Milestone 0 paid by card, delivered and disputed by the SME (its startup onboarded at Stripe or not yet).</summary>
    private async Task<(Awarded A, JsonObject Paid, string DisputeId)> SmeDisputedAsync(string reason, bool onboarded = false)
    {
        var (a, _, paid) = await CardFundedAsync();
        if (onboarded) await OnboardAsync(a);
        await a.DeliverAsync(0);
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason })).Json(HttpStatusCode.OK);
        return (a, paid, (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id());
    }

    /// <summary>The card holder's bank disputes the payment (Stripe's <c>charge.dispute.created</c>).</summary>
    private async Task<JsonObject> ChargebackAsync(JsonObject paid)
    {
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        var dispute = Server.Dispute(chargeId);
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(dispute))).Json(HttpStatusCode.OK);
        return dispute;
    }

    /// <summary>The card holder's bank closes its dispute (Stripe's <c>charge.dispute.closed</c>), "won" or "lost".</summary>
    private async Task BankClosesAsync(JsonObject dispute, string status) =>
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeClosed(dispute, status))).Json(HttpStatusCode.OK);

    [Fact]
    public async Task A_chargeback_the_bank_closes_against_the_platform_is_booked_as_the_cards_refund_and_asks_stripe_for_nothing()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        var chargeback = await ChargebackAsync(paid);
        await BankClosesAsync(chargeback, "lost");
        await BankClosesAsync(chargeback, "lost"); // the same outcome again (another event): booked once
        var lost = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("refunded", "lost"), (lost.Status(), lost.GetProperty("dispute").GetProperty("bankOutcome").GetString()));
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value)); // paid 15,000, given back 15,000
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "dispute-resolved")),
            "the startup told where the money went");
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.CallsTo("POST", "/v1/refunds"), c => c.Field("metadata[needId]") == a.NeedId); // the bank already gave it back
        using var pages = await ReceiptTests.PagesAsync(Host, a.Founder);
        Assert.Contains("La banque du titulaire de la carte lui a rendu le paiement.", System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/engagements/{a.NeedId}")));
    }

    [Fact]
    public async Task An_inquiry_the_bank_closes_lets_the_admins_decide_and_a_chargeback_it_files_after_is_booked()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        var inquiry = Server.Dispute(chargeId, "general", status: "warning_needs_response"); // the bank asks; no money moves
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(inquiry))).Json(HttpStatusCode.OK);
        Assert.Equal("disputed", (await a.EngagementAsync()).Milestone(0).Status());
        Server.CloseDispute((string)inquiry["id"]!, "warning_closed");
        await BankClosesAsync(inquiry, "warning_closed");
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(inquiry))).Json(HttpStatusCode.OK); // its opening again, late
        string? BankOutcome(JsonElement m) => m.GetProperty("dispute").GetProperty("bankOutcome").GetString();
        Assert.Equal("won", BankOutcome((await a.EngagementAsync()).Milestone(0))); // the admins may decide

        // The bank files a chargeback after all, as a dispute of its own: the decision waits for it, and it is booked.
        var chargeback = Server.Dispute(chargeId);
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(chargeback))).Json(HttpStatusCode.OK);
        Assert.Null(BankOutcome((await a.EngagementAsync()).Milestone(0)));
        Server.CloseDispute((string)chargeback["id"]!, "lost");
        await BankClosesAsync(chargeback, "lost");
        var lost = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("refunded", "lost"), (lost.Status(), BankOutcome(lost)));
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));

        // Out of order: the chargeback's opening comes before the inquiry's closing, which then lets nobody decide.
        var (b, _, paidB) = await CardFundedAsync();
        await b.DeliverAsync(0);
        var chargeB = (string)Server.Object((string)paidB["payment_intent"]!)["latest_charge"]!;
        var inquiryB = Server.Dispute(chargeB, "general", status: "warning_needs_response");
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(inquiryB))).Json(HttpStatusCode.OK);
        Server.CloseDispute((string)inquiryB["id"]!, "warning_closed");
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(Server.Dispute(chargeB)))).Json(HttpStatusCode.OK);
        await BankClosesAsync(inquiryB, "warning_closed");
        Assert.Null(BankOutcome((await b.EngagementAsync()).Milestone(0)));
    }

    [Fact]
    public async Task A_chargeback_on_a_milestone_a_party_disputed_takes_the_dispute_over_for_the_admins()
    {
        var (a, paid, disputeId) = await SmeDisputedAsync("Le site ne s'ouvre pas.");
        await ChargebackAsync(paid);
        var dispute = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute");
        Assert.Equal("card", dispute.GetProperty("openedBy").GetString()); // the bank's claim: the platform's admins answer it
        Assert.Equal(0, dispute.GetProperty("mediators").GetArrayLength());
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Sme.Email).Any(e => e.GetProperty("kind").GetString() == "dispute-opened")),
            "the SME told of the chargeback's dispute");
    }

    [Fact]
    public async Task A_chargeback_after_a_decision_whose_release_has_not_gone_holds_it_until_the_admins_decide_again()
    {
        var (a, paid, disputeId) = await SmeDisputedAsync("Le site ne s'ouvre pas.");
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Le site s'ouvre." }))
            .Json(HttpStatusCode.OK); // no Stripe account yet: the decided release waits
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "release-awaiting-onboarding")),
            "the startup told its release waits");
        await BankClosesAsync(await ChargebackAsync(paid), "won"); // the bank kept the payment: the admins decide
        var held = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("disputed", "card"), (held.Status(), held.GetProperty("dispute").GetProperty("openedBy").GetString()));

        await OnboardAsync(a); // the startup's account is ready, but the bank disputes the payment: the decided release does not go
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);

        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Preuves envoyées à la banque." }))
            .Json(HttpStatusCode.OK);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Count(e => e.GetProperty("kind").GetString() == "dispute-resolved") == 2),
            "the startup told of both decisions");
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Preuves envoyées à la banque." }))
            .Json(HttpStatusCode.OK); // the same decision sent again
        var audit = await (await admin.GetAsync("/api/admin/audit?action=dispute-resolved")).Json(HttpStatusCode.OK);
        Assert.Equal(["release 15000.00 MAD; refund 0.00 MAD", "release 15000.00 MAD; refund 0.00 MAD"], // both decisions, each once, in MAD
            audit.GetProperty("entries").EnumerateArray().Where(x => x.GetProperty("target").GetString() == disputeId).Select(x => x.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_release_under_way_when_the_chargeback_came_is_looked_up_before_the_admins_decide_again()
    {
        var (a, paid, disputeId) = await SmeDisputedAsync("Le site ne s'ouvre pas.", onboarded: true);
        using var admin = Host.Admin();
        Server.FailNext("/v1/transfers", 500, count: 10_000); // the transfer's answer does not come: it may have gone
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Le site s'ouvre." }))
            .Json(HttpStatusCode.OK);
        await Engagements.EventuallyAsync(() => Task.FromResult(Server.Calls.Any(c => c.Path == "/v1/transfers" && c.Injected && c.Field("transfer_group") == a.NeedId)),
            "a transfer tried");
        await BankClosesAsync(await ChargebackAsync(paid), "won"); // the bank kept the payment: the admins decide

        var again = new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Preuves envoyées à la banque." };
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", again)).Problem(HttpStatusCode.Conflict); // not while it may have gone
        Server.StopFailing("/v1/transfers");
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); // looked up at Stripe: not made, and not made now either
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", again)).Json(HttpStatusCode.OK);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
    }

    [Fact]
    public async Task A_chargeback_after_a_split_decision_keeps_its_refund_under_way_and_the_admins_share_only_the_rest()
    {
        var (a, paid, disputeId) = await SmeDisputedAsync("La moitié seulement est livrée.");
        using var admin = Host.Admin();
        Server.FailNext("/v1/refunds", 500, count: 10_000); // the refund's answer does not come back for a while
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 750_000L, note = "Moitié, moitié." }))
            .Json(HttpStatusCode.OK);
        await Engagements.EventuallyAsync(() => Task.FromResult(Server.Calls.Any(c => c.Path == "/v1/refunds" && c.Injected && c.Field("payment_intent") == (string?)paid["payment_intent"])),
            "a refund tried");
        await BankClosesAsync(await ChargebackAsync(paid), "won"); // the bank kept the payment: the admins decide
        Assert.Equal("card", (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").GetProperty("openedBy").GetString());

        // The refund ordered first may have reached the card: it stays its own, and the new decision shares the other half.
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Tout au prestataire." }))
            .Problem(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 0L, note = "Preuves envoyées à la banque." }))
            .Json(HttpStatusCode.OK);
        Server.StopFailing("/v1/refunds");
        await OnboardAsync(a);
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, -750_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value)); // paid 15,000, half back, once
        Assert.Equal(712_500, balances[$"startup:{a.StartupId}"]); // half to the startup, less the fee
    }

    [Fact]
    public async Task A_refund_made_in_stripe_while_the_release_waits_for_the_startups_account_cancels_the_release()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        await a.ApproveAsync(0); // no Stripe account yet: the release waits
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "release-awaiting-onboarding")),
            "the startup told its release waits");
        var charge = Server.Object((string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!);
        charge["refunded"] = true;
        charge["amount_refunded"] = 1_500_000L; // an admin refunded the whole payment from Stripe's dashboard
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        // Refunded at once, or, when a follow-up was trying the waiting release again at that moment (the release in doubt),
        // by the follow-up the refund's event asks for.
        await Engagements.UntilAsync(Host, a.NeedId, 0, "refunded");

        await OnboardAsync(a); // the startup's account is ready: the card holder has the money back, nothing is transferred
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value)); // the SME paid and got it all back
        Assert.DoesNotContain(balances, b => b.Key.StartsWith("startup:") && b.Value != 0);
    }

    [Fact]
    public async Task A_partial_refund_made_in_stripe_holds_the_rest_of_the_milestone_for_an_admin_and_tells_both_parties_in_their_words()
    {
        var (a, _, paid) = await CardFundedAsync();
        var charge = Server.Object((string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!);
        charge["amount_refunded"] = 500_000L; // 5,000 of the 15,000 MAD refunded from Stripe's dashboard
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        var held = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("disputed", "card-refund", 500_000L), (held.Status(), held.GetProperty("dispute").GetProperty("openedBy").GetString(),
            held.GetProperty("refundedMinor").GetInt64()));
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/deliver", new { note = "Livré.", links = Array.Empty<string>() }))
            .Problem(HttpStatusCode.Conflict); // the rest is frozen until an admin decides

        // Both parties hear of it in their own language, not in Stripe's words.
        string[] sentences = ["Part of the card payment was refunded", "Une partie du paiement par carte a été remboursée", "أُرجع جزء من الدفعة بالبطاقة"];
        foreach (var person in new[] { a.Sme, a.Founder })
        {
            await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(person.Email).Any(e => e.GetProperty("kind").GetString() == "dispute-opened")),
                "the dispute e-mail");
            var text = Host.Emails(person.Email).Single(e => e.GetProperty("kind").GetString() == "dispute-opened").GetProperty("text").GetString()!;
            Assert.Contains(sentences, text.Contains);
            Assert.DoesNotContain("Stripe refunded", text);
        }

        using var admin = Host.Admin();
        var disputeId = held.GetProperty("dispute").Id();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Tout au prestataire." }))
            .Problem(HttpStatusCode.BadRequest); // more than what is left in escrow
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_000_000L, refundMinor = 0L, note = "Le reste au prestataire." }))
            .Json(HttpStatusCode.OK);
        await OnboardAsync(a);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        var transfer = Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Equal(950_000L, (long)transfer["amount"]!); // the rest, less the platform's 5 %
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        // The SME paid 15,000 and got 5,000 back; the startup got the other 10,000 less the fee.
        Assert.Equal((0L, -1_000_000L, 950_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value, balances[$"startup:{a.StartupId}"]));
    }

    [Fact]
    public async Task A_refund_in_stripe_of_a_co_funded_milestone_gives_the_card_back_what_it_paid_and_the_programme_its_share()
    {
        var programmeId = await Engagements.ProgrammeAsync(Host, percent: 30);
        var (a, funding, paid) = await CardFundedAsync(programmeId: programmeId); // 15,000 MAD: 10,500 by card, 4,500 by the programme
        Assert.Equal(1_050_000L, funding.GetProperty("amountMinor").GetInt64());
        var charge = Server.Object((string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!);
        charge["amount_refunded"] = 350_000L;
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();

        // The admin refunds the rest: the card gets back the other 7,000 it paid, the programme its 4,500.
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 0L, refundMinor = 1_150_000L, note = "Remboursement du reste." }))
            .Json(HttpStatusCode.OK);
        var refunded = await Engagements.UntilAsync(Host, a.NeedId, 0, "refunded");
        var refund = Assert.Single(Server.CallsTo("POST", "/v1/refunds"), c => c.Field("metadata[needId]") == a.NeedId && !c.Replayed);
        Assert.Equal("700000", refund.Field("amount"));
        // The decision says what goes back to whom: the SME is told of its 7,000, and of the programme's 4,500 apart.
        var decided = refunded.Milestone(0).GetProperty("dispute");
        Assert.Equal((1_150_000L, 450_000L), (decided.GetProperty("refundMinor").GetInt64(), decided.GetProperty("refundProgrammeMinor").GetInt64()));
        bool Resolved(System.Text.Json.JsonElement e) => e.GetProperty("kind").GetString() == "dispute-resolved";
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Sme.Email).Any(Resolved)), "the SME told of the decision");
        var told = Assert.Single(Host.Emails(a.Sme.Email), Resolved).GetProperty("text").GetString()!;
        Assert.Contains("7.000 MAD remboursés à la PME", told);
        Assert.Contains("4.500 MAD sont rendus au programme qui cofinançait ce jalon.", told);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));
        Assert.DoesNotContain(balances, b => b.Key.StartsWith("programme:") && b.Value != 0);
    }

    [Fact]
    public async Task A_refund_in_stripe_outruns_a_release_held_by_a_chargeback_and_one_carried_out_meanwhile_is_booked_from_the_platforms_funds()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        await a.ApproveAsync(0); // no Stripe account yet: the release waits
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(Server.Dispute(chargeId)))).Json(HttpStatusCode.OK);
        Assert.Equal("disputed", (await a.EngagementAsync()).Milestone(0).Status());
        var charge = Server.Object(chargeId);
        charge["refunded"] = true;
        charge["amount_refunded"] = 1_500_000L; // the admin gave the card holder the money back from Stripe's dashboard
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        var refunded = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal("refunded", refunded.Status());
        Assert.NotEqual(JsonValueKind.Null, refunded.GetProperty("dispute").GetProperty("resolvedAt").ValueKind); // nothing left to decide

        await OnboardAsync(a);
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.DoesNotContain((await Engagements.AssertLedgerAsync(Host, a.NeedId)).Keys, k => k.StartsWith("startup:"));

        // A job that was already between Stripe and the engagement when the refund came finishes: the transfer it made is
        // booked from the platform's funds (the ledger stays true and balanced), not taken from an escrow that is empty.
        await stripe.Service<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId).CompleteMoveAsync($"{a.NeedId}:m0:release", "tr_late");
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 1_425_000L, -1_500_000L), (balances["escrow"], balances[$"startup:{a.StartupId}"], balances[LedgerAccounts.PlatformFunds]));
    }

    [Fact]
    public async Task Our_own_refund_reported_back_while_the_decided_release_waits_is_not_booked_twice()
    {
        var (a, _, paid) = await CardFundedAsync();
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "La moitié seulement a été livrée." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 750_000L, note = "Moitié, moitié." }))
            .Json(HttpStatusCode.OK);
        // The refund goes to the card; the release waits for the startup's Stripe account.
        await Engagements.EventuallyAsync(async () => (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64() == 750_000, "the card refunded");
        var charge = Server.Object((string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!);
        charge["amount_refunded"] = 750_000L; // Stripe reports our own refund back
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        Assert.Equal(750_000L, (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64());

        await OnboardAsync(a); // the decided release goes
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Equal(712_500L, (long)Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId)["amount"]!);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, -750_000L, 712_500L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value, balances[$"startup:{a.StartupId}"]));
    }

    [Fact]
    public async Task A_cancellation_refund_that_a_dashboard_refund_overtook_completes_without_refunding_the_card_twice()
    {
        var (a, _, paid) = await CardFundedAsync();
        Server.FailNext("/v1/refunds", 503, count: 1000); // Stripe does not answer: the cancellation's refund waits
        await (await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/engagement/cancel", null)).Json(HttpStatusCode.OK);
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        var charge = Server.RefundInDashboard(chargeId, 1_500_000); // meanwhile an admin refunds the card from Stripe's dashboard
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        Server.StopFailing("/v1/refunds");

        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "refunded");
        Assert.DoesNotContain(Server.CallsTo("POST", "/v1/refunds"), c => c.Field("metadata[needId]") == a.NeedId && c.Status == 200);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));
        Assert.DoesNotContain((await a.EngagementAsync()).GetProperty("payouts").EnumerateArray(),
            p => p.GetProperty("status").GetString() is "pending" or "held"); // nothing owed to the SME by bank either
    }

    [Fact]
    public async Task A_second_refund_in_stripe_after_a_decision_is_decided_again_under_operations_of_its_own()
    {
        var (a, _, paid) = await CardFundedAsync();
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        using var admin = Host.Admin();
        async Task ResolveAsync(long release, long refund)
        {
            var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
            await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = release, refundMinor = refund, note = "Décision." }))
                .Json(HttpStatusCode.OK);
        }
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 100_000)))).Json(HttpStatusCode.OK);
        await ResolveAsync(700_000, 700_000); // the refund goes to the card; the release waits for the startup's Stripe account
        await Engagements.EventuallyAsync(async () => (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64() == 800_000, "the decided refund");
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.Object(chargeId)))).Json(HttpStatusCode.OK); // ours, reported back

        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 50_000)))).Json(HttpStatusCode.OK);
        Assert.Equal("disputed", (await a.EngagementAsync()).Milestone(0).Status()); // decided again: what is left, 6,500
        await Engagements.EventuallyAsync(() => Task.FromResult(Host.Emails(a.Sme.Email).Count(e => e.GetProperty("kind").GetString() == "dispute-opened") == 2),
            "the SME told of each dispute");
        await ResolveAsync(0, 650_000);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "refunded");
        var refunds = Server.CallsTo("POST", "/v1/refunds").Where(c => c.Field("metadata[needId]") == a.NeedId && c.Status == 200 && !c.Replayed).ToList();
        Assert.Equal([($"{a.NeedId}:m0:decided-refund", "700000"), ($"{a.NeedId}:m0:decided-refund-2", "650000")],
            refunds.Select(r => (r.IdempotencyKey, r.Field("amount"))).ToList());
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 0L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        // Each decided refund has its payout, and its receipt says what that refund gave back.
        var payouts = (await a.EngagementAsync()).GetProperty("payouts").EnumerateArray().Select(p => (p.GetProperty("id").GetString()!, p.GetProperty("amountMinor").GetInt64())).ToList();
        Assert.Equal([700_000L, 650_000L], payouts.Select(p => p.Item2));
        using var scope = Host.Services.CreateScope();
        foreach (var (id, amount) in payouts)
        {
            ReceiptResponse? receipt = null;
            await Engagements.EventuallyAsync(async () =>
            {
                try { receipt = await scope.ServiceProvider.GetRequiredService<ReceiptCommands>().GetAsync(new Grains.Caller(a.Sme.AccountId, "sme"), id); }
                catch (Grains.MarketplaceException) { } // numbered by the follow-up moments later
                return receipt is not null;
            }, "the refund's receipt");
            Assert.Equal(("refund", amount, amount), (receipt!.Kind, receipt.Amounts.AmountMinor, receipt.Amounts.NetMinor));
        }
    }

    [Fact]
    public async Task A_refund_in_stripe_while_our_decided_refund_waits_for_stripe_is_booked_once_ours_is_and_the_rest_decided_again()
    {
        var (a, _, paid) = await CardFundedAsync();
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "La moitié seulement a été livrée." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        using var admin = Host.Admin();
        Server.FailNext("/v1/refunds", 503, count: 1000); // Stripe does not answer: the decided refund waits
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 750_000L, note = "Moitié, moitié." }))
            .Json(HttpStatusCode.OK);
        // Meanwhile an admin gives the card 1,500 back from Stripe's dashboard: told apart from ours once ours is recorded.
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 150_000)))).Json(HttpStatusCode.OK);
        Server.StopFailing("/v1/refunds");
        Server.FailAfterCreate("/v1/refunds"); // then ours is made, but the answer is lost: the move is still under way...
        try { await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); } catch (AggregateException) { } // (or the job's own retry)
        await Engagements.EventuallyAsync(() => Task.FromResult(Server.CallsTo("POST", "/v1/refunds").Any(c => c.Injected && c.Field("metadata[needId]") == a.NeedId)),
            "our refund, its answer lost");
        // ...when Stripe reports 9,000 refunded in all: ours and the dashboard's (the report may come twice).
        for (var i = 0; i < 2; i++) await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.Object(chargeId)))).Json(HttpStatusCode.OK);
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); // our refund, found at Stripe by its operation, is recorded (or the job's retry did)

        // The dashboard refund outran the decided release (it waits for the startup's Stripe account): the rest is decided
        // again, by this follow-up or by the job's retry running beside it (on a busy machine, a moment later).
        await Engagements.EventuallyAsync(async () => (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64() == 900_000L,
            "the dashboard's refund booked once ours is");
        var milestone = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("disputed", JsonValueKind.Null, 900_000L), (milestone.Status(), milestone.GetProperty("dispute").GetProperty("resolvedAt").ValueKind,
            milestone.GetProperty("refundedMinor").GetInt64()));
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((600_000L, -600_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.Object(chargeId)))).Json(HttpStatusCode.OK); // reported again
        Assert.Equal(600_000L, (await Engagements.AssertLedgerAsync(Host, a.NeedId))["escrow"]);
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 600_000L, refundMinor = 0L, note = "Le reste." }))
            .Json(HttpStatusCode.OK);
        await OnboardAsync(a);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Equal(570_000L, (long)Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId)["amount"]!);
        balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, -600_000L, 570_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value, balances[$"startup:{a.StartupId}"]));
        Assert.False(balances.ContainsKey(LedgerAccounts.PlatformFunds));
    }

    [Fact]
    public async Task Events_signed_by_the_connect_endpoint_are_taken_but_a_connected_accounts_payment_events_move_nothing()
    {
        // OnboardAsync's account.updated is signed with the Connect endpoint's secret: taken (the release below goes).
        var (a, _, paid) = await CardFundedAsync();
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        // A refund reported by a connected account (its own charge, whatever metadata it carries) is not the milestone's.
        var foreign = StripeEvents.Event("charge.refunded", Server.RefundInDashboard(chargeId, 1_500_000), account: "acct_someone");
        var answer = await (await stripe.PostEventAsync(foreign, StripeEvents.Sign(foreign, StripeHost.ConnectSecret))).Json(HttpStatusCode.OK);
        Assert.False(answer.GetProperty("applied").GetBoolean());
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());
        // Signed with neither secret: refused.
        await (await stripe.PostEventAsync(foreign, StripeEvents.Sign(foreign, "whsec_other"))).Problem(HttpStatusCode.BadRequest);
        await OnboardAsync(a);
        await a.DeliverAsync(0);
        await a.ApproveAsync(0);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
    }

    [Fact]
    public async Task A_refund_in_stripe_after_the_release_is_booked_from_the_platforms_funds_and_the_release_stands()
    {
        var (a, _, paid) = await CardFundedAsync();
        await OnboardAsync(a);
        await a.DeliverAsync(0);
        await a.ApproveAsync(0);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        // A goodwill gesture from Stripe's dashboard after the money went to the startup: the platform's balance paid it.
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        var charge = Server.RefundInDashboard(chargeId, 100_000);
        for (var i = 0; i < 2; i++) await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK); // two events, one report
        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); // and a follow-up: nothing more
        var milestone = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("released", 1_500_000L), (milestone.Status(), milestone.GetProperty("releasedMinor").GetInt64()));
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, -1_400_000L, 1_425_000L, -100_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value,
            balances[$"startup:{a.StartupId}"], balances[LedgerAccounts.PlatformFunds]));
    }

    [Fact]
    public async Task A_transfer_made_for_a_release_a_refund_in_stripe_then_replaced_is_found_and_booked_from_the_platforms_funds()
    {
        var (a, _, paid) = await CardFundedAsync();
        await a.DeliverAsync(0);
        await a.ApproveAsync(0); // no Stripe account yet: the release waits
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(Server.Dispute(chargeId)))).Json(HttpStatusCode.OK); // held
        await OnboardAsync(a);
        // A job carried the release out at Stripe, and died before it told the engagement...
        var grain = stripe.Service<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId);
        var release = (await grain.GetAsync(new Grains.Caller(a.Sme.AccountId, "sme"))).Milestones[0].PendingMoves.Single();
        await stripe.Service<IEnumerable<IPaymentRail>>().Single(r => r.Method == PaymentMethod.Stripe).MoveAsync(release, default);
        // ...when the card was refunded whole from Stripe's dashboard: the refund outran the release it did not know was made.
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 1_500_000)))).Json(HttpStatusCode.OK);
        Assert.Equal("refunded", (await a.EngagementAsync()).Milestone(0).Status());

        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); // the follow-up finds the transfer at Stripe
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, 1_425_000L, -1_500_000L), (balances["escrow"], balances[$"startup:{a.StartupId}"], balances[LedgerAccounts.PlatformFunds]));
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        Assert.Contains((await a.EngagementAsync()).GetProperty("payouts").EnumerateArray(), p => p.GetProperty("amountMinor").GetInt64() == 1_425_000);
    }

    [Fact]
    public async Task A_refund_in_stripe_does_not_outrun_a_release_whose_transfer_may_have_gone_and_is_booked_once_it_has()
    {
        var (a, _, paid) = await CardFundedAsync();
        await OnboardAsync(a);
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "La moitié seulement a été livrée." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        Server.FailAfterCreate("/v1/transfers"); // the decided release is transferred, but the answer is lost: in doubt
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 750_000L, note = "Moitié, moitié." }))
            .Json(HttpStatusCode.OK);
        await Engagements.EventuallyAsync(async () => (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64() == 750_000, "our refund");
        // A refund of 1,500 from Stripe's dashboard, reported with ours: it does not take the place of the release in doubt.
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 150_000)))).Json(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").GetProperty("resolvedAt").ValueKind);

        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId); // the release's transfer is found; the dashboard refund is booked
        await Engagements.UntilAsync(Host, a.NeedId, 0, "released");
        Assert.Single(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((0L, -600_000L, 712_500L, -150_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value,
            balances[$"startup:{a.StartupId}"], balances[LedgerAccounts.PlatformFunds]));
    }

    [Fact]
    public async Task A_release_refused_by_stripe_is_looked_for_not_made_again_once_a_refund_in_stripe_waits_and_the_refund_takes_its_place()
    {
        var (a, _, paid) = await CardFundedAsync();
        await OnboardAsync(a);
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "La moitié seulement a été livrée." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        Server.FailNext("/v1/transfers", 503, count: 1000); // Stripe refuses the decided release: nothing is transferred
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 750_000L, refundMinor = 750_000L, note = "Moitié, moitié." }))
            .Json(HttpStatusCode.OK);
        await Engagements.EventuallyAsync(async () => (await a.EngagementAsync()).Milestone(0).GetProperty("refundedMinor").GetInt64() == 750_000, "our refund");
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.RefundInDashboard(chargeId, 150_000)))).Json(HttpStatusCode.OK);
        // An attempt that read the engagement before the dashboard refund (a retry of the refused release, and Stripe.net's
        // own retries within it) ends while Stripe still refuses; every later one reads the refund waiting.
        await Host.JobsSettledAsync();
        Server.StopFailing("/v1/transfers"); // Stripe would take the transfer now: it must not be made

        await stripe.Service<PaymentJobs>().FollowUpAsync(a.NeedId);
        var milestone = (await a.EngagementAsync()).Milestone(0);
        Assert.Equal(("disputed", JsonValueKind.Null, 900_000L), (milestone.Status(), milestone.GetProperty("dispute").GetProperty("resolvedAt").ValueKind,
            milestone.GetProperty("refundedMinor").GetInt64())); // the rest, 6,000, is decided again
        await Host.JobsSettledAsync();
        Assert.DoesNotContain(Server.Transfers(), t => (string?)t["transfer_group"] == a.NeedId);
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal((600_000L, -600_000L), (balances["escrow"], balances.Single(b => b.Key.StartsWith("sme:")).Value));
    }

    [Fact]
    public async Task A_checkout_paid_after_the_engagement_was_cancelled_goes_back_to_the_card_once_and_books_nothing()
    {
        var a = await Engagements.AwardedAsync(Host);
        var sessionId = (await a.FundAsync(0, "stripe")).GetProperty("checkoutUrl").GetString()!.Split('/')[^1];
        await (await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/engagement/cancel", null)).Json(HttpStatusCode.OK);
        var paid = Server.CompleteCheckout(sessionId); // the checkout page was still open
        Server.FailNext("/v1/refunds", 500, count: 10); // Stripe failing: the event is answered 503, and Stripe sends it again
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(paid))).Problem(HttpStatusCode.ServiceUnavailable);
        Server.StopFailing("/v1/refunds");
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(paid))).Json(HttpStatusCode.OK); // refused, and refunded
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(paid))).Json(HttpStatusCode.OK); // a copy: not refunded again
        var refund = Assert.Single(Server.CallsTo("POST", "/v1/refunds"), c => c.Field("payment_intent") == (string?)paid["payment_intent"] && c.Status == 200);
        Assert.Equal("1500000", refund.Field("amount"));
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(Server.Object(chargeId)))).Json(HttpStatusCode.OK);

        Assert.Equal("cancelled", (await a.EngagementAsync()).Milestone(0).Status());
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.False(balances.ContainsKey(LedgerAccounts.PlatformFunds)); // the money never reached the marketplace's books
        Assert.DoesNotContain(balances, b => b.Key.StartsWith("sme:") && b.Value != 0);
    }

    [Fact]
    public async Task Stripe_down_when_the_sme_pays_by_card_is_a_503_to_try_again_and_the_retry_opens_one_checkout()
    {
        var a = await Engagements.AwardedAsync(Host);
        Server.FailNext("/v1/checkout/sessions", 503);
        var down = await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" });
        Assert.Contains("Stripe", (await down.Problem(HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(30), down.Headers.RetryAfter?.Delta);
        Server.FailNext("/v1/checkout/sessions", 400); // a request Stripe refuses: not the SME's fault, not worth retrying
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" })).Problem(HttpStatusCode.BadGateway);
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());

        var funding = await a.FundAsync(0, "stripe");
        Assert.StartsWith("https://checkout.stripe.com/", funding.GetProperty("checkoutUrl").GetString());
        Assert.Single(Server.CheckoutSessions(), c => (string?)c["client_reference_id"] == funding.GetProperty("paymentId").GetString());

        // The startup's onboarding link, Stripe unreachable, is the same 503 (it was a 500); the retry gets its link.
        for (var i = 0; i < 5; i++) Server.FailAfterCreate("/v1/account_links", dropConnection: true);
        var onboarding = await a.Founder.Client.PostAsync($"/api/startups/{a.StartupId}/stripe-onboarding", null);
        Server.StopFailing("/v1/account_links");
        Assert.Contains("Stripe", (await onboarding.Problem(HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString());
        await OnboardAsync(a);
    }

    [Fact]
    public async Task A_card_checkout_that_cannot_open_leaves_the_bank_transfer_the_sme_chose_awaited_with_its_instructions()
    {
        var a = await Engagements.AwardedAsync(Host);
        var transfer = await a.FundAsync(0); // the SME chose a bank transfer, and may have sent it
        var reference = transfer.GetProperty("reference").GetString()!;
        using var admin = Host.Admin();
        async Task<bool> AwaitedAsync() => (await (await admin.GetAsync("/api/admin/bank-transfers")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Any(t => t.GetProperty("reference").GetString() == reference);
        await Engagements.EventuallyAsync(AwaitedAsync, "the transfer awaited");

        for (var i = 0; i < 5; i++) Server.FailAfterCreate("/v1/checkout/sessions", dropConnection: true); // Stripe cannot be reached
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" })).Problem(HttpStatusCode.ServiceUnavailable);
        Server.StopFailing("/v1/checkout/sessions");
        Server.FailNext("/v1/checkout/sessions", 400); // then refuses the request
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" })).Problem(HttpStatusCode.BadGateway);

        Assert.Equal("bank-transfer", (await a.EngagementAsync()).Milestone(0).GetProperty("method").GetString());
        await Engagements.EventuallyAsync(AwaitedAsync, "still on the admins' list of transfers to confirm (the list follows each request's follow-up)");
        using var page = await ReceiptTests.PagesAsync(Host, a.Sme);
        Assert.Contains(reference, await page.GetStringAsync($"/engagements/{a.NeedId}")); // the instructions, reference included
    }

    [Fact]
    public async Task A_bad_signature_or_an_old_event_is_400_and_changes_nothing()
    {
        var a = await Engagements.AwardedAsync(Host);
        var funding = await a.FundAsync(0, "stripe");
        var json = StripeEvents.CheckoutSessionCompleted(Server.CompleteCheckout(funding.GetProperty("checkoutUrl").GetString()!.Split('/')[^1]));
        await (await stripe.PostEventAsync(json, StripeEvents.BadSignature())).Problem(HttpStatusCode.BadRequest);
        await (await stripe.PostEventAsync(json, signed: false)).Problem(HttpStatusCode.BadRequest); // no Stripe-Signature header at all
        await (await stripe.PostEventAsync(json, "")).Problem(HttpStatusCode.BadRequest);
        await (await stripe.PostEventAsync(json, StripeEvents.Sign(json, StripeHost.Secret, DateTimeOffset.UtcNow.AddMinutes(-6)))).Problem(HttpStatusCode.BadRequest);
        await (await stripe.PostEventAsync(json, StripeEvents.Sign(json, "whsec_other"))).Problem(HttpStatusCode.BadRequest);
        await (await stripe.PostEventAsync(json.Replace("\"paid\"", "\"unpaid\""), StripeEvents.Sign(json, StripeHost.Secret))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());
        Assert.Empty(await Engagements.AssertLedgerAsync(Host, a.NeedId));
        await (await stripe.PostEventAsync(json)).Json(HttpStatusCode.OK); // the genuine event, later, is applied
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());
    }

    [Fact]
    public async Task Events_out_of_order_a_refund_before_the_completion_and_account_updates_reversed_end_right()
    {
        var a = await Engagements.AwardedAsync(Host);
        var funding = await a.FundAsync(0, "stripe");
        var paid = Server.CompleteCheckout(funding.GetProperty("checkoutUrl").GetString()!.Split('/')[^1]);
        var charge = Server.Object((string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!);
        charge["refunded"] = true;
        charge["amount_refunded"] = charge["amount"]!.GetValue<long>();
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK);
        await (await stripe.PostEventAsync(StripeEvents.CheckoutSessionCompleted(paid))).Json(HttpStatusCode.OK);
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());
        Assert.Empty(await Engagements.AssertLedgerAsync(Host, a.NeedId));
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" })).Json(HttpStatusCode.OK);
        Assert.Equal($"{funding.GetProperty("paymentId").GetString()}:checkout:2", Server.CallsTo("POST", "/v1/checkout/sessions")[^1].IdempotencyKey);

        await (await a.Founder.Client.PostAsync($"/api/startups/{a.StartupId}/stripe-onboarding", null)).Json(HttpStatusCode.OK);
        var accountId = (string)Server.Accounts().Single(x => (string?)x["metadata"]!["startupId"] == a.StartupId)["id"]!;
        var disabled = Server.Object(accountId);
        var enabled = Server.EnablePayouts(accountId);
        await (await stripe.PostEventAsync(StripeEvents.Event("account.updated", enabled, accountId, DateTimeOffset.UtcNow))).Json(HttpStatusCode.OK);
        await (await stripe.PostEventAsync(StripeEvents.Event("account.updated", disabled, accountId, DateTimeOffset.UtcNow.AddMinutes(-3)))).Json(HttpStatusCode.OK);
        var account = await stripe.Service<IGrainFactory>().GetGrain<IPayoutAccountGrain>(a.StartupId).GetAsync();
        Assert.True(account!.PayoutsEnabled);
    }

    [Fact]
    public async Task A_dispute_resolved_by_refund_refunds_the_card_once_and_a_card_dispute_freezes_the_milestone()
    {
        var (a, funding, _) = await CardFundedAsync();
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "Rien n'a été livré depuis un mois." })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        using var admin = Host.Admin();
        await (await admin.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 0L, refundMinor = 1_500_000L, note = "Remboursement." }))
            .Json(HttpStatusCode.OK);
        await Engagements.UntilAsync(Host, a.NeedId, 0, "refunded"); // the follow-up refunds the card
        // A follow-up handed over twice may ask again, always with the same idempotency key: Stripe refunds once.
        var refunds = Server.CallsTo("POST", "/v1/refunds").Where(c => c.Field("metadata[needId]") == a.NeedId).ToList();
        var refund = Assert.Single(refunds, c => !c.Replayed);
        Assert.All(refunds, c => Assert.Equal(refund.IdempotencyKey, c.IdempotencyKey));
        Assert.Equal(($"{a.NeedId}:m0:decided-refund", "1500000"), (refund.IdempotencyKey, refund.Field("amount")));
        var charge = Server.Object((string)Server.Object(refund.Field("payment_intent")!)["latest_charge"]!);
        await (await stripe.PostEventAsync(StripeEvents.ChargeRefunded(charge))).Json(HttpStatusCode.OK); // our own refund, reported back
        var balances = await Engagements.AssertLedgerAsync(Host, a.NeedId);
        Assert.Equal(0, balances["escrow"]);
        Assert.Equal(0, balances.Single(b => b.Key.StartsWith("sme:")).Value);

        var (b, _, paid) = await CardFundedAsync();
        var cohort = await Incubation.ProgrammeAsync(Host);
        await cohort.AddMemberAsync(b.Founder, b.StartupId);
        var chargeId = (string)Server.Object((string)paid["payment_intent"]!)["latest_charge"]!;
        await (await stripe.PostEventAsync(StripeEvents.ChargeDisputeCreated(Server.Dispute(chargeId)))).Json(HttpStatusCode.OK);
        var frozen = (await b.EngagementAsync()).Milestone(0);
        Assert.Equal("disputed", frozen.Status());
        Assert.Equal("card", frozen.GetProperty("dispute").GetProperty("openedBy").GetString());
        // The card holder's bank against the platform: admins answer it, not the startup's own incubator.
        await (await cohort.Manager.Client.GetAsync($"/api/needs/{b.NeedId}/engagement")).Problem(HttpStatusCode.NotFound);
        await (await cohort.Manager.Client.PostAsJsonAsync($"/api/disputes/{frozen.GetProperty("dispute").Id()}/resolve",
            new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Livré." })).Problem(HttpStatusCode.NotFound);
        Assert.NotNull(funding.GetProperty("paymentId").GetString());
    }
}
