using System.Text;
using System.Text.RegularExpressions;

namespace Jazari.Marketplace.Web.Languages;

/// <summary>
/// French elision before a value: "l'offre de {0}" reads "l'offre d'Atlas Dev", "les chiffres de {month}" "les chiffres
/// d'avril", while "de Souss Digital" and "de رقمي" stay. A value that starts with a vowel (accents aside) takes "d'" and
/// "qu'"; an h is left as written, since a name cannot tell whether it is aspirated ("de Hassan"), and so is a y ("de
/// Youssef").
/// </summary>
public static partial class French
{
    /// <summary>The template with "de {x}" and "que {x}" elided where <paramref name="valueOf"/>(x) starts with a vowel.</summary>
    public static string Elide(string template, Func<string, string?> valueOf) =>
        !template.Contains('{') ? template : BeforeValue().Replace(template, m =>
            valueOf(m.Groups["name"].Value) is { } value && StartsWithVowel(value)
                ? m.Groups["word"].Value[..^1] + "'{" + m.Groups["name"].Value : m.Value);

    private static bool StartsWithVowel(string value)
    {
        var first = value.TrimStart().TrimStart('\u2066', '\u2067', '\u2068');
        if (first.Length == 0 || !char.IsLetter(first[0])) return false;
        var letter = char.ToLowerInvariant(first[..1].Normalize(NormalizationForm.FormD)[0]);
        return letter is 'a' or 'e' or 'i' or 'o' or 'u' or 'œ' or 'æ';
    }

    [GeneratedRegex(@"\b(?<word>[Dd]e|[Qq]ue) \{(?<name>[A-Za-z0-9]+)")]
    private static partial Regex BeforeValue();
}
