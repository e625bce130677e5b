using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Languages;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// The language of one page request and everything written in it: texts, plurals, numbers, dates and MAD amounts
/// in one format per language (see <see cref="Formats"/> and <see cref="Plurals"/>). Formatting is explicit (the
/// request culture stays invariant, so forms bind the same whatever the language).
/// </summary>
public sealed partial class Text(Strings strings)
{
    public const string CookieName = "jz-lang";

    /// <summary>The language of the page: ar, fr, en or zgh (Amazigh, written in part).</summary>
    public string Lang { get; private set; } = "fr";
    /// <summary>The reader's second language (fr, ar or en): the texts not written in Amazigh come in it.</summary>
    public string Second { get; private set; } = "fr";
    /// <summary>The language of the page's content: <see cref="Lang"/>, or the second language on a page not written in Amazigh.</summary>
    public string Content { get; private set; } = "fr";
    public string Dir => DirOf(Lang);
    public string ContentDir => DirOf(Content);
    public CultureInfo Culture => Formats.Culture;
    private Formats Formats { get; set; } = Formats.For("fr");

    public static string DirOf(string language) => language == "ar" ? "rtl" : "ltr";

    /// <summary>The language texts are looked up in: the content's, and the page's in the frame (header, menus, footer).</summary>
    private string Reading => inFrame ? Lang : Content;
    private bool inFrame;

    /// <summary>
    /// From here on the frame is written (the layout, after the page's body: Razor renders the body first), in the
    /// page's language even where the content is in the second language.
    /// </summary>
    public void BeginFrame() => inFrame = true;

    /// <summary>
    /// Speaks <paramref name="language"/>; a reader of Amazigh reads what is not written in it in <paramref name="second"/>,
    /// and the whole content (numbers and dates included) of a page not in <see cref="Amazigh.Pages"/> (<paramref name="path"/>).
    /// </summary>
    public void Use(string language, string? second = null, string? path = null)
    {
        Lang = Strings.PageLanguages.Contains(language) ? language : "fr";
        Second = second is not null && Amazigh.SecondLanguages.Contains(second) ? second : Amazigh.SecondLanguages[0];
        Content = Lang == Amazigh.Code && path is not null && !Amazigh.IsWritten(path) ? Second : Lang;
        Formats = Formats.For(Content);
        inFrame = false;
    }

    public string this[string key] => strings.Find(Reading, Second, key).Text;

    /// <summary>A label before its value, with the colon its language writes: French puts a no-break space before it.</summary>
    public string Label(string key)
    {
        var (text, language) = strings.Find(Reading, Second, key);
        return text + Colon(language);
    }

    /// <summary>The colon after a label in <paramref name="language"/>: French puts a no-break space before it.</summary>
    public static string Colon(string language) => language == "fr" ? "\u00A0:" : ":";

    /// <summary>An e-mail address inside a sentence: left to right in any page, and moved to the next line whole rather
    /// than cut at one of its hyphens (cut anywhere only when longer than a line).</summary>
    public IHtmlContent Address(string? email) => new HtmlString($"<bdi class=\"address\" dir=\"ltr\">{WebUtility.HtmlEncode(email)}</bdi>");

    /// <summary>
    /// A text with its values; a text written with plural forms ("one:…|other:…") takes the form of its first
    /// whole-number value (an int or a long). Whole numbers among the values are written in the language's format.
    /// </summary>
    public string Format(string key, params object?[] args)
    {
        var text = Written(key, args);
        return string.Format(Culture, text, [.. args.Select(a => AsCount(a) is { } count ? Number(count) : a is string name ? Name(name) : a)]);
    }

    /// <summary>A party's name as the reader sees it: an erased account's pseudonym reads "Deleted account".</summary>
    public string Name(string name) => Privacy.PersonalData.IsPseudonym(name) ? this["party.erased"] : name;

    /// <summary>
    /// <see cref="Format"/> as HTML, each text value isolated in a <c>&lt;bdi&gt;</c>: a name or a title typed in another
    /// script keeps its order inside the sentence, and the sentence keeps its own.
    /// </summary>
    public IHtmlContent Html(string key, params object?[] args)
    {
        var text = Written(key, args);
        var values = args.Select(a => AsCount(a) is { } count ? Number(count)
            : a is IHtmlContent html ? Encoded(html) : $"<bdi>{WebUtility.HtmlEncode(Name(Convert.ToString(a, Culture) ?? ""))}</bdi>");
        return new HtmlString(string.Format(Culture, WebUtility.HtmlEncode(text), [.. values]));
    }

    /// <summary>The text of <paramref name="key"/> in the form its values ask: its plural form, and in French "d'" before a typed
    /// value that starts with a vowel.</summary>
    private string Written(string key, object?[] args)
    {
        var (text, language) = strings.Find(Reading, Second, key);
        if (Plurals.HasForms(text)) text = Plurals.Select(text, language, args.Select(AsCount).FirstOrDefault(n => n is not null) ?? 0);
        return language != "fr" ? text : French.Elide(text, name => int.TryParse(name, out var i) && i < args.Length ? args[i] as string : null);
    }

