using System.Reflection;
using System.Text.Json;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// A Moroccan RIB (relevé d'identité bancaire): 24 digits, the bank (3), the town (3), the account (16) and a 2-digit key.
/// The key makes the whole 24-digit number a multiple of 97 (key = 97 - (first 22 digits x 100 mod 97)), the rule of
/// the RIB key for Morocco's all-digit accounts (no letter to convert). The bank code must be one of
/// <c>Data/moroccan-bank-codes.json</c>.
/// </summary>
public static class Rib
{
    public const int Length = 24;

    /// <summary>The digits of what someone typed, without the spaces and dashes people group them with; null when anything else is there.</summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null) return null;
        var digits = new System.Text.StringBuilder(Length);
        foreach (var c in Texts.AsciiDigits(typed)) // as an Arabic keyboard types them (٠٠٧ ...) too
        {
            if (c is >= '0' and <= '9') digits.Append(c);
            else if (c is not (' ' or '-' or '\u00A0' or '.')) return null;
        }
        return digits.ToString();
    }

    /// <summary>Why the RIB is refused (null when it is a valid RIB of a known bank): the English refusal for the field <c>rib</c>.</summary>
    public static string? Problem(string? typed)
    {
        var rib = Normalise(typed);
        if (string.IsNullOrEmpty(typed?.Trim())) return "Required.";
        if (rib is null || rib.Length != Length) return "A RIB has 24 digits (spaces and dashes allowed).";
        if (Key(rib[..22]) != rib[22..]) return "This RIB's key is wrong: check the digits.";
        if (BankOf(rib) is null) return "This RIB's bank code is not a known Moroccan bank.";
        return null;
    }

    /// <summary>The 2-digit key of the first 22 digits.</summary>
    public static string Key(string first22)
    {
        var rest = 0;
        foreach (var c in first22 + "00") rest = (rest * 10 + (c - '0')) % 97;
        return (97 - rest).ToString("00");
    }

    /// <summary>The bank of a normalised RIB, from its first 3 digits; null when unknown.</summary>
    public static string? BankOf(string rib) => rib.Length < 3 ? null : Banks.Value.TryGetValue(rib[..3], out var name) ? name : null;

    /// <summary>What people see of a RIB: the bank code, the last 4 digits of the account and the key.</summary>
    public static string Masked(string rib) => rib.Length == Length ? $"{rib[..3]} *** ************{rib[18..22]} {rib[22..]}" : "***";

    /// <summary>The IBAN of a Moroccan RIB: MA, 2 check digits (ISO 13616, mod 97-10), the 24 digits.</summary>
    public static string Iban(string rib)
    {
        var rest = 0;
        foreach (var c in rib + "2210" + "00") rest = (rest * 10 + (c - '0')) % 97; // M=22, A=10
        return $"MA{98 - rest:00}{rib}";
    }

    /// <summary>The known bank codes with their names (ranges expanded).</summary>
    public static IReadOnlyDictionary<string, string> KnownBanks => Banks.Value;

    private static readonly Lazy<Dictionary<string, string>> Banks = new(() =>
    {
        using var stream = typeof(Rib).Assembly.GetManifestResourceStream("Jazari.Marketplace.Grains.Payments.Data.moroccan-bank-codes.json")
            ?? throw new InvalidOperationException("The bank codes are missing from the assembly.");
        using var doc = JsonDocument.Parse(stream);
        var banks = new Dictionary<string, string>();
        foreach (var bank in doc.RootElement.GetProperty("banks").EnumerateArray())
            banks[bank.GetProperty("code").GetString()!] = bank.GetProperty("name").GetString()!;
        foreach (var range in doc.RootElement.GetProperty("ranges").EnumerateArray())
            for (var code = int.Parse(range.GetProperty("from").GetString()!); code <= int.Parse(range.GetProperty("to").GetString()!); code++)
                banks.TryAdd(code.ToString("000"), range.GetProperty("name").GetString()!);
        return banks;
    });
}

/// <summary>E-mail domains that say nothing of who owns an address (webmail, placeholders): <c>Data/shared-email-domains.txt</c>.</summary>
public static class SharedEmailDomains
{
    public static bool Contains(string domain) => Domains.Value.Contains(domain);

    /// <summary>The domain of an address in its one form (<see cref="Canonical"/>; as written, lower case, when it is no
    /// domain name), also for addresses stored before accounts kept that form; null when it has none.</summary>
    public static string? DomainOf(string? email) =>
        email?.LastIndexOf('@') is int at and >= 0 && at < email.Length - 1
            ? Canonical(email[(at + 1)..]) ?? email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant() : null;

    /// <summary>A domain's one name (IDNA, UTS #46), lower case: fullwidth or compatibility letters are their plain ones
    /// (NFKC), a punycode label is its Unicode letters, a root dot is dropped. Null when it is no domain name.</summary>
    public static string? Canonical(string domain)
    {
        var idn = new System.Globalization.IdnMapping { UseStd3AsciiRules = true };
        string ascii;
        try
        {
            ascii = idn.GetAscii(domain.Normalize(System.Text.NormalizationForm.FormKC).Trim().TrimEnd('.'));
        }
        catch (ArgumentException)
        {
            return null;
        }
        try
        {
            return idn.GetUnicode(ascii).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return ascii.ToLowerInvariant(); // an ASCII label with "--" third and fourth ("ab--cd"), which DNS allows: as it is
        }
    }

    private static readonly Lazy<HashSet<string>> Domains = new(() =>
    {
        using var stream = typeof(Rib).Assembly.GetManifestResourceStream("Jazari.Marketplace.Grains.Payments.Data.shared-email-domains.txt")
            ?? throw new InvalidOperationException("The shared e-mail domains are missing from the assembly.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    });
}
