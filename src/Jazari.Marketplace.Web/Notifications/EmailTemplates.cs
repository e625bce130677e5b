using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// Turns a notification into an e-mail in the recipient's language, from Notifications/Templates (one JSON per
/// language: subject and text of each kind; layout.html around the HTML, right to left for Arabic). Amazigh (zgh.json)
/// writes the sign-in e-mails only; any other kind asked for in it comes in French.
/// Placeholders are <c>{name}</c>, or <c>{bids#one:# offre|other:# offres}</c> for a count in its plural form
/// (<see cref="Plurals"/>, <c>#</c> stands for the number). Values are written for the recipient's language (codes of
/// categories and regions by their names, dates, amounts and counts in its format, see <see cref="Formats"/>); in the
/// HTML part they are HTML-encoded and direction-isolated (<c>&lt;bdi&gt;</c>), and links become anchors. A link to
/// the marketplace's pages carries the e-mail's language (<c>?lang=ar</c>): opened on a browser that has no language
/// chosen, the page, and the sign-in it may ask for first, is in the e-mail's language, not the phone's.
/// </summary>
public sealed partial class EmailTemplates(NotificationSettings settings)
{
    private readonly Dictionary<string, JsonElement> languages = new[] { "ar", "fr", "en", Amazigh.Code }
        .ToDictionary(l => l, l => JsonDocument.Parse(Resource($"{l}.json")).RootElement);
    private readonly string layout = Resource("layout.html");

    public OutgoingEmail Render(Notification notification, string to, string language, IReadOnlyDictionary<string, string> values, string? unsubscribeUrl)
    {
        if (language == Amazigh.Code && !languages[language].TryGetProperty(notification.Kind, out _)) language = "fr";
        var texts = languages.GetValueOrDefault(language, languages["en"]);
        var typed = values.Where(v => Typed(v.Key, v.Value)).Select(v => v.Key).ToHashSet();
        values = Written(values, language).ToDictionary(v => v.Key, v => InLanguage(v.Value, language));
        var template = texts.GetProperty(notification.Kind);
        // A subject is one line whatever the values hold: a new line there would start a header.
        var subject = Fill(template.GetProperty("subject").GetString()!, values.ToDictionary(v => v.Key, v => OneLine(v.Value)), html: false, language, typed);
        var body = Fill(template.GetProperty("text").GetString()!, values, html: false, language, typed);
        var htmlBody = string.Join("\n", Fill(template.GetProperty("text").GetString()!, values, html: true, language, typed)
            .Split("\n\n").Select(p => $"<p>{Linkify(p).Replace("\n", "<br>")}</p>"));
        var unsubscribeLabel = texts.GetProperty(notification.Kind == NotificationKinds.Digest ? "unsubscribe-all" : "unsubscribe").GetString()!;
        var colon = Pages.Support.Text.Colon(language);
        var text = unsubscribeUrl is null ? body + "\n" : $"{body}\n\n-- \n{unsubscribeLabel}{colon} {unsubscribeUrl}\n";
        var rtl = language == "ar";
        var html = layout.Replace("{lang}", language).Replace("{dir}", rtl ? "rtl" : "ltr").Replace("{align}", rtl ? "right" : "left")
            .Replace("{subject}", WebUtility.HtmlEncode(subject)).Replace("{body}", htmlBody)
            // No footer without a link to follow (the sign-in codes): an anchor to nowhere was a dead end.
            .Replace("{footer}", unsubscribeUrl is null ? "" : $"<hr>\n<p style=\"font-size:.85em;color:#666\"><a href=\"{WebUtility.HtmlEncode(unsubscribeUrl)}\">{WebUtility.HtmlEncode(unsubscribeLabel)}</a></p>");
        return new OutgoingEmail(to, subject, text, html, language, notification.Kind, notification.CreatedAt) { UnsubscribeUrl = unsubscribeUrl };
    }

