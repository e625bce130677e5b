using System.Globalization;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// The language of one page request and everything written in it: texts, numbers, dates and MAD amounts
/// formatted for ar-MA, fr-MA or en. Formatting is explicit (the request culture stays invariant, so forms
/// bind the same whatever the language).
/// </summary>
public sealed partial class Text(Strings strings)
{
    public const string CookieName = "jz-lang";

    public string Lang { get; private set; } = "fr";
    public string Dir => Lang == "ar" ? "rtl" : "ltr";
    public CultureInfo Culture { get; private set; } = CultureFor("fr");

    public void Use(string language)
    {
        Lang = Strings.Languages.Contains(language) ? language : "fr";
        Culture = CultureFor(Lang);
    }

    public static CultureInfo CultureFor(string language) => CultureInfo.GetCultureInfo(language switch
    {
        "ar" => "ar-MA",
        "en" => "en-GB",
        _ => "fr-MA",
    });

    public string this[string key] => strings.Get(Lang, key);

    public string Format(string key, params object?[] args) => string.Format(Culture, strings.Get(Lang, key), args);

    public string Number(long value) => value.ToString("N0", Culture);
    public string Number(double value, int decimals) => value.ToString("N" + decimals, Culture);

    /// <summary>An amount in minor units (centimes), e.g. "12 500,00 MAD" or "12,500.00 د.م.".</summary>
    public string Money(long minor, string currency = Reference.DefaultCurrency)
    {
        var amount = minor / 100m;
        var number = amount.ToString(amount == decimal.Truncate(amount) ? "N0" : "N2", Culture);
        return Lang == "ar" && currency == Reference.DefaultCurrency ? $"{number} {this["currency.mad"]}" : $"{number} {currency}";
    }

    public string Mad(decimal amount) => Money((long)(amount * 100));

    public string Date(DateOnly date) => date.ToString("d MMMM yyyy", Culture);
    public string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", Culture);
    public string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy, HH:mm", Culture) + " UTC";

    public string Category(string category) => strings.Get(Lang, "category." + category);
    public string CategoryHelp(string category) => strings.Get(Lang, "category-help." + category);
    public string Region(string region) => region == Reference.WholeCountry ? this["region.all"] : strings.Get(Lang, "region." + region);
    public string Language(string language) => strings.Get(Lang, "language." + language);
    public string Status(string status) => strings.Get(Lang, "status." + status);
    public string Role(string role) => strings.Get(Lang, "role." + role);

    /// <summary>
    /// A refusal of the API's checks or a grain, in this language: the English message with its numbers taken
    /// out is the key ("At most {0} characters."), so one entry covers every limit. Unknown messages stay as they are.
    /// </summary>
    public string Error(string message)
    {
        if (message.StartsWith("Must be one of:", StringComparison.Ordinal)) return this["error.choose"];
        var numbers = new List<object>();
        var pattern = Numbers().Replace(message, m => { numbers.Add(long.Parse(m.Value, CultureInfo.InvariantCulture)); return $"{{{numbers.Count - 1}}}"; });
        var key = "error." + pattern;
        return strings.Has("en", key) ? string.Format(Culture, strings.Get(Lang, key), [.. numbers.Select(n => (object)Number((long)n))]) : message;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
