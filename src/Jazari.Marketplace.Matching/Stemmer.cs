namespace Jazari.Marketplace.Matching;

/// <summary>
/// Light stemming: strips the common prefixes and suffixes so that plural, feminine and
/// article forms meet ("boutiques" / "boutique", "المتاجر" / "متجر" do not meet, but "متجرنا" / "المتجر" do).
/// Latin words go through French then English endings, so a word spelt the same in both
/// ("application", "formation") gets one stem whatever the text's language.
/// </summary>
public static class Stemmer
{
    private static readonly string[] ArabicPrefixes = ["وال", "بال", "كال", "فال", "لل", "ال"];
    private static readonly string[] ArabicSuffixes = ["ات", "ون", "ين", "ان", "يه", "ها", "نا", "كم", "هم", "ه", "ي"];

    private static readonly string[] FrenchSuffixes =
        ["issements", "issement", "ations", "ation", "ements", "ement", "ments", "ment", "euses", "euse", "eurs", "eur",
         "iques", "ique", "ites", "ite", "elles", "elle", "ees", "ee", "es", "e"];

    private static readonly string[] EnglishSuffixes = ["ings", "ing", "ies", "ied", "ers", "er", "ed", "ly", "s"];

    public static string Stem(string word)
    {
        if (word.Length == 0 || char.IsDigit(word[0]))
        {
            return word;
        }
        return TextNormalizer.IsArabic(word[0]) ? StemArabic(word) : StemLatin(word);
    }

    private static string StemArabic(string word)
    {
        foreach (var prefix in ArabicPrefixes)
        {
            if (word.Length - prefix.Length >= 3 && word.StartsWith(prefix, StringComparison.Ordinal))
            {
                word = word[prefix.Length..];
                break;
            }
        }
        foreach (var suffix in ArabicSuffixes)
        {
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                word = word[..^suffix.Length];
                break;
            }
        }
        return word;
    }

    private static string StemLatin(string word)
    {
        if (word.Length > 4 && word.EndsWith('x'))
        {
            word = word[..^1]; // "reseaux" -> "reseau"
        }
        word = StripFirst(word, FrenchSuffixes);
        word = StripFirst(word, EnglishSuffixes);
        return word;
    }

    private static string StripFirst(string word, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }
}
