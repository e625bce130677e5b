using System.Security.Cryptography;
using System.Text;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>
/// The API's bearer tokens carry their own proof: <c>jz_</c>, 43 random characters, a dot and 22 characters of an
/// HMAC of the random part under the marketplace's signing key (shared by the hosts). A token whose proof is
/// wrong is refused before any lookup, so a made-up token costs no grain activation and no storage read.
/// Tokens of the older form (no proof) are looked up only while <c>Auth:LegacyTokensUntil</c> is in the future
/// (set it to the deployment time plus <c>Auth:TokenLifetimeHours</c> when upgrading; unset, they are refused).
/// </summary>
public sealed class BearerTokens(LinkSigner signer, IConfiguration config, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    private const int ProofLength = 22;
    private readonly DateTimeOffset? legacyUntil = config.GetValue<DateTimeOffset?>("Auth:LegacyTokensUntil");

    public string New()
    {
        var token = Tokens.New();
        return $"{token}.{Proof(token)}";
    }

    /// <summary>The key of the token's grain, or null when the text cannot be a token this marketplace issued.</summary>
    public string? Key(string token)
    {
        var dot = token.IndexOf('.');
        if (dot < 0) return legacyUntil > time.GetUtcNow() ? Tokens.Key(token) : null;
        var proof = token[(dot + 1)..];
        if (proof.Length != ProofLength || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Proof(token[..dot])), Encoding.ASCII.GetBytes(proof)))
            return null;
        return Tokens.Key(token);
    }

    private string Proof(string token) => signer.Sign($"bearer:{token}")[..ProofLength];
}
