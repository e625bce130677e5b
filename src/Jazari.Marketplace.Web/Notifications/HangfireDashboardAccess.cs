using System.Security.Claims;
using Hangfire.Dashboard;
using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// The dashboard at /hangfire is for admins: a request with the admin's bearer token, or a browser that opened
/// the short-lived signed link from <c>POST /api/admin/hangfire-link</c> (which leaves a cookie for the
/// dashboard's own requests until the link expires).
/// </summary>
public sealed class HangfireDashboardAccess(LinkSigner signer, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time) : IDashboardAuthorizationFilter
{
    public const string Path = "/hangfire";
    private const string Cookie = "jazari-hangfire";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public static string Link(LinkSigner signer, DateTimeOffset now)
    {
        var expires = (now + Lifetime).ToUnixTimeSeconds();
        return $"{Path}?access={expires}.{signer.Sign($"hangfire:{expires}")}";
    }

    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.User.IsInRole(Roles.Admin) && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not null) return true;
        if (Valid(http.Request.Query["access"]) is { } fromLink)
        {
            http.Response.Cookies.Append(Cookie, fromLink.Value, new CookieOptions
            {
                HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = Path, Expires = fromLink.Expires,
            });
            return true;
        }
        return Valid(http.Request.Cookies[Cookie]) is not null;
    }

    private (string Value, DateTimeOffset Expires)? Valid(string? access)
    {
        var parts = access?.Split('.', 2);
        if (parts is not { Length: 2 } || !long.TryParse(parts[0], out var seconds) || seconds is < 0 or > 253_402_300_799) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expires > time.GetUtcNow() && signer.Verify($"hangfire:{parts[0]}", parts[1]) ? (access!, expires) : null;
    }
}
