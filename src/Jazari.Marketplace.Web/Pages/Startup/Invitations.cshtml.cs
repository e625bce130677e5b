using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>
/// The startup's cohorts: those that invited it (it accepts and joins, or declines; nothing is shared before it accepts),
/// and the calls for applications still open, each a link to apply.
/// </summary>
public sealed class InvitationsModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public IReadOnlyList<InvitationResponse> Invitations { get; private set; } = [];
    public string? Done { get; private set; }
    /// <summary>The calls for applications still open, in every institute.</summary>
    public IReadOnlyList<OpenCallResponse> Calls { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        if (await ProfileIdAsync() is null) return Redirect("/startup/profile?first=true");
        Done = done is "accepted" or "declined" or "applied" ? done : null;
        Invitations = await cohorts.MyInvitationsAsync(Me);
        Calls = await cohorts.OpenCallsAsync(Me);
        return Page();
    }

    public Task<IActionResult> OnPostAcceptAsync(string invitationId) => AnswerAsync(invitationId, accept: true);

    public Task<IActionResult> OnPostDeclineAsync(string invitationId) => AnswerAsync(invitationId, accept: false);

    private async Task<IActionResult> AnswerAsync(string invitationId, bool accept)
    {
        if (await TryAsync(() => cohorts.AnswerInvitationAsync(Me, invitationId ?? "", accept)))
            return Redirect($"/startup/invitations?done={(accept ? "accepted" : "declined")}");
        Invitations = await cohorts.MyInvitationsAsync(Me);
        Calls = await cohorts.OpenCallsAsync(Me);
        return Page();
    }
}
