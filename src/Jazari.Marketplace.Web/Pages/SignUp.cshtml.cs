using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-up: the API's own checks and code e-mail, then the code page.</summary>
[EnableRateLimiting(AuthApi.RateLimit)]
public sealed class SignUpModel(IGrainFactory grains, Text text, IEmailSender sender, IBackgroundJobClient jobs,
    ILogger<SignUpModel> logger, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
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
        if (!await TryAsync(async () => email = await AuthApi.SignUpAsync(Input, Grains, sender, jobs, logger, time))) return Page();
        return RedirectToPage("/Verify", new { email, returnUrl });
    }
}
