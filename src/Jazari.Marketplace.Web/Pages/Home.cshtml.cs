using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Where a signed-in person lands: their role's space.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class HomeModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    public string Name => User.FindFirstValue(ClaimTypes.Name) ?? "";

    public IActionResult OnGet() => Me.Role switch
    {
        Roles.Sme => Redirect("/sme"),
        Roles.Startup => Redirect("/startup"),
        Roles.Mentor => Redirect("/mentor"),
        Roles.Manager => Redirect("/manager"),
        Roles.Admin => Redirect("/admin"),
        _ => Page(),
    };
}
