using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>The e-mailed code opens a cookie session; the page then speaks the account's language (a reader of Amazigh keeps it).</summary>
/// The form's token is checked by the handlers themselves: a second tap on the button (or Back and send again) after the
/// code was taken comes from a page whose token was made before signing in, and is sent on where the first one went.
[EnableRateLimiting(RateLimitPolicies.Auth)]
[IgnoreAntiforgeryToken]
public sealed class VerifyModel(IGrainFactory grains, Text text, AuthCommands auth, MarketplaceSettings settings,
    [FromKeyedServices(Clock.Key)] TimeProvider time, IAntiforgery antiforgery, AuditTrail audit) : MarketplacePage(grains, text)
{
    [BindProperty]
    public VerifyInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Come from the sign-up form: a code was sent for sure (sign-in does not say whether the address has an account).</summary>
    [BindProperty(SupportsGet = true)]
    public bool SignUp { get; set; }

    /// <summary>Come back from asking a new code (the page says so, and a reload asks none).</summary>
    [BindProperty(SupportsGet = true)]
    public bool Sent { get; set; }

    /// <summary>The page for the address a code was sent to; without one (a bookmark, a link cut short), sign-in asks it.</summary>
    public IActionResult OnGet(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return Redirect(Url.IsLocalUrl(ReturnUrl) ? $"/sign-in?returnUrl={Uri.EscapeDataString(ReturnUrl)}" : "/sign-in");
        Input = new VerifyInput { Email = email };
        return Page();
    }

    /// <summary>Another code for the address on the page (sign-in's rules: the same answer whether it has an account or not).</summary>
    public async Task<IActionResult> OnPostNewCodeAsync()
    {
        if (await SignedInOrForgedAsync() is { } answer) return answer;
        var email = "";
        if (!await TryAsync(async () => email = await auth.SignInAsync(new SignInInput { Email = Input.Email }, HttpContext.Connection.RemoteIpAddress?.ToString(), T.Lang)))
            return Page();
        return RedirectToPage("/Verify", new { email, returnUrl = ReturnUrl, signUp = SignUp ? "true" : null, sent = "true" });
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await SignedInOrForgedAsync() is { } answer) return answer;
        AccountView? account = null;
        if (!await TryAsync(async () => account = await auth.VerifyAsync(Input, HttpContext.Connection.RemoteIpAddress?.ToString()))) return Page();
        // Another account's session in this browser ends with this sign-in (PageSession.SignInAsync revokes it).
        if (User.SignedIn()) await audit.RecordAsync(HttpContext, AuditActions.SignOut, Me.AccountId, "page session ended: another account signed in");
        await PageSession.SignInAsync(HttpContext, Grains, account!, time.GetUtcNow(), settings.TokenLifetime);
        await auth.RecordPageSignInAsync(account!);
        // A reader of Amazigh keeps it (an account's language is ar, fr or en): the account's language becomes their second one.
        if (T.Lang == Languages.Amazigh.Code) PagesExtensions.RememberSecondLanguage(HttpContext, account!.Language);
        else PagesExtensions.RememberLanguage(HttpContext, account!.Language);
        return Onward();
    }

    private IActionResult Onward() => LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/home");

    /// <summary>Already signed in with this very address (the code was taken by the first tap): on to the page asked for.
    /// Else a post without this browser's form token is refused (400), as every form's is; signed in with another
    /// account, the code signs in to this one.</summary>
    private async Task<IActionResult?> SignedInOrForgedAsync()
    {
        if (User.SignedIn() && await AccountAsync() is { } account
            && string.Equals(account.Email, Input.Email?.Trim(), StringComparison.OrdinalIgnoreCase)) return Onward();
        return await antiforgery.IsRequestValidAsync(HttpContext) ? null : BadRequest();
    }
}
