using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>Bearer tokens: 32 random bytes, handed out once; the marketplace keeps only their SHA-256.</summary>
public static class Tokens
{
    private const string Prefix = "jz_";

    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key of the token's grain: hex SHA-256, or null when the text cannot be one of our tokens.</summary>
    public static string? Key(string token)
    {
        if (token.Length is < 10 or > 100 || !token.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
