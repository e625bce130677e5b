using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>
/// Passwordless accounts: a 6-digit code by e-mail, exchanged for a bearer token (<see cref="AuthCommands"/>). Sign-up
/// and sign-in answer 202 with no body for every address; throttling answers 429 with <c>Retry-After</c>.
/// </summary>
public static class AuthApi
{
    public const string RateLimit = RateLimitPolicies.Auth;

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/auth").WithTags("Accounts");
        api.MapPost("/sign-up", SignUp).RequireRateLimiting(RateLimit);
        api.MapPost("/sign-in", SignIn).RequireRateLimiting(RateLimit);
        api.MapPost("/verify", Verify).RequireRateLimiting(RateLimit);
        api.MapPost("/sign-out", SignOut).RequireAuthorization();
        api.MapGet("/me", Me).RequireAuthorization();
        return api;
    }

    private static async Task<Accepted> SignUp(SignUpInput body, AuthCommands auth, HttpContext context)
    {
        await auth.SignUpAsync(body, context.Connection.RemoteIpAddress?.ToString());
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Accepted> SignIn(SignInInput body, AuthCommands auth, HttpContext context)
    {
        await auth.SignInAsync(body, context.Connection.RemoteIpAddress?.ToString(), "fr");
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Ok<TokenResponse>> Verify(VerifyInput body, AuthCommands auth, HttpContext context)
    {
        var account = await auth.VerifyAsync(body, context.Connection.RemoteIpAddress?.ToString());
        return TypedResults.Ok(await auth.IssueTokenAsync(account));
    }

    private static async Task<NoContent> SignOut(HttpContext context, IGrainFactory grains, AuditTrail audit)
    {
        var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        if (Tokens.Key(token) is { } key)
        {
            await grains.GetGrain<ITokenGrain>(key).RevokeAsync();
            await audit.RecordAsync(context, AuditActions.SignOut, context.User.Caller().AccountId, "token revoked");
        }
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AccountResponse>> Me(ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        if (caller.IsAdmin && caller.AccountId == AdminToken.AccountId)
            return TypedResults.Ok(new AccountResponse(AdminToken.AccountId, "", Roles.Admin, "Administrator", "en", null, []));
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync() ?? throw MarketplaceException.NotFound("Account");
        return TypedResults.Ok(AccountResponse.From(account));
    }
}
