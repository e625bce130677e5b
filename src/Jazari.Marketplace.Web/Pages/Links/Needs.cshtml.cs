using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages.Links;

/// <summary>The address of the weekly needs e-mail (<c>/needs</c>): the reader's own space, where the needs that fit are listed.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class NeedsLinkModel : PageModel
{
    public IActionResult OnGet() => Redirect("/home");
}