    /// <summary>The links of <paramref name="value"/> to the marketplace's pages (not its API) with the e-mail's language.</summary>
    private string InLanguage(string value, string language)
    {
        var pages = settings.PublicUrl.TrimEnd('/') + "/";
        if (pages.Length == 1 || !value.Contains(pages, StringComparison.Ordinal)) return value;
        return Url().Replace(value, m =>
        {
            // A sentence's punctuation after a link is not part of it: "... {link}." keeps its full stop after the language.
            var link = m.Value.TrimEnd(SentenceEnd);
            var after = m.Value[link.Length..];
            if (!link.StartsWith(pages, StringComparison.Ordinal) || link.AsSpan(pages.Length).StartsWith("api/")) return m.Value;
            var fragment = link.IndexOf('#') is var at and >= 0 ? link[at..] : "";
            var address = link[..^fragment.Length];
            return $"{address}{(address.Contains('?') ? '&' : '?')}lang={language}{fragment}{after}";
        });
    }

    /// <summary>Punctuation that ends a sentence after an address, not part of it.</summary>
    private static readonly char[] SentenceEnd = ['.', ',', ';', ':', '!', '?', ')', '»', '\'', '؟', '،', '؛'];

    /// <summary>One line of a digest: the subject of the item in the recipient's language.</summary>
    public string Summary(Notification item, string language, IReadOnlyDictionary<string, string> values) =>
        Fill(languages.GetValueOrDefault(language, languages["en"]).GetProperty(item.Kind).GetProperty("subject").GetString()!,
            Written(values, language), html: false, language, values.Where(v => Typed(v.Key, v.Value)).Select(v => v.Key).ToHashSet());

    /// <summary>
    /// A value somebody typed (a name, a title, a message), as opposed to one the platform writes in the reader's language
    /// (a category, a region, an amount, a count, a date, a link, a code): only those are direction-isolated in the
    /// subject and the text part, where an isolate is an invisible character (U+2068 … U+2069). A name or a message
    /// that holds an address among its words is typed too: isolated, and never made a link.
    /// </summary>
    private static bool Typed(string key, string value) =>
        key is not ("category" or "region" or "month" or "items" or "links" or "currency" or "role" or "programmeShare" or "programmeRefund" or "previous" or "held" or "criteria") && !Amounts.Contains(key) && !Counts.Contains(key)
        && !DateOnly.TryParseExact(value, "yyyy-MM-dd", out _) && !WholeUrl().IsMatch(value) && value.Any(char.IsLetter);

    /// <summary>Values that are amounts in MAD (written as digits, maybe grouped by spaces, maybe a range "a – b"): a new
    /// amount's key is added here, or it is written as typed text.</summary>
    internal static readonly HashSet<string> Amounts = ["budget", "price", "amount", "fee", "release", "refund", "revenueContracted", "revenueReleased"];

    /// <summary>Values that are counts: a new count's key is added here, or it is written as typed text.</summary>
    internal static readonly HashSet<string> Counts = ["bids", "days", "count", "duration", "startups", "bidsSubmitted", "bidsWon", "mentorSessions"];

    private static readonly Strings PageStrings = new();

