using System.Reflection;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// Every text of the pages, per language: <c>Pages/Strings/{ar,fr,en}.json</c>, flat "key": "text" objects,
/// embedded in the assembly. A key missing in a language falls back to English, then to the key itself.
/// </summary>
public sealed class Strings
{
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en"];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> byLanguage = [];

    public Strings()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var language in Languages)
        {
            using var stream = assembly.GetManifestResourceStream($"Jazari.Marketplace.Web.Pages.Strings.{language}.json")
                ?? throw new InvalidOperationException($"Missing page strings for {language}.");
            byLanguage[language] = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidOperationException($"Empty page strings for {language}.");
        }
    }

    public IReadOnlyDictionary<string, string> Of(string language) => byLanguage[language];

    public string Get(string language, string key) =>
        byLanguage.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text) ? text
        : byLanguage["en"].TryGetValue(key, out var english) ? english : key;

    public bool Has(string language, string key) => byLanguage[language].ContainsKey(key);
}
