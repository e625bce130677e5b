using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Web.Languages;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// Every text of the pages, per language: <c>Pages/Strings/{ar,fr,en}.json</c> and one <c>{feature}.{ar,fr,en}.json</c>
/// per feature, flat "key": "text" objects, embedded in the assembly. A key missing in a language falls back to English, then to the key itself.
/// Amazigh (<c>zgh.json</c>, <c>{feature}.zgh.json</c>) is partial: its missing keys come in the reader's second language (<see cref="Find"/>).
/// </summary>
public sealed partial class Strings
{
    /// <summary>The languages every text is written in.</summary>
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en"];

    /// <summary>The languages of the pages: the full ones and Amazigh, written in part.</summary>
    public static readonly IReadOnlyList<string> PageLanguages = [.. Languages, Amazigh.Code];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> byLanguage = [];

    public Strings()
    {
        errorTemplates = new(ErrorTemplates);
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Jazari.Marketplace.Web.Pages.Strings.";
        foreach (var language in PageLanguages)
        {
            // {language}.json, then one file per feature: {feature}.{language}.json; a key defined twice is a mistake.
            var texts = new Dictionary<string, string>();
            var files = assembly.GetManifestResourceNames()
                .Where(r => r == $"{prefix}{language}.json" || (r.StartsWith(prefix, StringComparison.Ordinal) && r.EndsWith($".{language}.json", StringComparison.Ordinal)));
            foreach (var file in files)
            {
                using var stream = assembly.GetManifestResourceStream(file)!;
                foreach (var (key, text) in JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [])
                    if (!texts.TryAdd(key, text)) throw new InvalidOperationException($"Page string {key} is defined twice ({file}).");
            }
            if (texts.Count == 0) throw new InvalidOperationException($"Missing page strings for {language}.");
            byLanguage[language] = texts;
        }
    }

    public IReadOnlyDictionary<string, string> Of(string language) => byLanguage[language];

    public string Get(string language, string key) =>
        byLanguage.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text) ? text
        : byLanguage["en"].TryGetValue(key, out var english) ? english : key;

    public bool Has(string language, string key) => byLanguage[language].ContainsKey(key);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>, else in <paramref name="second"/>; with the language it is written in.</summary>
    public (string Text, string Language) Find(string language, string second, string key) =>
        byLanguage.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text) ? (text, language) : (Get(second, key), second);

    /// <summary>
    /// The English refusal template ("error.At most {0} characters.") a message of the checks or a grain was made
    /// from, with the values it carries; null when no template matches. Templates with more fixed text are tried first.
    /// </summary>
    public (string Key, IReadOnlyList<string> Values)? ErrorTemplate(string message)
    {
        if (byLanguage["en"].ContainsKey("error." + message)) return ("error." + message, []);
        foreach (var (pattern, key) in errorTemplates.Value)
            if (pattern.Match(message) is { Success: true } m) return (key, [.. m.Groups.Cast<Group>().Skip(1).Select(g => g.Value)]);
        return null;
    }

    private readonly Lazy<IReadOnlyList<(Regex Pattern, string Key)>> errorTemplates;

    private IReadOnlyList<(Regex, string)> ErrorTemplates() =>
        [.. byLanguage["en"].Keys
            .Where(k => k.StartsWith("error.", StringComparison.Ordinal) && k.Contains("{0}", StringComparison.Ordinal))
            .OrderByDescending(k => TemplateValue().Replace(k, "").Length)
            .Select(k => (new Regex("^" + string.Join("(.+?)", TemplateValue().Split(k["error.".Length..]).Select(Regex.Escape)) + "$",
                RegexOptions.CultureInvariant | RegexOptions.Singleline), k))];

    [GeneratedRegex(@"\{[0-9]+\}")]
    private static partial Regex TemplateValue();
}
