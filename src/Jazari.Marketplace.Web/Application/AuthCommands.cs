using System.Security.Cryptography;
using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Passwordless sign-up and sign-in, for the API and the pages alike. Every address gets the same answer after the
/// same work: one write to the address's sign-in grain, one notification recorded, one job queued; the e-mail (a code,
/// or "this address has no account" with the sign-up link) goes out from the sign-in queue. A sign-up is kept with its
/// pending code and becomes an account only at its first verified code. <paramref name="clientAddress"/> parameters are
/// the requester's network address (stored only hashed), which the sign-in grain throttles by.
/// </summary>
public sealed class AuthCommands(IGrainFactory grains, Notifier notifier, SignInCodes codes, MarketplaceSettings settings,
    AuditTrail audit, BearerTokens tokens, SignUpNetworks networks, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    /// <summary>
    /// Checks a sign-up and e-mails a code; an address with an account gets a code to sign in to it, in an e-mail saying the
    /// account exists (the answer is the same, so the page tells nobody). Returns the address as typed (<see cref="Typed"/>).
    /// The code's e-mail is in the account's language, or in <paramref name="pageLanguage"/> when that is Amazigh (a
    /// language of the pages and the sign-in e-mails, not of accounts).
    /// </summary>
    public async Task<string> SignUpAsync(SignUpInput input, string? clientAddress, string? pageLanguage = null)
    {
        var c = new Checks();
        var email = c.Email("email", input.Email);
        var account = new NewAccount(email, c.OneOf("role", input.Role, Roles.SelfService),
            c.Text("displayName", input.DisplayName, 100), c.OneOf("language", input.Language, Reference.Languages), []);
        var terms = PrivacyCommands.CheckTerms(c, input.AcceptTerms, input.TermsVersion);
        c.ThrowIfFailed();
        var consents = terms is null && input.MarketingEmails is null ? null : new ConsentChoice(terms, input.MarketingEmails, "sign-up");
        await SendCodeAsync(await SignInKeyAsync(grains, email, input.Email), pageLanguage == Languages.Amazigh.Code ? pageLanguage : account.Language,
            clientAddress, new PendingSignUp(account, consents));
        return Typed(input.Email);
    }

    /// <summary>Checks a sign-in and e-mails a code (or, to an address without an account, where to sign up). Returns the address as typed (<see cref="Typed"/>).</summary>
    public async Task<string> SignInAsync(SignInInput input, string? clientAddress, string fallbackLanguage)
    {
        var c = new Checks();
        var email = c.Email("email", input.Email);
        var language = input.Language is null ? fallbackLanguage : c.OneOf("language", input.Language, Reference.Languages);
        c.ThrowIfFailed();
        await SendCodeAsync(await SignInKeyAsync(grains, email, input.Email), language, clientAddress, null);
        return Typed(input.Email);
    }

    /// <summary>The account of a right, live code (all codes of the address are then used up); a sign-up's first code creates it,
    /// keeping the keyed hash of the requester's network (<see cref="SignUpNetworks"/>).</summary>
    public async Task<AccountView> VerifyAsync(VerifyInput input, string? clientAddress)
    {
        var c = new Checks();
        var email = c.Email("email", input.Email);
        var code = c.Text("code", input.Code is null ? null : Texts.AsciiDigits(input.Code), 6, minLength: 6); // ١٢٣٤٥٦ too
        if (code.Length == 6 && !code.All(char.IsAsciiDigit)) c.Error("code", "Six digits.");
        c.ThrowIfFailed();
        email = await SignInKeyAsync(grains, email, input.Email);

        var accountId = await grains.GetGrain<ISignInGrain>(email).VerifyAsync(code, Requester(clientAddress), networks.Of(clientAddress));
        var accountGrain = grains.GetGrain<IAccountGrain>(accountId);
        var account = await accountGrain.MarkVerifiedAsync();
        // Signing up states that going on accepts the terms: an account that did not accept them at sign-up does at its first sign-in.
        if ((await accountGrain.GetConsentsAsync()).TermsVersion is null)
            await accountGrain.RecordConsentsAsync(new ConsentChoice(Terms.CurrentVersion, null, "first-sign-in"));
        return account;
    }

    /// <summary>A bearer token for a verified account (the API's sign-in), remembered on the account and audited.</summary>
    public async Task<TokenResponse> IssueTokenAsync(AccountView account)
    {
        var token = tokens.New();
        var expiresAt = time.GetUtcNow() + settings.TokenLifetime;
        await grains.GetGrain<IAccountGrain>(account.Id).TokenIssuedAsync(Tokens.Key(token)!, expiresAt);
        await grains.GetGrain<ITokenGrain>(Tokens.Key(token)!).IssueAsync(account.Id, account.Role, expiresAt);
        await audit.RecordAsync(new Caller(account.Id, account.Role), AuditActions.SignIn, account.Id, $"token until {expiresAt:O}");
        return new TokenResponse(token, account.Id, account.Role, expiresAt);
    }

    /// <summary>Records a page sign-in (the page opens its cookie session itself).</summary>
    public Task RecordPageSignInAsync(AccountView account) =>
        audit.RecordAsync(new Caller(account.Id, account.Role), AuditActions.SignIn, account.Id, "page session");

    private async Task SendCodeAsync(string email, string language, string? clientAddress, PendingSignUp? signUp)
    {
        var request = await grains.GetGrain<ISignInGrain>(email).RequestCodeAsync(Requester(clientAddress), signUp);
        var key = $"sign-in:{request.RequestId}";
        if (request.Code is { } code && request.SignUpRole is { } role)
            await notifier.NotifyAddressAsync(request.RecipientId, email, language, NotificationKinds.SignUpCode, key,
                new Dictionary<string, string> { ["code"] = codes.Protect(code), ["role"] = role });
        else if (request.Code is { } signInCode)
            await notifier.NotifyAddressAsync(request.RecipientId, email, language,
                request.AccountExists ? NotificationKinds.AccountExists : NotificationKinds.SignInCode, key,
                new Dictionary<string, string> { ["code"] = codes.Protect(signInCode) });
        else
            await notifier.NotifyAddressAsync(request.RecipientId, email, language, NotificationKinds.NoAccount, key,
                new Dictionary<string, string> { ["signUpLink"] = notifier.Link("/sign-up") });
    }

    /// <summary>
    /// The address a sign-in is kept under: its one form (<see cref="Checks.Email"/>), or, for an account made before
    /// addresses were kept in that form (fullwidth letters, a punycode domain, a decomposed accent), the form it was made
    /// under, as typed then (lower case, no root dot), so that its owner still reaches it.
    /// </summary>
    /// <remarks>Called on a valid address only (its key is a storage key). Both are read whenever the spellings differ, so
    /// the time taken says nothing of which has an account.</remarks>
    public static async Task<string> SignInKeyAsync(IGrainFactory grains, string email, string? typed)
    {
        var old = Typed(typed);
        if (old.Length == 0 || old == email || email.Length == 0) return email;
        var accounts = await Task.WhenAll(grains.GetGrain<ISignInGrain>(email).GetAccountIdAsync(), grains.GetGrain<ISignInGrain>(old).GetAccountIdAsync());
        return accounts[0] is null && accounts[1] is not null ? old : email;
    }

    /// <summary>The address as typed, as accounts were keyed before they kept one form (lower case, no root dot). What the
    /// sign-in and sign-up answer (the page carries it to the code's form, which works the key out again): the same
    /// whether or not an account exists under either spelling.</summary>
    private static string Typed(string? typed) => typed?.Trim().ToLowerInvariant().TrimEnd('.') ?? "";

    /// <summary>The requester as the sign-in grain keeps it: a short hash, never the network address itself.</summary>
    private static string Requester(string? clientAddress) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("jazari-requester:" + (clientAddress ?? "unknown"))))[..16];
}
