using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed class SignUpInput
{
    public string? Email { get; init; }
    public string? Role { get; init; }
    public string? DisplayName { get; init; }
    public string? Language { get; init; }
    /// <summary>Optional: the terms are accepted at sign-up, else at the first verified sign-in (see README, "Your data").</summary>
    public bool? AcceptTerms { get; init; }
    public string? TermsVersion { get; init; }
    /// <summary>Optional: consent to marketing e-mails (off unless given).</summary>
    public bool? MarketingEmails { get; init; }
}

public sealed class SignInInput
{
    public string? Email { get; init; }
}

public sealed class VerifyInput
{
    public string? Email { get; init; }
    public string? Code { get; init; }
}

public sealed record TokenResponse(string Token, string AccountId, string Role, DateTimeOffset ExpiresAt);

public sealed record AccountResponse(string Id, string Email, string Role, string DisplayName, string Language,
    string? ProfileId, IReadOnlyList<string> Institutes)
{
    public static AccountResponse From(AccountView a) => new(a.Id, a.Email, a.Role, a.DisplayName, a.Language, a.ProfileId, a.Institutes);
}

/// <summary>Passwordless accounts: a 6-digit code by e-mail, exchanged for a bearer token.</summary>
public static class AuthApi
{
    public const string RateLimit = "auth";

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

    private static async Task<Accepted> SignUp(SignUpInput body, IGrainFactory grains, IEmailSender sender, IBackgroundJobClient jobs, ILogger<SignUpInput> logger, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        await SignUpAsync(body, grains, sender, jobs, logger, time);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Accepted> SignIn(SignInInput body, IGrainFactory grains, IEmailSender sender, IBackgroundJobClient jobs, ILogger<SignUpInput> logger, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        await SignInAsync(body, grains, sender, jobs, logger, time);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>Checks a sign-up and e-mails a code; shared with the pages. Returns the normalised address.</summary>
    internal static async Task<string> SignUpAsync(SignUpInput body, IGrainFactory grains, IEmailSender sender, IBackgroundJobClient jobs, ILogger logger, TimeProvider time)
    {
        var c = new Checks();
        var email = c.Email("email", body.Email);
        var account = new NewAccount(email, c.OneOf("role", body.Role, Roles.SelfService),
            c.Text("displayName", body.DisplayName, 100), c.OneOf("language", body.Language, Reference.Languages), []);
        var terms = PrivacyApi.CheckTerms(c, body.AcceptTerms, body.TermsVersion);
        c.ThrowIfFailed();

        // An address that already has an account gets a sign-in code: nobody learns which addresses are registered.
        var (accountId, created) = await grains.GetGrain<ISignInGrain>(email).SignUpAsync(account);
        if (created && (terms is not null || body.MarketingEmails is not null))
            await grains.GetGrain<IAccountGrain>(accountId).RecordConsentsAsync(new ConsentChoice(terms, body.MarketingEmails, "sign-up"));
        await SendCodeAsync(grains, sender, jobs, logger, time, email, accountId);
        return email;
    }

    /// <summary>Checks a sign-in and e-mails a code when the address has an account; shared with the pages.</summary>
    internal static async Task<string> SignInAsync(SignInInput body, IGrainFactory grains, IEmailSender sender, IBackgroundJobClient jobs, ILogger logger, TimeProvider time)
    {
        var c = new Checks();
        var email = c.Email("email", body.Email);
        c.ThrowIfFailed();
        if (await grains.GetGrain<ISignInGrain>(email).GetAccountIdAsync() is { } accountId)
            await SendCodeAsync(grains, sender, jobs, logger, time, email, accountId);
        return email;
    }

    private static async Task<Ok<TokenResponse>> Verify(VerifyInput body, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, MarketplaceSettings settings,
        HttpContext context, AuditTrail audit, BearerTokens tokens)
    {
        var account = await VerifyCodeAsync(grains, body);
        var token = tokens.New();
        var expiresAt = time.GetUtcNow() + settings.TokenLifetime;
        await grains.GetGrain<IAccountGrain>(account.Id).TokenIssuedAsync(Tokens.Key(token)!, expiresAt);
        await grains.GetGrain<ITokenGrain>(Tokens.Key(token)!).IssueAsync(account.Id, account.Role, expiresAt);
        await audit.RecordAsync(context, AuditActions.SignIn, account.Id, $"token until {expiresAt:O}", new Caller(account.Id, account.Role));
        return TypedResults.Ok(new TokenResponse(token, account.Id, account.Role, expiresAt));
    }

    /// <summary>The account of a right, fresh code (then used up); shared with the pages' sign-in.</summary>
    internal static async Task<AccountView> VerifyCodeAsync(IGrainFactory grains, VerifyInput body)
    {
        var c = new Checks();
        var email = c.Email("email", body.Email);
        var code = c.Text("code", body.Code, 6, minLength: 6);
        if (code.Length == 6 && !code.All(char.IsAsciiDigit)) c.Error("code", "Six digits.");
        c.ThrowIfFailed();

        var accountId = await grains.GetGrain<ISignInGrain>(email).VerifyAsync(code);
        var accountGrain = grains.GetGrain<IAccountGrain>(accountId);
        var account = await accountGrain.MarkVerifiedAsync();
        // Signing up states that going on accepts the terms: an account that did not accept them at sign-up does at its first sign-in.
        if ((await accountGrain.GetConsentsAsync()).TermsVersion is null)
            await accountGrain.RecordConsentsAsync(new ConsentChoice(Terms.CurrentVersion, null, "first-sign-in"));
        return account;
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

    /// <summary>
    /// Sent during the request, so the code arrives at once; when the sender fails or is slow, the sign-in
    /// queue (first in urgency) issues and sends a fresh code. The code itself never enters Hangfire's storage.
    /// </summary>
    internal static async Task SendCodeAsync(IGrainFactory grains, IEmailSender sender, IBackgroundJobClient jobs, ILogger logger,
        [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, string email, string accountId)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync() ?? throw MarketplaceException.NotFound("Account");
        var code = await grains.GetGrain<ISignInGrain>(email).IssueCodeAsync();
        using var quickly = new CancellationTokenSource(InlineSendTimeout);
        try
        {
            await sender.SendAsync(SignInCodeEmail.Compose(email, account.DisplayName, code, account.Language, time.GetUtcNow()), quickly.Token);
        }
        catch (Exception failure) when (failure is EmailNotSentException or OperationCanceledException or HttpRequestException or IOException)
        {
            logger.LogWarning(failure, "Sign-in code not sent during the request; queued");
            jobs.Enqueue<SignInCodeJob>(j => j.SendAsync(email, accountId, CancellationToken.None));
        }
    }

    private static readonly TimeSpan InlineSendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The profile (SME, startup or mentor) owned by the caller's account, or a 409 saying to create it first.</summary>
    public static async Task<string> ProfileOfAsync(this IGrainFactory grains, Caller caller, string kind)
    {
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        return account?.ProfileId ?? throw MarketplaceException.Conflict($"Create your {kind} profile first.");
    }
}
