using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>HMAC-signed values for links that work without signing in: unsubscribe, and the Hangfire dashboard.</summary>
public sealed class LinkSigner(byte[] key)
{
    public string Sign(string value) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public bool Verify(string value, string? signature) => signature is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(value)), Encoding.ASCII.GetBytes(signature));

    /// <summary>
    /// <c>Notifications:SigningKey</c> when configured (at least 32 characters), else the key the hosts share in
    /// the marketplace's storage (see <see cref="Extensions.MarketplaceKeys.SharedSigningKey"/>).
    /// </summary>
    public static LinkSigner From(NotificationSettings settings, string dataDir, Extensions.StorageClients storage)
    {
        if (settings.SigningKey is { Length: > 0 } configured)
        {
            if (configured.Length < 32) throw new InvalidOperationException("Notifications:SigningKey must be at least 32 characters.");
            return new LinkSigner(Encoding.UTF8.GetBytes(configured));
        }
        return new LinkSigner(Encoding.UTF8.GetBytes(Extensions.MarketplaceKeys.SharedSigningKey(storage, dataDir)));
    }
}
