using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>Sign-in: a code by e-mail when the address has an account (the page says the same either way).</summary>
[EnableRateLimiting(AuthApi.RateLimit)]
public sealed class SignInModel(IGrainFactory grains, Text text, IEmailSender sender, IBackgroundJobClient jobs,
    ILogger<SignInModel> logger, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        var email = "";
        if (!await TryAsync(async () => email = await AuthApi.SignInAsync(Input, Grains, sender, jobs, logger, time))) return Page();
        return RedirectToPage("/Verify", new { email, returnUrl = ReturnUrl });
    }
}
