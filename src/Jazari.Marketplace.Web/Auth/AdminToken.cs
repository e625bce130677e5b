using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>
/// The built-in admin's bearer token: <c>JAZARI_ADMIN_TOKEN</c>, or one generated at first start and kept
/// in <c>$JAZARI_DATA_DIR/admin-token</c>. Only its hash is held in memory.
/// </summary>
public sealed class AdminToken
{
    public const string AccountId = "admin";
    private readonly byte[] hash;

    private AdminToken(string token) => hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Matches(string token) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), hash);

    public static AdminToken From(IConfiguration config, string dataDir)
    {
        if (config["JAZARI_ADMIN_TOKEN"] is { Length: > 0 } configured)
        {
            if (configured.Length < 16) throw new InvalidOperationException("JAZARI_ADMIN_TOKEN must be at least 16 characters.");
            return new AdminToken(configured);
        }
        var file = Path.Combine(dataDir, "admin-token");
        if (!File.Exists(file))
        {
            var fresh = Tokens.New();
            File.WriteAllText(file + ".tmp", fresh);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(file + ".tmp", file, overwrite: false);
        }
        return new AdminToken(File.ReadAllText(file).Trim());
    }
}
