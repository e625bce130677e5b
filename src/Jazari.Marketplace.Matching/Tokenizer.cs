namespace Jazari.Marketplace.Matching;

/// <summary>
/// Splits normalised text into words. A change of script ends a word, so "wooمتجر" or
/// "appتطبيق" give two words; punctuation, spaces and symbols separate words. Digits belong to
/// the word they touch, so Arabizi ("3andi", "l7sabat") stays whole.
/// </summary>
public static class Tokenizer
{
    public static List<string> Words(string normalized) =>
        Spans(normalized).Select(s => normalized.Substring(s.Start, s.Length)).ToList();

    /// <summary>Where each word starts in <paramref name="normalized"/> and how long it is.</summary>
    public static List<(int Start, int Length)> Spans(string normalized)
    {
        var words = new List<(int, int)>();
        var start = -1;
        var startArabic = false;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var isWordChar = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            var arabic = isWordChar && TextNormalizer.IsArabic(normalized[i]);
            if (start >= 0 && (!isWordChar || arabic != startArabic))
            {
                words.Add((start, i - start));
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
