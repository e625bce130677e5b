using System.Globalization;
using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Languages;

/// <summary>
/// One way to write numbers, MAD amounts, dates and times per language, for pages and e-mails alike: the
/// platform's cultures ar-MA, fr-MA and en-GB (CLDR data through ICU), times in Morocco's time zone. Amazigh (zgh)
/// writes its dates with ICU's zgh-MA (Tifinagh month names) and its numbers as fr-MA does (Latin digits, "12.500,50").
/// </summary>
public sealed class Formats
{
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en", Amazigh.Code];

    /// <summary>Morocco's time (Africa/Casablanca); UTC+1 where the system has no time zone data.</summary>
    public static readonly TimeZoneInfo Morocco = FindMorocco();

    private static readonly Dictionary<string, Formats> ByLanguage = Languages.ToDictionary(l => l, l => new Formats(l));

    /// <summary>Text somebody typed, direction-isolated (U+2068 … U+2069) where no <c>&lt;bdi&gt;</c> can go: plain text,
    /// a window title, a list joined into one string. The checks refuse these characters in what people type.</summary>
    public static string Isolated(string text) => $"\u2068{text}\u2069";

    public static Formats For(string language) => ByLanguage.GetValueOrDefault(language, ByLanguage["fr"]);

    private Formats(string language)
    {
        Language = language;
        Culture = language == Amazigh.Code ? AmazighCulture() : CultureInfo.GetCultureInfo(language switch { "ar" => "ar-MA", "en" => "en-GB", _ => "fr-MA" });
    }

    /// <summary>zgh-MA's calendar names with fr-MA's numbers; fr-MA itself where ICU has no zgh data.</summary>
    private static CultureInfo AmazighCulture()
    {
        var french = CultureInfo.GetCultureInfo("fr-MA");
        CultureInfo culture;
        try { culture = (CultureInfo)CultureInfo.GetCultureInfo("zgh-MA", predefinedOnly: true).Clone(); }
        catch (CultureNotFoundException) { return french; }
        culture.NumberFormat = (NumberFormatInfo)french.NumberFormat.Clone();
        return CultureInfo.ReadOnly(culture);
    }

    public string Language { get; }
    public CultureInfo Culture { get; }

    public string Number(long value) => value.ToString("N0", Culture);
    public string Number(double value, int decimals) => value.ToString("N" + decimals, Culture);

    /// <summary>An amount in minor units (centimes): "12.500 MAD", "12.500,50 درهم"; whole dirhams without decimals.</summary>
    public string Money(long minor, string currency, string currencyName)
    {
        var amount = minor / 100m;
        var number = amount.ToString(amount == decimal.Truncate(amount) ? "N0" : "N2", Culture);
        return $"{number}\u00a0{(currency == Reference.DefaultCurrency ? currencyName : currency)}"; // one unbreakable block on a narrow card
    }

    /// <summary>A score out of five with one decimal: "4,7 / 5".</summary>
    public string Score(double value) => $"{Number(value, 1)} / 5";

    public string Date(DateOnly date) => date.ToString("d MMMM yyyy", Culture);
    public string Date(DateTimeOffset at) => Local(at).ToString("d MMMM yyyy", Culture);
    /// <summary>A date and time: "5 décembre 2026, 03:53"; Arabic joins them with its own comma, "5 دجنبر 2026، 03:53".</summary>
    public string DateTime(DateTimeOffset at) => Local(at).ToString(Language == "ar" ? "d MMMM yyyy، HH:mm" : "d MMMM yyyy, HH:mm", Culture);

    /// <summary>The time in Morocco.</summary>
    public static DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Morocco).DateTime;

    /// <summary>Today in Morocco.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Local(now));

    /// <summary>The moment a day starts in Morocco (its midnight, 23:00 UTC the evening before outside Ramadan).</summary>
    public static DateTimeOffset StartOf(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), Morocco), TimeSpan.Zero);

    private static TimeZoneInfo FindMorocco()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Africa/Casablanca"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.CreateCustomTimeZone("Africa/Casablanca", TimeSpan.FromHours(1), "Morocco", "Morocco"); }
    }
}
