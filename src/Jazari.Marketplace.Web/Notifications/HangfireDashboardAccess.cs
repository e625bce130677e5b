using System.Security.Claims;
using System.Security.Cryptography;
using Hangfire.Dashboard;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// The dashboard at /hangfire is for admins: a request with the admin's bearer token, or a browser holding the
/// dashboard's cookie. The cookie is had only by exchanging a one-time code (<c>POST /api/admin/hangfire-link</c>
/// or the admin page): the link carries that code, valid two minutes and once, never a bearer or the cookie itself,
/// so a link left in a history, a log or a referrer opens nothing.
/// </summary>
public sealed class HangfireDashboardAccess(LinkSigner signer, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    : IDashboardAuthorizationFilter
{
    public const string Path = "/hangfire";
    public const string EnterPath = "/hangfire-enter";
    private const string Cookie = "jazari-hangfire";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>A link with a fresh one-time code.</summary>
    public static string Link(LinkSigner signer, DateTimeOffset now)
    {
        var expires = (now + CodeLifetime).ToUnixTimeSeconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"{EnterPath}?code={expires}.{nonce}.{signer.Sign($"hangfire-code:{expires}.{nonce}")}";
    }

    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.User.IsInRole(Roles.Admin) && http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not null) return true;
        var parts = http.Request.Cookies[Cookie]?.Split('.', 2);
        return parts is [var seconds, var signature] && Fresh(seconds) is not null && signer.Verify($"hangfire:{seconds}", signature);
    }

    /// <summary>Exchanges a code for the dashboard's cookie (then the dashboard), or answers 401 (the error page: used or expired, ask again).</summary>
    public async Task<IResult> EnterAsync(HttpContext http, string? code)
    {
        var parts = code?.Split('.', 3);
        if (parts is not [var seconds, var nonce, var signature] || Fresh(seconds) is null || nonce.Length != 32
            || !nonce.All(char.IsAsciiHexDigitLower) || !signer.Verify($"hangfire-code:{seconds}.{nonce}", signature))
            return TypedResults.StatusCode(401); // a browser's link: the error page says to ask for a new one, in the reader's language
        // One claim, in one grain call: of the same link opened several times at once, one enters.
        if (!await grains.GetGrain<IProcessedEventGrain>($"hangfire-code-{nonce}").ClaimAsync())
            return TypedResults.StatusCode(401);
        var expires = time.GetUtcNow() + Lifetime;
        var value = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Cookies.Append(Cookie, $"{value}.{signer.Sign($"hangfire:{value}")}", new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = Path, Expires = expires,
        });
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Redirect(Path + "/");
    }

    private DateTimeOffset? Fresh(string seconds)
    {
        if (!long.TryParse(seconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value > 253_402_300_799) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(value);
        return expires > time.GetUtcNow() ? expires : null;
    }
}
