using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>
/// The built-in admin (who has no account, hence no e-mail code) opens a page session with the admin token
/// (<c>JAZARI_ADMIN_TOKEN</c> or <c>$JAZARI_DATA_DIR/admin-token</c>). Rate-limited like sign-in; audited.
/// </summary>
[EnableRateLimiting(RateLimitPolicies.Auth)]
public sealed class AdminSignInModel(IGrainFactory grains, Text text, AdminToken admin, MarketplaceSettings settings, AuditTrail audit,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200 || !admin.Matches(token.Trim()))
        {
            AddError("token", "The admin token is not right.");
            return Page();
        }
        var now = time.GetUtcNow();
        var account = new AccountView(AdminToken.AccountId, "", Roles.Admin, T["role.admin"], T.Content, null, [], now, now);
        await PageSession.SignInAsync(HttpContext, Grains, account, now, settings.TokenLifetime);
        await audit.RecordAsync(HttpContext, AuditActions.SignIn, AdminToken.AccountId, "page session with the admin token", new Caller(AdminToken.AccountId, Roles.Admin));
        return Redirect("/admin");
    }
}