    /// <summary>The values as the recipient reads them: category and region names, dates, amounts and counts in the language's format.</summary>
    private static IReadOnlyDictionary<string, string> Written(IReadOnlyDictionary<string, string> values, string language)
    {
        var formats = Formats.For(language);
        // An amount in MAD as sent ("1500", "1500.5"), in the reader's format; null when it is not one.
        string? Mad(string amount) =>
            decimal.TryParse(amount, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var a)
                ? a.ToString(a == decimal.Truncate(a) ? "N0" : "N2", formats.Culture) : null;
        string Sentence(string key, string mad) => string.Format(formats.Culture, PageStrings.Get(language, key), mad) + "\n\n";
        return values.ToDictionary(v => v.Key, v => v.Key switch
        {
            "category" when PageStrings.Has(language, "category." + v.Value) => PageStrings.Get(language, "category." + v.Value),
            "region" when RegionName(language, v.Value) is { } region => region,
            "reason" when v.Value.StartsWith("dispute.card", StringComparison.Ordinal) && PageStrings.Has(language, v.Value) => PageStrings.Get(language, v.Value),
            _ when Amounts.Contains(v.Key) => Amount().Replace(v.Value, m => Mad(m.Value.Replace(" ", "")) ?? m.Value),
            _ when Counts.Contains(v.Key) && long.TryParse(v.Value, System.Globalization.CultureInfo.InvariantCulture, out var n) => formats.Number(n),
            _ when DateOnly.TryParseExact(v.Value, "yyyy-MM-dd", out var date) => formats.Date(date),
            "month" when DateOnly.TryParseExact(v.Value + "-01", "yyyy-MM-dd", out var month) => month.ToString("MMMM yyyy", formats.Culture),
            "items" when v.Value.StartsWith("[{", StringComparison.Ordinal) => NeedItems(v.Value, language),
            "currency" when PageStrings.Has(language, "currency." + v.Value.ToLowerInvariant()) => PageStrings.Get(language, "currency." + v.Value.ToLowerInvariant()),
            "role" when PageStrings.Has(language, "role." + v.Value) => PageStrings.Get(language, "role." + v.Value),
            // Who ended a mission: a sentence saying so.
            "by" when PageStrings.Has(language, "email.cancelled-by-" + v.Value) => PageStrings.Get(language, "email.cancelled-by-" + v.Value),
            // The programme's share of a transfer: a sentence of its own, or nothing when there is no programme.
            "programmeShare" when Mad(v.Value) is { } share => Sentence("email.programme-pays-more", share),
            // What a dispute's decision gives back to the programme that co-funded the milestone: a sentence, or nothing.
            "programmeRefund" => Mad(v.Value) is { } back ? Sentence("email.programme-refunded", back) : "",
            // What the reader rates of the other side (the SME the work, the startup the SME): a parenthesis in its words.
            "criteria" when PageStrings.Has(language, "email.criteria-" + v.Value) => PageStrings.Get(language, "email.criteria-" + v.Value),
            // A released payment held for an administrator's check (a related party, a RIB just changed): a sentence, or nothing.
            "held" => v.Value.Length == 0 ? "" : PageStrings.Get(language, "email.payout-held") + "\n\n",
            // The bank account before this one: a sentence saying the payouts wait 48 hours for a review, or, for the first
            // account given (empty), that the next payouts go to it.
            "previous" => v.Value.Length == 0 ? PageStrings.Get(language, "email.rib-first")
                : string.Format(formats.Culture, PageStrings.Get(language, "email.rib-changed"), v.Value),
            _ => v.Value,
        });
    }

    /// <summary>A list of needs (<see cref="NeedItem"/> as JSON) as lines in the reader's language: the title isolated, the region named, the deadline written.</summary>
    private static string NeedItems(string json, string language)
    {
        var formats = Formats.For(language);
        var comma = language == "ar" ? "، " : ", ";
        return string.Join("\n", (JsonSerializer.Deserialize<List<NeedItem>>(json) ?? []).Select(n =>
            $"• {Formats.Isolated(OneLine(n.Title))} ({RegionName(language, n.Region) ?? n.Region}{comma}{formats.Date(n.Deadline)}): {n.Link}"));
    }

    /// <summary>A region's name in the language (the whole country too); null for a code the string files do not know.</summary>
    private static string? RegionName(string language, string code) =>
        code == Grains.Reference.WholeCountry ? PageStrings.Get(language, "region.all")
        : PageStrings.Has(language, "region." + code) ? PageStrings.Get(language, "region." + code) : null;

    /// <summary>One need of a list an e-mail carries (the weekly needs): written for each reader by <see cref="NeedItems"/>.</summary>
    public sealed record NeedItem(string Title, string Region, DateOnly Deadline, string Link);

