using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// Turns a notification into an e-mail in the recipient's language, from Notifications/Templates (one JSON per
/// language: subject and text of each kind; layout.html around the HTML, right to left for Arabic).
/// Placeholders are <c>{name}</c>; values are HTML-encoded in the HTML part, and links become anchors.
/// </summary>
public sealed partial class EmailTemplates
{
    private readonly Dictionary<string, JsonElement> languages;
    private readonly string layout;

    public EmailTemplates()
    {
        languages = new[] { "ar", "fr", "en" }.ToDictionary(l => l, l => JsonDocument.Parse(Resource($"{l}.json")).RootElement);
        layout = Resource("layout.html");
    }

    public OutgoingEmail Render(Notification notification, string to, string language, IReadOnlyDictionary<string, string> values, string? unsubscribeUrl)
    {
        var texts = languages.GetValueOrDefault(language, languages["en"]);
        var template = texts.GetProperty(notification.Kind);
        // A subject is one line whatever the values hold: a new line there would start a header.
        var subject = OneLine(Fill(template.GetProperty("subject").GetString()!, values.ToDictionary(v => v.Key, v => OneLine(v.Value)), html: false));
        var body = Fill(template.GetProperty("text").GetString()!, values, html: false);
        var htmlBody = string.Join("\n", Fill(template.GetProperty("text").GetString()!, values, html: true)
            .Split("\n\n").Select(p => $"<p>{Linkify(p).Replace("\n", "<br>")}</p>"));
        var unsubscribeLabel = texts.GetProperty(notification.Kind == NotificationKinds.Digest ? "unsubscribe-all" : "unsubscribe").GetString()!;
        var text = unsubscribeUrl is null ? body + "\n" : $"{body}\n\n-- \n{unsubscribeLabel}: {unsubscribeUrl}\n";
        var rtl = language == "ar";
        var html = layout.Replace("{lang}", language).Replace("{dir}", rtl ? "rtl" : "ltr").Replace("{align}", rtl ? "right" : "left")
            .Replace("{subject}", WebUtility.HtmlEncode(subject)).Replace("{unsubscribe}", WebUtility.HtmlEncode(unsubscribeLabel))
            .Replace("{unsubscribeUrl}", WebUtility.HtmlEncode(unsubscribeUrl ?? "")).Replace("{body}", htmlBody);
        return new OutgoingEmail(to, subject, text, html, language, notification.Kind, notification.CreatedAt) { UnsubscribeUrl = unsubscribeUrl };
    }

    /// <summary>One line of a digest: the subject of the item in the recipient's language.</summary>
    public string Summary(Notification item, string language, IReadOnlyDictionary<string, string> values) =>
        Fill(languages.GetValueOrDefault(language, languages["en"]).GetProperty(item.Kind).GetProperty("subject").GetString()!, values, html: false);

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

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? (html ? WebUtility.HtmlEncode(v) : v) : m.Value);

    private static string Linkify(string encoded) => Url().Replace(encoded, m => $"<a href=\"{m.Value}\">{m.Value}</a>");

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Jazari.Marketplace.Web.Notifications.Templates.{name}")
            ?? throw new InvalidOperationException($"Template {name} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"https?://[^\s<""]+")]
    private static partial Regex Url();
}
