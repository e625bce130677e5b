using System.Globalization;
using System.Text;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// Folds Arabic, French and English text to one comparable form: lower case, no Latin accents,
/// no Arabic harakat or tatweel, one alef, taa marbuta as haa, alef maqsura as yaa, Western digits.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text) => Normalize(text, origins: null);

    /// <summary>
    /// Normalises <paramref name="text"/>; when <paramref name="origins"/> is given, it receives for every
    /// character of the result the index of the character of <paramref name="text"/> it comes from, so a
    /// phrase found in the normalised text can be quoted as the person wrote it.
    /// </summary>
    public static string Normalize(string text, List<int>? origins)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var decomposed = Decompose(c);
            foreach (var d in decomposed is null ? new ReadOnlySpan<char>(in c) : decomposed.AsSpan())
            {
                var folded = Fold(d);
                if (folded != '\0')
                {
                    sb.Append(folded);
                    origins?.Add(i);
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>Accented Latin letters, decomposed once (the base letter then its accents).</summary>
    private static readonly string[] LatinDecomposed = Enumerable.Range(0xC0, 0x250 - 0xC0)
        .Select(c => ((char)c).ToString().Normalize(NormalizationForm.FormD)).ToArray();

    private static string? Decompose(char c) => c switch
    {
        < '\u00C0' => null,
        < '\u0250' => LatinDecomposed[c - 0xC0],
        'ؤ' => "و", // hamza on its carrier: the carrier (أ إ آ fold to ا in Fold)
        'ئ' => "ي",
        >= '\u0600' and <= '\u06FF' => null,
        _ when char.IsSurrogate(c) => null,
        _ => c.ToString().Normalize(NormalizationForm.FormD),
    };

    private static char Fold(char c)
    {
        switch (c)
        {
            case 'أ' or 'إ' or 'آ' or 'ٱ': return 'ا';
            case 'ة': return 'ه';
            case 'ى': return 'ي';
            case 'ڭ' or 'گ' or 'ک': return 'ك'; // the Moroccan "g" is written with any of them
            case 'ڤ': return 'ف';
            case '\u2019' or '\u2018' or '`': return '\''; // "l’ordinateur" as "l'ordinateur"
            case 'ـ': return '\0'; // tatweel
            case 'œ': return 'o'; // "cœur" -> "cour" is close enough for matching
            case 'æ': return 'a';
            case 'ß': return 's';
        }
        if (c is >= '\u064B' and <= '\u065F' or '\u0670')
        {
            return '\0'; // harakat, shadda, sukun, superscript alef
        }
        if (c is >= '\u0660' and <= '\u0669')
        {
            return (char)('0' + (c - '\u0660'));
        }
        if (c is >= '\u06F0' and <= '\u06F9')
        {
            return (char)('0' + (c - '\u06F0'));
        }
        if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
        {
            return '\0'; // Latin accents after decomposition
        }
        return char.ToLowerInvariant(c);
    }

    public static bool IsArabic(char c) => c is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F';
}
