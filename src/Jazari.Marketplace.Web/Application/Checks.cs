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

    public string Text(string field, string? value, int maxLength, int minLength = 1)
    {
        var text = value?.Trim() ?? "";
        if (text.Length < minLength) Error(field, minLength == 1 ? "Required." : $"At least {minLength} characters.");
        else if (text.Length > maxLength) Error(field, $"At most {maxLength} characters.");
        else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) Error(field, "Control characters are not allowed.");
        return text;
    }

    /// <summary>
    /// A single-line field (a name, a title: what may reach an e-mail's subject or a header): no control character
    /// (no new line, no tab), no bidi override, no non-character, no unpaired surrogate.
    /// </summary>
    public string Line(string field, string? value, int maxLength, int minLength = 1)
    {
        var text = Text(field, value, maxLength, minLength);
        if (!IsLine(text)) Error(field, "One line of text: no new lines, control or formatting characters.");
        return text;
    }

    public static bool IsLine(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
                || c is (>= '\uFDD0' and <= '\uFDEF') or '\uFFFE' or '\uFFFF') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                if ((char.ConvertToUtf32(c, text[++i]) & 0xFFFE) == 0xFFFE) return false;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    public string? OptionalText(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength);

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
        if (values.Count < minItems) Error(field, minItems == 1 ? "At least one is required." : $"At least {minItems} are required.");
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

    public DateOnly Date(string field, string? value)
    {
        if (value is null) { Error(field, "Required."); return default; }
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date)) { Error(field, "Must be a date: yyyy-MM-dd."); return default; }
        return date;
    }

    public string Id(string field, string? value)
    {
        if (!Ids.IsValid(value)) Error(field, "Must be 3 to 64 lower-case letters, digits or dashes.");
        return value ?? "";
    }

    public string Email(string field, string? value)
    {
        var email = Text(field, value, 254).ToLowerInvariant();
        var at = email.IndexOf('@');
        if (email.Length > 0 && (at < 1 || at != email.LastIndexOf('@') || !email[(at + 1)..].Contains('.') || email.Any(char.IsWhiteSpace)))
            Error(field, "Must be an e-mail address.");
        return email;
    }
}
