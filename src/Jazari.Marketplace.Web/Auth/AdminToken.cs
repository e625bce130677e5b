using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>
/// The built-in admin's bearer tokens: <c>JAZARI_ADMIN_TOKEN</c> (one token, or several separated by commas), or
/// one generated at first start and kept in <c>$JAZARI_DATA_DIR/admin-token</c>. Only their hashes are held in memory.
/// Rotation: add the new token to the list, restart the hosts, move the admins to it, remove the old one and restart
/// again; a token removed from the list (or a deleted admin-token file) is refused from the next start on.
/// </summary>
public sealed class AdminToken
{
    public const string AccountId = "admin";
    private readonly byte[][] hashes;

    private AdminToken(IEnumerable<string> tokens) => hashes = [.. tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];

    public bool Matches(string token)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var matched = false;
        foreach (var known in hashes) matched |= CryptographicOperations.FixedTimeEquals(hash, known); // no early exit: same time for each
        return matched;
    }

    public static AdminToken From(IConfiguration config, string dataDir)
    {
        if (config["JAZARI_ADMIN_TOKEN"] is { Length: > 0 } configured)
        {
            var tokens = configured.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || tokens.Any(t => t.Length < 16))
                throw new InvalidOperationException("JAZARI_ADMIN_TOKEN must be one or more tokens of at least 16 characters, separated by commas.");
            return new AdminToken(tokens);
        }
        var file = Path.Combine(dataDir, "admin-token");
        if (!File.Exists(file))
        {
            var fresh = Tokens.New();
            File.WriteAllText(file + ".tmp", fresh);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(file + ".tmp", file, overwrite: false);
        }
        return new AdminToken([File.ReadAllText(file).Trim()]);
    }
}
