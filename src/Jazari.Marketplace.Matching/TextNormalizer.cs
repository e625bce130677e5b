using System.Globalization;
using System.Text;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// Folds Arabic, French and English text to one comparable form: lower case, no Latin accents,
/// no Arabic harakat or tatweel, one alef, taa marbuta as haa, alef maqsura as yaa, Western digits.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var folded = Fold(c);
            if (folded != '\0')
            {
                sb.Append(folded);
            }
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static char Fold(char c)
    {
        switch (c)
        {
            case 'أ' or 'إ' or 'آ' or 'ٱ': return 'ا';
            case 'ة': return 'ه';
            case 'ى': return 'ي';
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
