using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-out revokes the session's token (a copied cookie stops working) and clears the cookie.</summary>
public sealed class SignOutModel(IGrainFactory grains, Text text, AuditTrail audit) : MarketplacePage(grains, text)
{
    public IActionResult OnGet() => User.SignedIn() ? Page() : Redirect("/");

    /// <summary>Signs out; with <paramref name="returnUrl"/> (a page of this site a link of another account led to), on to
    /// the sign-in that comes back there.</summary>
    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (User.SignedIn())
        {
            await PageSession.SignOutAsync(HttpContext, Grains);
            await audit.RecordAsync(HttpContext, AuditActions.SignOut, Me.AccountId, "page session ended");
        }
        return Redirect(Url.IsLocalUrl(returnUrl) ? $"/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}" : "/");
    }
}
