using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-out revokes the session's token (a copied cookie stops working) and clears the cookie.</summary>
public sealed class SignOutModel(IGrainFactory grains, Text text, AuditTrail audit) : MarketplacePage(grains, text)
{
    public IActionResult OnGet() => User.SignedIn() ? Page() : Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.SignedIn())
        {
            await PageSession.SignOutAsync(HttpContext, Grains);
            await audit.RecordAsync(HttpContext, AuditActions.SignOut, Me.AccountId, "page session ended");
        }
        return Redirect("/");
    }
}
