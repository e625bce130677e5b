namespace Jazari.Marketplace.Matching;

/// <summary>
/// Splits normalised text into words. A change of script ends a word, so "wooمتجر" or
/// "appتطبيق" give two words; punctuation, spaces and symbols separate words.
/// </summary>
public static class Tokenizer
{
    public static List<string> Words(string normalized)
    {
        var words = new List<string>();
        var start = -1;
        var startArabic = false;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var isWordChar = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            var arabic = isWordChar && TextNormalizer.IsArabic(normalized[i]);
            if (start >= 0 && (!isWordChar || arabic != startArabic))
            {
                words.Add(normalized[start..i]);
                start = -1;
            }
            if (isWordChar && start < 0)
            {
                start = i;
                startArabic = arabic;
            }
        }
        return words;
    }
}
