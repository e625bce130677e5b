using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-in: the same answer for every address; the e-mail holds a code, or says there is no account and where to sign up.</summary>
[EnableRateLimiting(RateLimitPolicies.Auth)]
public sealed class SignInModel(IGrainFactory grains, Text text, AuthCommands auth) : MarketplacePage(grains, text)
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var email = "";
        if (!await TryAsync(async () => email = await auth.SignInAsync(Input with { Language = null }, HttpContext.Connection.RemoteIpAddress?.ToString(), T.Lang)))
            return Page();
        return RedirectToPage("/Verify", new { email, returnUrl = ReturnUrl });
    }
}
