using System.Security.Cryptography;
using System.Text;
using Jazari.Marketplace.Web.Auth;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>HMAC-signed values for links that work without signing in: unsubscribe, and the Hangfire dashboard.</summary>
public sealed class LinkSigner(byte[] key)
{
    public string Sign(string value) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public bool Verify(string value, string? signature) => signature is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(value)), Encoding.ASCII.GetBytes(signature));

    public static LinkSigner From(NotificationSettings settings, string dataDir)
    {
        if (settings.SigningKey is { Length: > 0 } configured)
        {
            if (configured.Length < 32) throw new InvalidOperationException("Notifications:SigningKey must be at least 32 characters.");
            return new LinkSigner(Encoding.UTF8.GetBytes(configured));
        }
        var file = Path.Combine(dataDir, "signing-key");
        if (!File.Exists(file))
        {
            File.WriteAllText(file + ".tmp", Tokens.New());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(file + ".tmp", file, overwrite: false); } catch (IOException) when (File.Exists(file)) { }
        }
        return new LinkSigner(Encoding.UTF8.GetBytes(File.ReadAllText(file).Trim()));
    }
}