    /// <summary>The values the templates of <paramref name="kind"/> name in <paramref name="language"/>; null when that language has no template for it.</summary>
    public IReadOnlyList<string>? Placeholders(string language, string kind) =>
        languages[language].TryGetProperty(kind, out var template) && template.TryGetProperty("subject", out var subject) && template.TryGetProperty("text", out var text)
            ? [.. Placeholder().Matches(subject.GetString() + "\n" + text.GetString()).Select(m => m.Groups[1].Value).Distinct()]
            : null;

    /// <summary>The values named by the templates of <paramref name="kind"/> in any language.</summary>
    public IReadOnlySet<string> Named(string kind) => named.GetOrAdd(kind, k =>
        languages.Keys.SelectMany(l => Placeholders(l, k) ?? []).ToHashSet());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>> named = new();

    /// <summary>Control characters (new lines included) and bidi overrides become spaces.</summary>
    public static string OneLine(string value) =>
        Application.Checks.Refused(value, multiLine: false) is null ? value : new string([.. value.Select(c => char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') ? ' ' : c)]);

    /// <summary>Values a kind gained after some of its e-mails may have been stored to send later (a digest's): such an
    /// e-mail has none, and reads as if it were empty (the sentence it would add is left out).</summary>
    private static readonly HashSet<string> AddedLater = ["held", "criteria"];

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html, string language, IReadOnlySet<string> typed) =>
        Placeholder().Replace(language == "fr" ? French.Elide(template, values.GetValueOrDefault) : template, m =>
        {
            if (!values.TryGetValue(m.Groups[1].Value, out var v)) return AddedLater.Contains(m.Groups[1].Value) ? "" : m.Value;
            if (m.Groups[2].Success)
            {
                // A count in its plural form: the number was written for the language; its category comes from the digits.
                var n = long.TryParse(new string([.. v.Where(char.IsAsciiDigit)]), out var count) ? count : 0;
                v = Plurals.Select(m.Groups[2].Value, language, n).Replace("#", v);
            }
            // A value typed by someone (a name, a title, a message) keeps its own direction inside the sentence, line by line
            // (a new line ends an isolate); the platform's own values (its links, the lines of a list of needs) stay as they are.
            var isTyped = typed.Contains(m.Groups[1].Value);
            if (!html) return isTyped ? string.Join('\n', v.Split('\n').Select(l => l.Length == 0 ? l : Formats.Isolated(l))) : v;
            return string.Join('\n', v.Split('\n').Select(l => l.Length == 0 || (!isTyped && Url().IsMatch(l)) ? WebUtility.HtmlEncode(l) : $"<bdi>{WebUtility.HtmlEncode(l)}</bdi>"));
        });

    /// <summary>The marketplace's own addresses in an encoded line as links: an address ends where a quote or an angle
    /// bracket was (encoded <c>&amp;quot;</c>, <c>&amp;gt;</c>...), so text typed after it never joins its <c>href</c>.
    /// Another site's address, typed in a name or a message, stays text: the e-mail never vouches for it.</summary>
    private string Linkify(string encoded)
    {
        var pages = WebUtility.HtmlEncode(settings.PublicUrl.TrimEnd('/') + "/");
        return pages.Length == 1 ? encoded : EncodedUrl().Replace(encoded, m =>
        {
            var link = m.Value.TrimEnd(SentenceEnd); // "... {link}." keeps its full stop out of the address
            return link.StartsWith(pages, StringComparison.Ordinal) ? $"<a href=\"{link}\">{link}</a>{m.Value[link.Length..]}" : m.Value;
        });
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Jazari.Marketplace.Web.Notifications.Templates.{name}")
            ?? throw new InvalidOperationException($"Template {name} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)(?:#([^{}]*))?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[0-9]+(?: [0-9]{3})*(?:\.[0-9]+)?")]
    private static partial Regex Amount();

    [GeneratedRegex(@"https?://[^\s<""\u2066-\u2069]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"^https?://\S+$")]
    private static partial Regex WholeUrl();

    [GeneratedRegex(@"https?://(?:(?!&(?:quot|gt|lt|#[0-9]+|#x[0-9a-fA-F]+);)[^\s<""'\u2066-\u2069])+")]
    private static partial Regex EncodedUrl();
}
