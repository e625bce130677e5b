using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// The clear code of a sign-in e-mail, between the request and the send: encrypted with the host's data-protection
/// keys and limited to the code's life, so the notification waiting in storage holds no usable code, and a send
/// attempted after the code expired finds nothing to send. The notification is deleted once sent.
/// </summary>
public sealed class SignInCodes(IDataProtectionProvider protection)
{
    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("Jazari.Marketplace.SignInCode").ToTimeLimitedDataProtector();

    /// <summary>Readable for the life of a code (by the wall clock of the hosts, not the marketplace's clock, which tests move).</summary>
    public string Protect(string code) => protector.Protect(code, Grains.Accounts.SignInRules.CodeLifetime);

    /// <summary>The code, or null when it expired or cannot be read (keys rotated away).</summary>
    public string? Reveal(string protectedCode)
    {
        try { return protector.Unprotect(protectedCode); }
        catch (CryptographicException) { return null; }
    }
}
