using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// The pages' sign-in: a cookie session standing for a token of the same <see cref="ITokenGrain"/> the API's
/// bearer tokens use. The cookie carries the token's grain key (never the token), is checked against the grain
/// on every request (so sign-out and expiry take effect at once), slides while the person is active
/// (<c>Auth:SessionIdleHours</c>) and ends for good when the token expires (<c>Auth:TokenLifetimeHours</c>).
/// </summary>
public static class PageSession
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "jz-session";
    private const string TokenKeyClaim = "jz-token-key";

    public static void AddPageSession(this IServiceCollection services, IConfiguration config)
    {
        var idle = TimeSpan.FromHours(config.GetValue("Auth:SessionIdleHours", 12.0));
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = idle;
            options.SlidingExpiration = true;
            options.LoginPath = "/sign-in";
            options.AccessDeniedPath = "/denied";
            options.ReturnUrlParameter = "returnUrl";
            options.Events.OnValidatePrincipal = ValidateAsync;
            // Relative redirects: the handler builds absolute ones from the request's Host header, which a client sets
            // (a shared cache in front would hand another site's address to everyone).
            options.Events.OnRedirectToLogin = context => Relative(context);
            options.Events.OnRedirectToAccessDenied = context => Relative(context);
        });
        services.AddAuthorization(auth =>
        {
            auth.AddPolicy(Policy.SignedIn, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
            foreach (var role in Roles.All)
                auth.AddPolicy(Policy.For(role), p => p.AddAuthenticationSchemes(Scheme).RequireRole(role));
        });
    }

    private static Task Relative(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var uri) ? uri.PathAndQuery : context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Opens a session for a verified account: a token like the API's, its key in the cookie.</summary>
    public static async Task SignInAsync(HttpContext context, IGrainFactory grains, AccountView account, DateTimeOffset now, TimeSpan lifetime)
    {
        // The browser's session of another account (a shared computer) ends here, as a sign-out ends it: a copy of its
        // cookie no longer opens it.
        if (context.User.FindFirstValue(TokenKeyClaim) is { } previous) await grains.GetGrain<ITokenGrain>(previous).RevokeAsync();
        var token = Tokens.New();
        var key = Tokens.Key(token)!;
        var expiresAt = now + lifetime;
        // Remembered on the account (the built-in admin has none), so erasing the account ends its page sessions too.
        if (account.Id != AdminToken.AccountId) await grains.GetGrain<IAccountGrain>(account.Id).TokenIssuedAsync(key, expiresAt);
        await grains.GetGrain<ITokenGrain>(key).IssueAsync(account.Id, account.Role, expiresAt);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, account.Id), new Claim(ClaimTypes.Role, account.Role),
            new Claim(ClaimTypes.Name, account.DisplayName), new Claim(TokenKeyClaim, key),
        ], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>Ends the session: its token is revoked, so a copied cookie stops working too.</summary>
    public static async Task SignOutAsync(HttpContext context, IGrainFactory grains)
    {
        if (context.User.FindFirstValue(TokenKeyClaim) is { } key) await grains.GetGrain<ITokenGrain>(key).RevokeAsync();
        await context.SignOutAsync(Scheme);
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var key = context.Principal?.FindFirstValue(TokenKeyClaim);
        var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
        if (key is null || await grains.GetGrain<ITokenGrain>(key).ValidateAsync() is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    public static class Policy
    {
        public const string SignedIn = "pages";
        public static string For(string role) => "pages-" + role;
    }
}
