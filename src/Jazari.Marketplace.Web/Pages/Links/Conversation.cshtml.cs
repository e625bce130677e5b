using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages.Links;

/// <summary>The address a message e-mail carries (<c>/conversations/{id}</c>): the thread's page, after signing in if needed.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class ConversationLinkModel : PageModel
{
    public IActionResult OnGet(string id) => Redirect($"/messages/{id}");
}
