using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages.Links;

/// <summary>
/// The address e-mails carry for a need (<c>/needs/{id}</c>): the same link for every reader, sent on to that reader's
/// page of the need: the SME's, the startup's, or the engagement for the others who follow it (admins, managers).
/// Signed out, the reader signs in first and comes back here.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class NeedLinkModel : PageModel
{
    public IActionResult OnGet(string id) => Redirect(PageOf(User.Caller().Role, id));

    public static string PageOf(string role, string needId) => role switch
    {
        Roles.Sme => $"/sme/needs/{needId}",
        Roles.Startup => $"/startup/needs/{needId}",
        Roles.Admin or Roles.Manager or Roles.Mentor => $"/engagements/{needId}",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };
}
