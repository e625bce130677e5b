using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>The audit entry of a money action is written after the engagement's own write: a crash between the two
/// must not leave the action unaudited once its request is repeated, nor repeats make two entries.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class MoneyAuditTests(MarketplaceHost host)
{
    private async Task<List<JsonElement>> EntriesAsync(string action, string target)
    {
        using var admin = host.Admin();
        var page = await (await admin.GetAsync($"/api/admin/audit?action={action}")).Json(HttpStatusCode.OK);
        return [.. page.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("target").GetString() == target)];
    }

    [Fact]
    public async Task A_money_action_repeated_after_a_crash_between_its_write_and_its_audit_entry_is_audited_once()
    {
        var a = await Engagements.AwardedAsync(host);
        var funding = await a.FundAsync(0);
        var paymentId = funding.GetProperty("paymentId").GetString()!;
        var engagement = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId);
        var admin = new Caller("admin", Roles.Admin);
        using var adminClient = host.Admin();

        // The confirmation reached the engagement, then the process died before the audit entry: the admin confirms again.
        await engagement.ConfirmFundingAsync(admin, paymentId, PaymentMethod.BankTransfer, 1_500_000, "VIR-AUDIT-1");
        for (var i = 0; i < 2; i++)
            await (await adminClient.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
                new { amountMinor = 1_500_000L, bankReference = "VIR-AUDIT-1" })).Json(HttpStatusCode.OK);
        var confirmed = Assert.Single(await EntriesAsync(AuditActions.PaymentConfirmed, paymentId));
        Assert.Equal((await a.EngagementAsync()).Milestone(0).GetProperty("fundedAt").GetDateTimeOffset(), confirmed.GetProperty("at").GetDateTimeOffset());

        // The same for a dispute opened by the SME and resolved by an admin.
        const string reason = "Rien n'a été livré depuis un mois.";
        await engagement.OpenDisputeAsync(new Caller(a.Sme.AccountId, Roles.Sme), 0, reason);
        for (var i = 0; i < 2; i++)
            await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/0/dispute", new { reason })).Json(HttpStatusCode.OK);
        var disputeId = (await a.EngagementAsync()).Milestone(0).GetProperty("dispute").Id();
        Assert.Equal(a.Sme.AccountId, Assert.Single(await EntriesAsync(AuditActions.DisputeOpened, disputeId)).GetProperty("actorId").GetString());

        await engagement.ResolveDisputeAsync(admin, 0, 1_000_000, 500_000, "Moitié livrée.");
        for (var i = 0; i < 2; i++)
            await (await adminClient.PostAsJsonAsync($"/api/disputes/{disputeId}/resolve", new { releaseMinor = 1_000_000L, refundMinor = 500_000L, note = "Moitié livrée." }))
                .Json(HttpStatusCode.OK);
        Assert.Contains("release 10000.00 MAD; refund 5000.00 MAD", Assert.Single(await EntriesAsync(AuditActions.DisputeResolved, disputeId)).GetProperty("detail").GetString());
    }
}
