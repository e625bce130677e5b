using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Engagements;

/// <summary>
/// The engagement of an awarded need, milestone by milestone, for its SME (fund by bank transfer or card, approve,
/// dispute), its startup (deliver, dispute) and admins (resolve a dispute: what is released, what is refunded); every action is the same command the API calls (EngagementCommands), with its rules and checks.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class EngagementModel(IGrainFactory grains, Text text, EngagementCommands engagements) : MarketplacePage(grains, text)
{
    public EngagementResponse Engagement { get; private set; } = null!;
    public FundResponse? Funding { get; private set; }
    public bool IsSme => Me.Role == Roles.Sme;
    public bool IsStartup => Me.Role == Roles.Startup;
    public bool IsAdmin => Me.IsAdmin;
    public string? Done { get; private set; }

    public async Task OnGetAsync(string id, string? done)
    {
        Done = done;
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostFundAsync(string id, int index, string? method)
    {
        if (await TryAsync(async () => Funding = await engagements.FundAsync(Me, id, index, new FundInput { Method = method })))
        {
            if (Funding!.CheckoutUrl is { } checkout) return Redirect(checkout);
        }
        await LoadAsync(id);
        return Page();
    }

    public Task<IActionResult> OnPostDeliverAsync(string id, int index, string? note, string? links) =>
        ActAsync(id, "delivered", () => engagements.DeliverAsync(Me, id, index, new DeliverInput { Note = note, Links = Split(links) }));

    public Task<IActionResult> OnPostApproveAsync(string id, int index) =>
        ActAsync(id, "approved", () => engagements.ApproveAsync(Me, id, index));

    public Task<IActionResult> OnPostDisputeAsync(string id, int index, string? reason) =>
        ActAsync(id, "disputed", () => engagements.DisputeAsync(Me, id, index, new DisputeInput { Reason = reason }));

    public Task<IActionResult> OnPostResolveAsync(string id, string? disputeId, decimal? releaseMad, decimal? refundMad, string? note) =>
        ActAsync(id, "resolved", () => engagements.ResolveAsync(Me, disputeId ?? "",
            new ResolveInput { ReleaseMinor = Minor(releaseMad), RefundMinor = Minor(refundMad), Note = note }));

    /// <summary>An amount typed in MAD as minor units; -1 (refused by the command's checks) when it has more than two decimals.</summary>
    private static long? Minor(decimal? mad) => mad is not { } m ? null : decimal.Round(m, 2) == m && m is >= 0 and <= Checks.MaxMad ? (long)(m * 100) : -1;

    private async Task<IActionResult> ActAsync(string id, string done, Func<Task> action)
    {
        if (await TryAsync(action)) return Redirect($"/engagements/{id}?done={done}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id) => Engagement = await engagements.GetAsync(Me, id);
}
