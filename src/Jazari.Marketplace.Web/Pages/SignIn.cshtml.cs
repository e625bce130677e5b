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

    /// <summary>An invitation's link names the address it was sent to: the field is filled in, the code asked in one tap.
    /// Already signed in with that address, the person goes where the link leads, or home: a code asked again for an open
    /// session is a step for nothing. Signed in as someone else, or opening the form itself (to sign in to another
    /// account on a shared computer), the form is shown.</summary>
    public async Task<IActionResult> OnGetAsync(string? email)
    {
        Input = Input with { Email = email is { Length: <= 254 } ? email.Trim() : null };
        if (Input.Email is not null && User.Identity?.IsAuthenticated == true && await AccountAsync() is { } account
            && string.Equals(Input.Email, account.Email, StringComparison.OrdinalIgnoreCase))
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/home");
        return Page();
    }

    /// <summary>After "too many codes were asked", where the last code received is entered (the refusal says to use it).</summary>
    public string? EnterCode => FormErrors.Any() && !string.IsNullOrWhiteSpace(Input.Email) && ErrorFor("email") is null
        ? $"/verify?email={Uri.EscapeDataString(Input.Email.Trim())}" + (Url.IsLocalUrl(ReturnUrl) ? $"&returnUrl={Uri.EscapeDataString(ReturnUrl)}" : "")
        : null;

    public async Task<IActionResult> OnPostAsync()
    {
        var email = "";
        if (!await TryAsync(async () => email = await auth.SignInAsync(Input with { Language = null }, HttpContext.Connection.RemoteIpAddress?.ToString(), T.Lang)))
            return Page();
        return RedirectToPage("/Verify", new { email, returnUrl = ReturnUrl });
    }
}
