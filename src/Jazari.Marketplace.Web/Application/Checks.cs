using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Application;

/// <summary>Field errors of one request body, reported all at once as a 400 validation problem.</summary>
public sealed class InvalidInputException(IDictionary<string, string[]> errors) : Exception("The request has invalid fields.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// Validation at the edge: every text, list, amount and code of a body is checked here, with the
/// field's name, before anything reaches a grain. <c>prefix</c> names items of a list, e.g. <c>startups[3].</c>.
/// </summary>
public sealed class Checks(string prefix = "")
{
    public const long MaxMad = 100_000_000;
    public static readonly DateOnly MinDate = new(2000, 1, 1);
    public static readonly DateOnly MaxDate = new(2999, 12, 31);
    private readonly Dictionary<string, List<string>> errors = [];

    public bool Failed => errors.Count > 0;

    public void Error(string field, string message)
    {
        var key = prefix + field;
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    public void ThrowIfFailed()
    {
        if (Failed) throw new InvalidInputException(Errors());
    }

    /// <summary>Reads a request body with its checks, throwing its field errors (400) if any.</summary>
    public static T Valid<T>(Func<Checks, T> read)
    {
        var c = new Checks();
        var value = read(c);
        c.ThrowIfFailed();
        return value;
    }

    public IDictionary<string, string[]> Errors() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    /// <summary>Merges the errors of a nested check (an item of a list).</summary>
    public void Add(Checks other)
    {
        foreach (var (field, messages) in other.errors)
            foreach (var message in messages) Error(field[prefix.Length..], message);
    }

    /// <summary>
    /// A text field, trimmed. Single-line (the default: names, titles, references, anything that may reach an e-mail
    /// subject or header) refuses every control character, CR, LF and TAB included; multi-line (descriptions,
    /// proposals, messages, notes) allows CR, LF and TAB only. Both refuse bidi overrides and isolates
    /// (U+202A–U+202E, U+2066–U+2069), non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) and unpaired surrogates;
    /// single-line also invisible characters (zero-width space, word joiner, BOM, soft hyphen, fillers).
    /// </summary>
    public string Text(string field, string? value, int maxLength, int minLength = 1, bool multiLine = false)
    {
        var text = value?.Trim() ?? "";
        if (text.Length < minLength) Error(field, minLength == 1 ? "Required." : $"At least {minLength} characters.");
        else if (text.Length > maxLength) Error(field, $"At most {maxLength} characters.");
        else if (Refused(text, multiLine) is { } reason) Error(field, reason);
        return text;
    }

    public string? OptionalText(string field, string? value, int maxLength, bool multiLine = false) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength, multiLine: multiLine);

    /// <summary>Why a text is refused (see <see cref="Text"/>), or null.</summary>
    public static string? Refused(string text, bool multiLine)
    {
        var flag = false; // inside a subdivision flag (🏴 then tag letters, ended by the cancel tag): its tags show
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return "Unpaired surrogates are not allowed.";
                var code = char.ConvertToUtf32(c, text[++i]);
                if ((code & 0xFFFE) == 0xFFFE) return "Non-characters are not allowed.";
                var tag = flag && code is >= 0xE0020 and <= 0xE007F;
                flag = code == 0x1F3F4 || tag && code != 0xE007F;
                if (!multiLine && !tag && Invisible(code)) return "Invisible characters are not allowed.";
                continue;
            }
            flag = false;
            if (char.IsLowSurrogate(c)) return "Unpaired surrogates are not allowed.";
            // The line and paragraph separators break a line as \n does (in an e-mail's subject too).
            if ((char.IsControl(c) && !(multiLine && c is ('\n' or '\r' or '\t'))) || (!multiLine && c is '\u2028' or '\u2029'))
                return multiLine ? "Control characters other than new lines and tabs are not allowed." : "Control characters and new lines are not allowed.";
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') return "Bidirectional overrides and isolates are not allowed.";
            if (c is >= '\uFDD0' and <= '\uFDEF' or '\uFFFE' or '\uFFFF') return "Non-characters are not allowed.";
            // A name or title with an invisible character looks like another one ("Atlas" and "At\u200Blas"): refused there.
            // Text pasted into a description may carry them harmlessly.
            if (!multiLine && Invisible(c)) return "Invisible characters are not allowed.";
        }
        return null;
    }

    /// <summary>
    /// Unicode's default-ignorable characters and the other format characters, which show nothing: tags, the grapheme
    /// joiner, fillers, deprecated format controls... Joiners and direction marks serve scripts (Arabic, Persian, emoji)
    /// and pass, as do emoji variation selectors and the Arabic signs that span a number (they show).
    /// </summary>
    private static bool Invisible(int code) => code switch
    {
        0x200C or 0x200D or 0x200E or 0x200F or 0x061C or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) => false,
        (>= 0x0600 and <= 0x0605) or 0x06DD or 0x0890 or 0x0891 or 0x08E2 => false,
        0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180F) or 0x2065 or 0x3164 or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8) => true,
        >= 0xE0000 and <= 0xE0FFF => true,
        _ => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(code) == System.Globalization.UnicodeCategory.Format,
    };

    public string OneOf(string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null) Error(field, "Required.");
        else if (!allowed.Contains(value)) Error(field, $"Must be one of: {string.Join(", ", allowed)}.");
        return value ?? "";
    }

    public IReadOnlyList<string> List(string field, IReadOnlyList<string?>? values, int maxItems, int maxLength,
        IReadOnlyList<string>? allowed = null, int minItems = 0)
    {
        values ??= [];
        // A list of choices asks to choose one; a list typed as text (skills, expertise) is simply required.
        if (values.Count < minItems) Error(field, minItems > 1 ? $"At least {minItems} are required." : allowed is null ? "Required." : "At least one is required.");
        if (values.Count > maxItems) { Error(field, $"At most {maxItems} items."); return []; }
        var items = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var item = allowed is null ? Text($"{field}[{i}]", values[i], maxLength) : OneOf($"{field}[{i}]", values[i], allowed);
            if (!items.Contains(item)) items.Add(item);
        }
        return items;
    }

    public int Whole(string field, int? value, int min, int max)
    {
        if (value is null) Error(field, "Required.");
        else if (value < min || value > max) Error(field, $"Must be between {min} and {max}.");
        return value ?? 0;
    }

    /// <summary>An amount in dirhams (at most two decimals), returned in minor units (centimes).</summary>
    public long Mad(string field, decimal? value, decimal min = 1)
    {
        if (value is null) { Error(field, "Required."); return 0; }
        if (value < min || value > MaxMad) { Error(field, $"Must be between {min} and {MaxMad} MAD."); return 0; }
        if (decimal.Round(value.Value, 2) != value) { Error(field, "At most two decimals."); return 0; }
        return (long)(value.Value * 100);
    }

    public void MinNotAboveMax(string minField, long min, long max)
    {
        if (min > 0 && max > 0 && min > max) Error(minField, "Must not be above the maximum.");
    }

    /// <summary>
    /// A date (yyyy-MM-dd) between <see cref="MinDate"/> and <see cref="MaxDate"/>. A refused date reads as
    /// <see cref="MinDate"/>, so that the caller's day arithmetic before <see cref="ThrowIfFailed"/> cannot overflow.
    /// </summary>
    public DateOnly Date(string field, string? value)
    {
        if (value is null) { Error(field, "Required."); return MinDate; }
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date))
        {
            // 2027-04-31: a real year and month, a day the month does not have (typed in three fields, it was a date to its writer).
            var noSuchDay = value.Length == 10 && int.TryParse(value[..4], out var y) && y is >= 1 and <= 9999 && int.TryParse(value[5..7], out var m) && m is >= 1 and <= 12
                && int.TryParse(value[8..], out var d) && d > DateTime.DaysInMonth(y, m) && d <= 31;
            Error(field, noSuchDay ? "This month has no such day." : "Must be a date: yyyy-MM-dd.");
            return MinDate;
        }
        if (date < MinDate || date > MaxDate) { Error(field, $"Must be between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}."); return MinDate; }
        return date;
    }

    /// <summary>An optional ICE (Identifiant Commun de l'Entreprise): 15 digits once spaces are dropped; null when empty.</summary>
    public string? Ice(string field, string? value)
    {
        var ice = new string([.. Texts.AsciiDigits(value ?? "").Where(ch => !char.IsWhiteSpace(ch))]);
        if (ice.Length == 0) return null;
        if (ice.Length != 15 || !ice.All(char.IsAsciiDigit)) Error(field, "Must be the 15 digits of the ICE.");
        return ice;
    }

    public string Id(string field, string? value)
    {
        if (!Ids.IsValid(value)) Error(field, "Must be 3 to 64 lower-case letters, digits or dashes.");
        return value ?? "";
    }

    public string Email(string field, string? value)
    {
        // One mailbox, one account, whichever way it is written: "a@atlas.ma." is "a@atlas.ma" (a domain's root dot), fullwidth
        // or compatibility letters are their plain ones ("ａ@ａｔｌａｓ.ｍａ", NFKC), and a domain in punycode is its Unicode name
        // (IDNA: "xn--caf-dma.ma" is "café.ma"). Kept in that form, so that the accounts and the related-party check compare mailboxes.
        var typed = Text(field, value, 254).Normalize(System.Text.NormalizationForm.FormKC).ToLowerInvariant();
        var email = typed.TrimEnd('.');
        var at = email.IndexOf('@');
        if (typed.Length > 0 && (at < 1 || at != email.LastIndexOf('@') || !email[(at + 1)..].Contains('.') || email.Any(char.IsWhiteSpace)
            || email[(at + 1)..].Split('.').Any(label => label.Length == 0)
            // A domain name (letters in any script, digits, dashes), not an address ("a@[127.0.0.1]", "a@10.0.0.1").
            || email[(at + 1)..].Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '.')) || email[(email.LastIndexOf('.') + 1)..].All(char.IsAsciiDigit)
            || !Mailbox(email[..at])))
            Error(field, "Must be an e-mail address.");
        else if (typed.Length > 0)
        {
            if (Grains.Payments.SharedEmailDomains.Canonical(email[(at + 1)..]) is not { } domain) Error(field, "Must be an e-mail address.");
            else if ((email = $"{email[..at]}@{domain}").Length > 254) Error(field, "At most 254 characters."); // letters NFKC spelt out
        }
        return email;
    }

    /// <summary>A mailbox name as people have them (RFC 5322's dot-atom, letters in any script): no "&lt;script&gt;", no
    /// quotes or brackets, no replacement character of a byte that was not text, no dot at either end or twice.</summary>
    private static bool Mailbox(string local) =>
        local.Length is > 0 and <= 64 && local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal)
        && local.All(c => char.IsLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~.-".Contains(c)
            || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark);
}
