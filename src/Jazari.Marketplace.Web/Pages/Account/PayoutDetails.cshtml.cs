using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Account;

/// <summary>
/// Where the signed-in startup (or SME, for its refunds) is paid by bank: the account holder and the RIB, through the
/// same command as the API's. A change is e-mailed to the owner and holds the payouts of the next 48 hours.
/// </summary>
public sealed class PayoutDetailsModel(IGrainFactory grains, Text text, PayoutCommands payouts) : MarketplacePage(grains, text)
{
    public PayoutDetailsResponse? Current { get; private set; }
    /// <summary>The key of the notice after a save: the first account given says what waited for it can now be paid.</summary>
    public string? Saved { get; private set; }
    [BindProperty] public string? Holder { get; set; }
    [BindProperty] public string? Rib { get; set; }

    public async Task<IActionResult> OnGetAsync(string? saved)
    {
        if (await ProfileAsync() is not { } profileId) return NoProfile();
        Saved = saved switch
        {
            "first" => "payout-details.saved-first", "true" or "True" => "payout-details.saved", "reported" => "payout-details.reported", _ => null,
        };
        Current = await payouts.GetAsync(Me, Me.Role, profileId);
        Holder = Current?.Holder;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await ProfileAsync() is not { } profileId) return NoProfile();
        var before = await payouts.GetAsync(Me, Me.Role, profileId);
        if (await TryAsync(() => payouts.SetAsync(Me, Me.Role, profileId, new PayoutDetailsInput { Holder = Holder, Rib = Rib })))
            return RedirectToPage(new { saved = before is null ? "first" : "true" });
        Current = before;
        return Page();
    }

    /// <summary>
    /// "This account is not mine": the account is forgotten and every session signed out, this one too. The redirect
    /// asks for a sign-in (a code to the account's e-mail, which whoever gave the account may not have), then shows
    /// the notice and the form for the owner's own account.
    /// </summary>
    public async Task<IActionResult> OnPostReportAsync(bool confirm)
    {
        if (await ProfileAsync() is not { } profileId) return NoProfile();
        if (await TryAsync(() => confirm ? payouts.ReportAsync(Me, Me.Role, profileId)
                : throw MarketplaceException.Invalid("confirm", "Tick the box to confirm that you did not give this bank account.")))
        {
            await PageSession.SignOutAsync(HttpContext, Grains);
            return RedirectToPage(new { saved = "reported" });
        }
        Current = await payouts.GetAsync(Me, Me.Role, profileId);
        Holder = Current?.Holder;
        return Page();
    }

    /// <summary>The signed-in startup's or SME's profile id; null for the other roles and before the profile exists.</summary>
    private async Task<string?> ProfileAsync() => Me.Role is Roles.Startup or Roles.Sme ? await ProfileIdAsync() : null;

    private IActionResult NoProfile() => Me.Role switch
    {
        Roles.Startup => Redirect("/startup/profile?first=true"),
        Roles.Sme => Redirect("/sme/profile?first=true"),
        _ => NotFound(),
    };
}
