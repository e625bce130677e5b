using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// The payouts held for an admin's review (the beneficiary's RIB changed in the 48 hours before, or the SME and the
/// startup look related), each released or declined with a reason through the same command as the API's (audited).
/// </summary>
public sealed class HeldPayoutsModel(IGrainFactory grains, Text text, PaymentAdminCommands payments) : MarketplacePage(grains, text)
{
    public IReadOnlyList<PayoutLine> Held { get; private set; } = [];
    public PayoutResponse? Decided { get; private set; }
    /// <summary>The payout whose form had errors, shown next to its row.</summary>
    public string? PayoutId { get; private set; }

    /// <summary>The list; <paramref name="decided"/> (after a decision, by redirect: a reload decides nothing again) names
    /// the payout decided, shown only when it was.</summary>
    public async Task OnGetAsync(string? decided)
    {
        Held = await payments.PendingPayoutsAsync(Me, "held");
        if (decided is not null && await payments.FindPayoutAsync(Me, decided) is { ReviewReason: not null } payout)
            Decided = payout;
    }

    /// <summary>The payout whose decline waits for its confirmation, with the reason typed: declining is final.</summary>
    public (string PayoutId, string Reason)? ConfirmDecline { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? payoutId, string? decision, string? reason, bool confirmed)
    {
        PayoutId = payoutId;
        if (decision == "decline" && !confirmed && !string.IsNullOrWhiteSpace(reason) && payoutId is not null)
        {
            ConfirmDecline = (payoutId, reason);
            Held = await payments.PendingPayoutsAsync(Me, "held");
            return Page();
        }
        try
        {
            if (await TryAsync(async () => Decided = await payments.ReviewPayoutAsync(Me, payoutId ?? "", decision == "release", new PayoutReviewInput { Reason = reason })))
                return Redirect($"/admin/held-payouts?decided={Uri.EscapeDataString(Decided!.Id)}");
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("", "Payout not found.");
        }
        Held = await payments.PendingPayoutsAsync(Me, "held");
        return Page();
    }
}
