using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Account;

/// <summary>How each kind of notification comes: at once, in the daily digest, or not at all.</summary>
public sealed class NotificationsModel(IGrainFactory grains, Text text, NotificationCommands notifications) : MarketplacePage(grains, text)
{
    public NotificationPreferences Preferences { get; private set; } = null!;

    /// <summary>The kinds this person can receive: an SME hears of bids on its needs, a startup of needs and its bids; a
    /// mentor's, a manager's and an admin's e-mails ask them to act (an assignment, an invitation, an opinion to give) and
    /// always come.</summary>
    public IReadOnlyList<string> Kinds => Me.Role switch
    {
        Roles.Sme => [NotificationKinds.FewBids, NotificationKinds.BidReceived, NotificationKinds.DecisionReminder, NotificationKinds.MessageReceived],
        Roles.Startup => [NotificationKinds.NeedMatch, NotificationKinds.BidAccepted, NotificationKinds.BidRejected, NotificationKinds.NeedExpired,
            NotificationKinds.WeeklyNeeds, NotificationKinds.MessageReceived],
        _ => [],
    };
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved)
    {
        Saved = saved;
        Preferences = await Grains.GetGrain<IAccountNotificationsGrain>(Me.AccountId).GetPreferencesAsync();
    }

    public async Task<IActionResult> OnPostAsync(Dictionary<string, string?> kinds)
    {
        if (await TryAsync(() => notifications.SetPreferencesAsync(Me, new PreferencesInput { Kinds = kinds })))
            return RedirectToPage(new { saved = true });
        Preferences = await Grains.GetGrain<IAccountNotificationsGrain>(Me.AccountId).GetPreferencesAsync();
        return Page();
    }
}
