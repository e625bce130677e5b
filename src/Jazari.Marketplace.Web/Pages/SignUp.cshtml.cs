using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-up: the API's own checks and code e-mail, then the code page. The account exists once the code is verified.</summary>
[EnableRateLimiting(RateLimitPolicies.Auth)]
public sealed class SignUpModel(IGrainFactory grains, Text text, AuthCommands auth) : MarketplacePage(grains, text)
{
    [BindProperty]
    public SignUpInput Input { get; set; } = new();

    public void OnGet(string? role)
    {
        if (role is not null && Roles.SelfService.Contains(role)) Input = new SignUpInput { Role = role };
    }

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        var email = "";
        if (!await TryAsync(async () => email = await auth.SignUpAsync(Input, HttpContext.Connection.RemoteIpAddress?.ToString(), T.Lang))) return Page();
        return RedirectToPage("/Verify", new { email, returnUrl, signUp = true });
    }
}
