using System.Security.Claims;
using System.Text.Encodings.Web;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>Turns <c>Authorization: Bearer …</c> into the caller: the admin token, or a stored token.</summary>
internal sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    AdminToken admin,
    BearerTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.Count > 1) return AuthenticateResult.Fail(TwoHeaders); // which one was meant?
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();

        Caller? caller = null;
        if (admin.Matches(token)) caller = new Caller(AdminToken.AccountId, Roles.Admin);
        else if (tokens.Key(token) is { } key) caller = await grains.GetGrain<ITokenGrain>(key).ValidateAsync();
        if (caller is null) return AuthenticateResult.Fail(UnknownToken);

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, caller.AccountId), new Claim(ClaimTypes.Role, caller.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private const string TwoHeaders = "Send one Authorization header.";
    private const string UnknownToken = "This token is unknown, expired or revoked: sign in again.";

    /// <summary>401, saying what was wrong with what was sent: nothing, two headers, or a token that is not (or no longer) one.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message; // the request's own result, not a second lookup
        await WriteProblem(StatusCodes.Status401Unauthorized, failure is TwoHeaders or UnknownToken ? failure : "Sign in first: send Authorization: Bearer <token>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Your role cannot do this.");

    private Task WriteProblem(int status, string detail)
    {
        Response.StatusCode = status;
        return Results.Problem(statusCode: status, detail: detail).ExecuteAsync(Context);
    }
}

public static class CallerExtensions
{
    public static Caller Caller(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."),
            user.FindFirstValue(ClaimTypes.Role) ?? "");
}
