using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Account;

/// <summary>How each kind of notification comes: at once, in the daily digest, or not at all.</summary>
public sealed class NotificationsModel(IGrainFactory grains, Text text, NotificationCommands notifications) : MarketplacePage(grains, text)
{
    public NotificationPreferences Preferences { get; private set; } = null!;
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