    private static string Encoded(IHtmlContent html)
    {
        using var writer = new StringWriter();
        html.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }

    /// <summary>A count with its noun in the right plural form: "1 offre", "2 offres", "عرضان".</summary>
    public string Count(string key, long n, params object?[] more) => Format(key, [n, .. more]);

    /// <summary>When a refused request can be made again: in seconds under a minute and a half, in minutes (rounded up)
    /// under two hours, in hours (the nearest) beyond ("Vous pourrez réessayer dans 15 minutes.").</summary>
    public string RetryIn(TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(Math.Max(wait.TotalSeconds, 1));
        var minutes = (seconds + 59) / 60;
        return seconds < 90 ? Count("error-page.retry-after", seconds)
            : minutes < 120 ? Count("error-page.retry-after-minutes", minutes)
            : Count("error-page.retry-after-hours", (long)Math.Round(minutes / 60.0, MidpointRounding.AwayFromZero));
    }

    private static long? AsCount(object? value) => value switch { int i => i, long l => l, _ => null };

    public string Number(long value) => Formats.Number(value);
    public string Number(double value, int decimals) => Formats.Number(value, decimals);
    /// <summary>A percentage without its sign: "5", or "2,5" when it has a fraction.</summary>
    public string Percent(decimal value) => Formats.Number((double)value, value % 1 == 0 ? 0 : 2);

    /// <summary>An amount in minor units (centimes), e.g. "12.500 MAD" or "12.500,50 درهم".</summary>
    public string Money(long minor, string currency = Reference.DefaultCurrency) => Formats.Money(minor, currency, this["currency.mad"]);

    public string Mad(decimal amount) => Money((long)(amount * 100));

    /// <summary>A range of amounts, kept on one line around its dash (a phone broke "15.000 درهم –" from its end).</summary>
    public string MoneyRange(long min, long max, string currency = Reference.DefaultCurrency) => $"{Money(min, currency)}\u00A0–\u00A0{Money(max, currency)}";

    /// <summary>A score out of five, one decimal: "4,7 / 5".</summary>
    public string Score(double value) => Formats.Score(value);

    public string Date(DateOnly date) => Formats.Date(date);
    public string Date(DateTimeOffset at) => Formats.Date(at);
    /// <summary>A moment in Morocco's time.</summary>
    public string DateTime(DateTimeOffset at) => Formats.DateTime(at);

    public string Category(string category) => this["category." + category];
    public string CategoryHelp(string category) => this["category-help." + category];
    /// <summary>Items joined with the language's comma ("، " in Arabic); <paramref name="typed"/> items (skills, names) each
    /// direction-isolated, so that a list of Latin and Arabic words keeps its order in either page.</summary>
    public string List(IEnumerable<string> items, bool typed = false) =>
        string.Join(Lang == "ar" ? "، " : ", ", typed ? items.Select(Jazari.Marketplace.Web.Languages.Formats.Isolated) : items);

    public string Region(string region) => region == Reference.WholeCountry ? this["region.all"] : this["region." + region];
    public string Language(string language) => this["language." + language];
    public string Status(string status) => this["status." + status];
    public string Role(string role) => this["role." + role];

    /// <summary>
    /// A refusal of the checks or a grain, in this language. The English message is matched against the English
    /// templates of the string files ("error.At most {0} characters."); the values it carries are written in this
    /// language: <c>{0}</c> a number as a number, <c>{0:money}</c> minor units as an amount, <c>{0:nth}</c> an index counted from one,
    /// <c>{0:datetime}</c> a time (ISO 8601) in Morocco's, <c>{0:status.}</c> a code
    /// through its page string, <c>{0:typed}</c> a text a person typed (a title), isolated from the sentence's direction.
    /// Unknown messages stay as they are.
    /// </summary>
    public string Error(string message)
    {
        if (message.StartsWith("Must be one of:", StringComparison.Ordinal)) return this["error.choose"];
        if (strings.ErrorTemplate(message) is not { } found) return message;
        var (text, language) = strings.Find(Reading, Second, found.Key);
        // A text with plural forms takes the form of its first whole number ("20 حرفاً", "10 أحرف").
        if (Plurals.HasForms(text))
            text = Plurals.Select(text, language, found.Values.Select(v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (long?)null)
                .FirstOrDefault(n => n is not null) ?? 0);
        return Placeholder().Replace(text, m =>
        {
            var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (index >= found.Values.Count) return m.Value;
            var value = found.Values[index];
            var spec = m.Groups[2].Value;
            var whole = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n);
            return spec switch
            {
                "money" when whole => Money(n),
                "nth" when whole => Number(n + 1), // a milestone's index (from 0 in the API) as the pages count it, from 1
                "datetime" when DateTimeOffset.TryParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) => DateTime(at),
                "" when whole => Number(n),
                "typed" => Jazari.Marketplace.Web.Languages.Formats.Isolated(Name(value)),
                _ when spec.EndsWith('.') => this[spec + value],
                _ => value,
            };
        });
    }

    [GeneratedRegex(@"\{([0-9]+)(?::([a-z.-]+))?\}")]
    private static partial Regex Placeholder();
}
