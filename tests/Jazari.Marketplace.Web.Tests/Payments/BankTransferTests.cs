using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>Engagements paid by bank transfer, end to end over HTTP, with the ledger's invariants after every step.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class BankTransferTests(MarketplaceHost host)
{
    [Fact]
    public async Task Admins_see_the_transfers_awaited_until_confirmed_or_cancelled_and_one_fills_the_confirmation_form_in()
    {
        var a = await Engagements.AwardedAsync(host);
        var b = await Engagements.AwardedAsync(host);
        var first = await a.FundAsync(0);
        var second = await b.FundAsync(0);
        using var admin = host.Admin();
        async Task<List<JsonElement>> AwaitedAsync() => [.. (await (await admin.GetAsync("/api/admin/bank-transfers")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Where(t => t.GetProperty("needId").GetString() is { } id && (id == a.NeedId || id == b.NeedId))];
        await Engagements.EventuallyAsync(async () => (await AwaitedAsync()).Count == 2, "both transfers listed by the follow-ups");
        var listed = (await AwaitedAsync()).Single(t => t.GetProperty("needId").GetString() == a.NeedId);
        var reference = first.GetProperty("reference").GetString()!;
        Assert.Equal((reference, "Huilerie Zerhoun", 1_500_000L, "MAD"), (listed.GetProperty("reference").GetString(), listed.GetProperty("smeName").GetString(),
            listed.GetProperty("amountMinor").GetInt64(), listed.GetProperty("currency").GetString()));
        await (await a.Sme.Client.GetAsync("/api/admin/bank-transfers")).Problem(HttpStatusCode.Forbidden);

        // On the admin's payments page: the transfer, and its reference filling the confirmation form in.
        using (var browser = await ReceiptTests.AdminPagesAsync(host))
        {
            var page = await browser.GetStringAsync("/admin/payments");
            Assert.Contains($"href=\"/admin/payments?reference={reference}#reference\"", page);
            Assert.Contains($"value=\"{reference}\"", await browser.GetStringAsync($"/admin/payments?reference={reference}"));
        }

        await Engagements.ConfirmAsync(host, first); // the transfer arrived
        await (await b.Sme.Client.PostAsync($"/api/needs/{b.NeedId}/engagement/cancel", null)).Json(HttpStatusCode.OK); // never to come
        await Engagements.EventuallyAsync(async () => (await AwaitedAsync()).Count == 0, "both off the list");
        Assert.Equal(second.GetProperty("paymentId").GetString(), (await b.EngagementAsync()).Milestone(0).GetProperty("paymentId").GetString());
    }

    [Fact]
    public async Task A_whole_engagement_with_a_programme_runs_fund_confirm_deliver_approve_payout_and_completes()
    {
        var programme = await Engagements.ProgrammeAsync(host, percent: 30);
        var a = await Engagements.AwardedAsync(host, programme);
        var engagement = await a.EngagementAsync();
        Assert.Equal(programme, engagement.GetProperty("programmeId").GetString());
        Assert.Equal(a.StartupId, engagement.GetProperty("startupId").GetString());
        Assert.All(engagement.GetProperty("milestones").EnumerateArray(), m => Assert.Equal("awaiting-funding", m.Status()));

        var funding = await a.FundAsync(0);
        Assert.Equal(1_050_000, funding.GetProperty("amountMinor").GetInt64()); // 70% of 15 000 MAD; the programme pays 30%
        Assert.Equal(450_000, funding.GetProperty("programmeMinor").GetInt64());
        var reference = funding.GetProperty("reference").GetString()!;
        Assert.Contains(reference, funding.GetProperty("instructions").GetString());
        Assert.Equal(funding.GetProperty("paymentId").GetString(), (await a.FundAsync(0)).GetProperty("paymentId").GetString()); // asking again: the same payment
        await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Empty((await Engagements.AssertLedgerAsync(host, a.NeedId)));

        await Engagements.ConfirmAsync(host, funding, amountMinor: 1_000_000, expected: HttpStatusCode.BadRequest); // a wrong amount is refused
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());
        var confirmed = await Engagements.ConfirmAsync(host, funding);
        var m0 = confirmed.Milestone(0);
        Assert.Equal("funded", m0.Status());
        Assert.Equal(["sme:1050000:paid", "programme:450000:paid"], m0.GetProperty("funding").EnumerateArray()
            .Select(f => $"{f.GetProperty("source").GetString()}:{f.GetProperty("amountMinor").GetInt64()}:{f.GetProperty("status").GetString()}"));
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(1_500_000, balances["escrow"]);
        Assert.Equal(-450_000, balances[$"programme:{programme}"]);
        await Engagements.EventuallyAsync(async () => (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}")).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString() == "in-progress", "the need in progress");
        await Engagements.ConfirmAsync(host, funding, expected: HttpStatusCode.Conflict); // another transfer for a funded milestone

        Assert.Equal("delivered", (await a.DeliverAsync(0)).Milestone(0).Status());
        await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal("approved", (await a.ApproveAsync(0)).Milestone(0).Status()); // the state written; the release follows
        await Engagements.UntilAsync(host, a.NeedId, 0, "released");
        balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(0, balances["escrow"]);
        Assert.Equal(75_000, balances["platform-fees"]); // 5% of 15 000 MAD
        Assert.Equal(1_425_000, balances[$"startup:{a.StartupId}"]);

        using var admin = host.Admin();
        async Task<List<JsonElement>> PendingAsync() => [.. (await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK))
            .EnumerateArray().Where(p => p.GetProperty("needId").GetString() == a.NeedId)];
        await Engagements.EventuallyAsync(async () => (await PendingAsync()).Count > 0, "the payout order listed");
        var payout = Assert.Single(await PendingAsync());
        Assert.Equal(1_425_000, payout.GetProperty("amountMinor").GetInt64());
        Assert.Equal(a.StartupId, payout.GetProperty("beneficiaryId").GetString());
        Assert.Equal("awaiting-details", payout.GetProperty("status").GetString()); // no RIB yet: not in the bank file
        await (await a.Founder.Client.PutAsJsonAsync($"/api/startups/{a.StartupId}/payout-details", new { holder = "Web Atlas SARL", rib = "007 780 0001234567890123 96" }))
            .Json(HttpStatusCode.OK);
        var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        var csvResponse = await admin.SendAsync(csvRequest);
        var csv = await csvResponse.Content.ReadAsStringAsync();
        Assert.StartsWith("\uFEFFpayoutId,kind,", csv);
        Assert.Contains($"{payout.Id()},release,startup,{a.StartupId},Web Atlas,14250.00,MAD,{a.NeedId},0,", csv);
        // In a file awaiting the bank, it is not paid by hand (the bank would pay it again); once the file is withdrawn, it is.
        var fileId = csvResponse.Headers.GetValues("X-Payout-File-Id").Single();
        var inFile = await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-2026-0042" })).Problem(HttpStatusCode.Conflict);
        Assert.Contains(fileId, inFile.GetProperty("detail").GetString());
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Payé au guichet." })).Json(HttpStatusCode.OK);

        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "" })).Problem(HttpStatusCode.BadRequest);
        var paid = await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-2026-0042" })).Json(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-2026-0042" })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "AUTRE" })).Problem(HttpStatusCode.Conflict);
        await Engagements.EventuallyAsync(async () => (await PendingAsync()).Count == 0, "the paid order off the list");

        var second = await a.FundAsync(1);
        await Engagements.ConfirmAsync(host, second);
        await a.DeliverAsync(1);
        await a.ApproveAsync(1);
        await Engagements.UntilAsync(host, a.NeedId, e => e.GetProperty("status").GetString() == "completed");
        await Engagements.EventuallyAsync(async () => (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}")).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString() == "completed", "the need completed");
        balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(2_850_000, balances[$"startup:{a.StartupId}"]);
        Assert.Equal(-900_000, balances[$"programme:{programme}"]);
        var programmeView = await (await admin.GetAsync($"/api/admin/programmes/{programme}")).Json(HttpStatusCode.OK);
        Assert.Equal(900_000, programmeView.GetProperty("committedMinor").GetInt64());

        var kpis = await (await a.Founder.Client.GetAsync($"/api/startups/{a.StartupId}/kpis")).Json(HttpStatusCode.OK);
        Assert.Equal(3_000_000, kpis.GetProperty("kpis").GetProperty("revenueReleasedMinor").GetInt64());
        Assert.Equal(2, kpis.GetProperty("kpis").GetProperty("milestonesDelivered").GetInt32());

        var audit = await (await admin.GetAsync("/api/admin/audit?action=payment-confirmed")).Json(HttpStatusCode.OK);
        var confirmation = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == funding.GetProperty("paymentId").GetString());
        // The amount in MAD, as the admin typed it (it read "1500000 MAD": centimes under the MAD label).
        Assert.StartsWith($"{funding.GetProperty("amountMinor").GetInt64() / 100m:0.00} MAD; bank ", confirmation.GetProperty("detail").GetString());
        var paidAudit = await (await admin.GetAsync("/api/admin/audit?action=payout-paid")).Json(HttpStatusCode.OK);
        Assert.Single(paidAudit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == payout.Id());
    }

    [Fact]
    public async Task The_programme_pays_no_more_than_its_cap_per_sme_nor_its_budget()
    {
        var capped = await Engagements.ProgrammeAsync(host, percent: 50, capMinor: 500_000);
        var a = await Engagements.AwardedAsync(host, capped);
        Assert.Equal(500_000, (await a.FundAsync(0)).GetProperty("programmeMinor").GetInt64());
        Assert.Equal(0, (await a.FundAsync(1)).GetProperty("programmeMinor").GetInt64()); // the SME's cap is used up

        var small = await Engagements.ProgrammeAsync(host, percent: 50, budgetMinor: 900_000);
        var b = await Engagements.AwardedAsync(host, small);
        Assert.Equal(750_000, (await b.FundAsync(0)).GetProperty("programmeMinor").GetInt64());
        Assert.Equal(150_000, (await b.FundAsync(1)).GetProperty("programmeMinor").GetInt64()); // what is left of the budget
        await Engagements.AssertLedgerAsync(host, b.NeedId);
    }

    [Fact]
    public async Task Two_approvals_at_once_release_once()
    {
        var a = await Engagements.AwardedAsync(host);
        await Engagements.ConfirmAsync(host, await a.FundAsync(0));
        await a.DeliverAsync(0);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/milestones/0/approve", null)));
        Assert.All(answers, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Engagements.UntilAsync(host, a.NeedId, 0, "released");
        await host.JobsSettledAsync();
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(1_425_000, balances[$"startup:{a.StartupId}"]);
        Assert.Single((await a.EngagementAsync()).GetProperty("payouts").EnumerateArray());
    }

    [Fact]
    public async Task A_dispute_is_resolved_by_a_manager_of_its_mediator_institute_the_sme_accepted_with_a_split_and_only_the_parties_and_mediators_see_the_engagement()
    {
        var a = await Engagements.AwardedAsync(host);
        var cohort = await Incubation.ProgrammeAsync(host);
        await cohort.AddMemberAsync(a.Founder, a.StartupId);
        var funding = await a.FundAsync(0);
        await Engagements.ConfirmAsync(host, funding);
        await a.DeliverAsync(0);

        var stranger = await host.SignUpAsync("sme");
        await (await stranger.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Problem(HttpStatusCode.NotFound);
        await (await stranger.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "Je ne suis pas d'accord." })).Problem(HttpStatusCode.NotFound);
        await (await a.Founder.Client.GetAsync($"/api/needs/{a.NeedId}/ledger")).Problem(HttpStatusCode.NotFound);
        await (await stranger.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/1/fund", new { method = "bank-transfer" })).Problem(HttpStatusCode.NotFound);
        // Funding and approving are the SME's decisions: neither the startup nor an admin makes them in its place.
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/1/fund", new { method = "bank-transfer" })).Problem(HttpStatusCode.Forbidden);
        await (await host.Admin().PostAsync($"/api/needs/{a.NeedId}/milestones/0/approve", null)).Problem(HttpStatusCode.Forbidden);
        await (await host.Admin().PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/1/fund", new { method = "bank-transfer" })).Problem(HttpStatusCode.Forbidden);
        var otherManager = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host));
        await (await otherManager.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Problem(HttpStatusCode.NotFound);
        await (await cohort.Manager.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Problem(HttpStatusCode.NotFound); // no dispute to mediate yet

        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason = "" })).Problem(HttpStatusCode.BadRequest);
        var disputed = await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute",
            new { reason = "Le catalogue livré est incomplet : 40 produits manquent." })).Json(HttpStatusCode.OK);
        Assert.Equal("disputed", disputed.Milestone(0).Status());
        await (await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/milestones/0/approve", null)).Problem(HttpStatusCode.Conflict);
        var dispute = disputed.Milestone(0).GetProperty("dispute");
        var disputeId = dispute.Id();
        Assert.Single(dispute.GetProperty("mediators").EnumerateArray()); // the startup's cohort's institute, proposed
        Assert.Equal(JsonValueKind.Null, dispute.GetProperty("mediatorsAcceptedAt").ValueKind);
        await (await cohort.Manager.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Problem(HttpStatusCode.NotFound); // not before the SME accepts
        await (await cohort.Manager.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve",
            new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Tout à la startup." })).Problem(HttpStatusCode.NotFound);
        await (await a.Founder.Client.PostAsync($"/api/disputes/{disputeId}/accept-mediators", null)).Problem(HttpStatusCode.Forbidden);
        // On the engagement's page the SME reads who is proposed and accepts; the startup reads that it waits for that.
        using var startupPages = await ReceiptTests.PagesAsync(host, a.Founder);
        static string Text(string html) => WebUtility.HtmlDecode(html).Replace('\u00a0', ' ').Replace('\u202f', ' ');
        Assert.Contains("Médiateur proposé : <bdi>Jazari Souss-Massa</bdi>", Text(await startupPages.GetStringAsync($"/engagements/{a.NeedId}")));
        using var smePages = await ReceiptTests.PagesAsync(host, a.Sme);
        var page = await smePages.GetStringAsync($"/engagements/{a.NeedId}");
        Assert.Contains("incubée par <bdi>Jazari Souss-Massa</bdi>", Text(page));
        var acceptedPage = await smePages.PostAsync($"/engagements/{a.NeedId}?handler=acceptMediators", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = ReceiptTests.Antiforgery(page), ["disputeId"] = disputeId,
        }));
        Assert.Equal(HttpStatusCode.Redirect, acceptedPage.StatusCode);
        Assert.Contains("Médiateur accepté par la PME", Text(await smePages.GetStringAsync(acceptedPage.Headers.Location)));
        var accepted = await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Json(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, accepted.Milestone(0).GetProperty("dispute").GetProperty("mediatorsAcceptedAt").ValueKind);
        await (await cohort.Manager.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Json(HttpStatusCode.OK); // its institute mediates
        await Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(cohort.Manager.Email).Count(e => e.GetProperty("kind").GetString() == "dispute-mediation") == 1),
            "the manager asked by e-mail to settle it, once");
        await (await otherManager.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Problem(HttpStatusCode.NotFound);
        // The manager finds it on the cohorts' page too, with what is at stake; another institute's manager does not.
        using var managerPages = await ReceiptTests.PagesAsync(host, cohort.Manager);
        var home = Text(await managerPages.GetStringAsync("/manager"));
        Assert.Contains("Litiges dont une PME vous a confié la médiation", home);
        Assert.Contains($"<a href=\"/engagements/{a.NeedId}\">", home);
        Assert.Contains("À trancher : <bdi>15.000 MAD</bdi> sous séquestre.", home);
        using var otherManagerPages = await ReceiptTests.PagesAsync(host, otherManager);
        Assert.DoesNotContain("médiation", await otherManagerPages.GetStringAsync("/manager"));

        var resolve = new { releaseMinor = 1_000_000L, refundMinor = 500_000L, note = "Deux tiers livrés." };
        await (await a.Sme.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", resolve)).Problem(HttpStatusCode.Forbidden);
        await (await otherManager.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", resolve)).Problem(HttpStatusCode.NotFound);
        await (await cohort.Manager.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_000_000L, refundMinor = 1L, note = "x" })).Problem(HttpStatusCode.BadRequest);
        // The accepted mediator's manager finds the form to settle it on the engagement's page.
        var managerPage = await managerPages.GetStringAsync($"/engagements/{a.NeedId}");
        Assert.Contains("handler=resolve", managerPage);
        Assert.Contains("font ensemble <bdi>15.000 MAD</bdi>, ce que le jalon tient sous séquestre. La startup reçoit la somme versée moins la commission", Text(managerPage));
        // A split that does not add up is refused beside the amounts, what was typed kept.
        var refusedSplit = await managerPages.PostAsync($"/engagements/{a.NeedId}?handler=resolve", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = ReceiptTests.Antiforgery(managerPage), ["disputeId"] = disputeId, ["releaseMad"] = "8000", ["refundMad"] = "5000", ["note"] = "Deux tiers livrés.",
        }));
        Assert.Equal(HttpStatusCode.OK, refusedSplit.StatusCode);
        var refusedHtml = Text(await refusedSplit.Content.ReadAsStringAsync());
        Assert.Contains("doivent totaliser le séquestre du jalon, 15.000 MAD.</p>", refusedHtml);
        Assert.Contains("value=\"8000\"", refusedHtml);
        Assert.Contains(">Deux tiers livrés.</textarea>", refusedHtml);
        await (await cohort.Manager.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", resolve)).Json(HttpStatusCode.OK);
        await (await otherManager.Client.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", resolve)).Problem(HttpStatusCode.NotFound);
        var resolved = await Engagements.UntilAsync(host, a.NeedId, 0, "released");
        Assert.Contains("Tranché.", Text(await managerPages.GetStringAsync("/manager")));
        var m0 = resolved.Milestone(0);
        Assert.Equal("released", m0.Status());
        Assert.Equal(500_000, m0.GetProperty("refundedMinor").GetInt64());
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(950_000, balances[$"startup:{a.StartupId}"]);
        Assert.Equal(50_000, balances["platform-fees"]);
        Assert.Equal(0, balances["escrow"]);
        Assert.Equal(-1_000_000, balances.Single(b => b.Key.StartsWith("sme:")).Value);
        Assert.Equal(["release", "refund"], resolved.GetProperty("payouts").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        // The refund's receipt names the SME as refunded, not as payer, and says the transfer is still to come.
        var refundId = resolved.GetProperty("payouts").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "refund").Id();
        await Engagements.EventuallyAsync(async () => (await smePages.GetAsync($"/receipts/{refundId}")).StatusCode == HttpStatusCode.OK, "the refund's receipt numbered");
        var receipt = Text(await smePages.GetStringAsync($"/receipts/{refundId}"));
        Assert.Contains("PME (remboursée)", receipt);
        Assert.Contains("Pas encore payé : le virement suit", receipt);
        // Each side reads where its money goes: the SME its refund, the startup its payment (both wait for a RIB here).
        var smePage = Text(await smePages.GetStringAsync($"/engagements/{a.NeedId}"));
        Assert.Contains("Remboursement de <bdi>5.000 MAD</bdi> : il vous sera viré dès que vous aurez indiqué le RIB", smePage);
        // Half released, a third refunded: the milestone reads as split, not as released.
        Assert.Contains(">Partagé</span>", smePage);
        Assert.Contains("Litige tranché : <bdi>10.000 MAD</bdi> versés à la startup, <bdi>5.000 MAD</bdi> remboursés à la PME.", smePage);
        Assert.Contains("Paiement de <bdi>9.500 MAD</bdi> libéré : il vous sera viré dès que vous aurez indiqué le RIB", Text(await startupPages.GetStringAsync($"/engagements/{a.NeedId}")));
        using var admin = host.Admin();
        var audit = await (await admin.GetAsync("/api/admin/audit?action=dispute-resolved")).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == disputeId);
    }

    [Fact]
    public async Task A_startup_renamed_during_a_mission_shows_its_new_name_there()
    {
        var a = await Engagements.AwardedAsync(host);
        await host.FollowedUpAsync(a.NeedId); // the award's follow-up lists the mission among the startup's projects
        await (await a.Founder.Client.PutAsJsonAsync($"/api/startups/{a.StartupId}", Api.Startup("Atlas Digital"))).Json(HttpStatusCode.OK);
        Assert.Equal("Atlas Digital", (await a.EngagementAsync()).GetProperty("startupName").GetString());
    }

    [Fact]
    public async Task A_startup_renamed_between_its_bid_and_the_award_starts_the_mission_under_its_new_name()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, startupId) = await Api.StartupAsync(host);
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        await (await founder.Client.PutAsJsonAsync($"/api/startups/{startupId}", Api.Startup("Atlas Digital"))).Json(HttpStatusCode.OK);
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        var a = new Awarded(sme, needId, founder, startupId);
        Assert.Equal("Atlas Digital", (await a.EngagementAsync()).GetProperty("startupName").GetString());
    }

    [Fact]
    public async Task Cancelling_refunds_the_funded_milestone_and_opens_the_reviews()
    {
        var programme = await Engagements.ProgrammeAsync(host, percent: 30);
        var a = await Engagements.AwardedAsync(host, programme);
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/reviews", new { quality = 4, timeliness = 4, communication = 4, comment = "Trop tôt." }))
            .Problem(HttpStatusCode.Conflict);
        await Engagements.ConfirmAsync(host, await a.FundAsync(0));
        await a.FundAsync(1); // reserves the programme's share, never paid
        Assert.Equal("cancelled", (await (await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/engagement/cancel", null)).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        var cancelled = await Engagements.UntilAsync(host, a.NeedId, 0, "refunded");
        Assert.Equal(["refunded", "cancelled"], cancelled.GetProperty("milestones").EnumerateArray().Select(m => m.Status()));
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(0, balances["escrow"]);
        Assert.Equal(0, balances[$"programme:{programme}"]);
        Assert.Equal(0, balances.Single(b => b.Key.StartsWith("sme:")).Value);
        using var admin = host.Admin();
        Assert.Equal(0, (await (await admin.GetAsync($"/api/admin/programmes/{programme}")).Json(HttpStatusCode.OK)).GetProperty("committedMinor").GetInt64());
        var refund = Assert.Single(cancelled.GetProperty("payouts").EnumerateArray());
        Assert.Equal(1_050_000, refund.GetProperty("amountMinor").GetInt64());
        Assert.Equal("sme", refund.GetProperty("beneficiaryKind").GetString());
        Assert.Equal("Huilerie Zerhoun", refund.GetProperty("beneficiaryName").GetString()); // its name, not its id, on the admins' list and file
        await Engagements.EventuallyAsync(async () => (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}")).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString() == "cancelled", "the need cancelled");
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/reviews", new { quality = 2, timeliness = 2, communication = 2, comment = "Arrêté en cours." }))
            .Json(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_confirmation_repeated_with_its_bank_reference_changes_nothing_and_with_another_amount_is_refused()
    {
        var a = await Engagements.AwardedAsync(host);
        var funding = await a.FundAsync(0);
        using var admin = host.Admin();
        var path = $"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm";
        await (await admin.PostAsJsonAsync(path, new { amountMinor = 1_500_000, bankReference = "VIR-SAME" })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync(path, new { amountMinor = 1_500_000, bankReference = "VIR-SAME" })).Json(HttpStatusCode.OK); // a retry
        var wrong = await (await admin.PostAsJsonAsync(path, new { amountMinor = 1_499_999, bankReference = "VIR-SAME" })).Problem(HttpStatusCode.BadRequest);
        Assert.True(wrong.GetProperty("errors").TryGetProperty("amountMinor", out _));
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, a.NeedId))["escrow"]);
    }

    [Fact]
    public async Task Bad_input_and_card_payments_without_stripe_are_refused_and_change_nothing()
    {
        var a = await Engagements.AwardedAsync(host);
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "cash" })).Problem(HttpStatusCode.BadRequest);
        var stripe = await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/fund", new { method = "stripe" })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("Stripe", stripe.GetProperty("detail").GetString());
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/7/fund", new { method = "bank-transfer" })).Problem(HttpStatusCode.NotFound);
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/deliver", new { note = "Livré.", links = new[] { "https://x.ma" } })).Problem(HttpStatusCode.Conflict);
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/deliver", new { note = "Livré.", links = new[] { "javascript:alert(1)" } })).Problem(HttpStatusCode.BadRequest);
        using var admin = host.Admin();
        await (await admin.PostAsJsonAsync("/api/admin/payments/PAY-NOPE/confirm", new { amountMinor = 100, bankReference = "X" })).Problem(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync("/api/admin/programmes", new { id = "Bad Id", subsidyPercent = 120 })).Problem(HttpStatusCode.BadRequest);
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var need = JsonSerializer.SerializeToNode(Api.Need())!.AsObject();
        need["programmeId"] = "prog-does-not-exist";
        await (await sme.Client.PostAsJsonAsync("/api/needs", need)).Problem(HttpStatusCode.BadRequest);
        await (await a.Sme.Client.GetAsync($"/api/needs/{(await Api.OpenNeedAsync(host)).NeedId}/engagement")).Problem(HttpStatusCode.NotFound);
        var engagement = await a.EngagementAsync();
        Assert.All(engagement.GetProperty("milestones").EnumerateArray(), m => Assert.Equal("awaiting-funding", m.Status()));
        Assert.Empty(await Engagements.AssertLedgerAsync(host, a.NeedId));
    }
}
