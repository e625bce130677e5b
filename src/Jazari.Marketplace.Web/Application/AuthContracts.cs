using Jazari.Marketplace.Grains.Accounts;

namespace Jazari.Marketplace.Web.Application;

/// <summary>A self sign-up: nothing of it is kept as an account until its first code is verified.</summary>
public sealed record SignUpInput
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

public sealed record SignInInput
{
    public string? Email { get; init; }
    /// <summary>Optional: the language of the e-mail when the address has no account (an account's own language wins).</summary>
    public string? Language { get; init; }
}

public sealed record VerifyInput
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
