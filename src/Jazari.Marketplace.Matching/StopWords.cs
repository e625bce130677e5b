namespace Jazari.Marketplace.Matching;

/// <summary>Words too common to say anything about a need or a startup, per language (already normalised).</summary>
public static class StopWords
{
    private static readonly HashSet<string> Arabic =
    [
        "في", "من", "الي", "علي", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "التي", "الذي", "الذين", "و", "او", "ثم",
        "كل", "بعض", "نحن", "انا", "هو", "هي", "هم", "لنا", "لدينا", "عند", "عندنا", "ان", "كان", "يكون", "ما", "لا",
        "لم", "لن", "قد", "به", "بها", "له", "لها", "فيه", "فيها", "منها", "حتي", "بين", "نريد", "نحتاج", "نبحث",
        "اريد", "يمكن", "ايضا", "جدا", "شركه", "شركتنا", "لشركتنا", "ديال", "باش", "بغينا",
    ];

    private static readonly HashSet<string> French =
    [
        "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "et", "ou", "en", "pour", "par", "avec", "sans",
        "sur", "sous", "dans", "au", "aux", "ce", "cet", "cette", "ces", "nous", "vous", "notre", "nos", "votre", "vos",
        "mon", "ma", "mes", "son", "sa", "ses", "leur", "leurs", "qui", "que", "qu", "quoi", "est", "sont", "a", "ont",
        "pas", "ne", "n", "plus", "tres", "tout", "tous", "toute", "toutes", "je", "j", "il", "elle", "ils", "elles",
        "on", "y", "se", "s", "c", "m", "t", "etre", "avoir", "faire", "besoin", "cherchons", "cherche", "souhaitons",
        "voulons", "veut", "notre", "entreprise", "societe", "aussi", "afin", "comme", "chez", "entre",
    ];

    private static readonly HashSet<string> English =
    [
        "the", "a", "an", "and", "or", "of", "for", "to", "in", "on", "with", "by", "from", "at", "as", "is", "are",
        "be", "been", "was", "were", "we", "our", "us", "you", "your", "i", "my", "it", "its", "this", "that", "these",
        "those", "need", "needs", "want", "wants", "looking", "have", "has", "do", "does", "can", "will", "would",
        "should", "also", "into", "about", "so", "very", "all", "any", "some", "company", "business", "who", "which",
    ];

    /// <summary>Small words only French uses: two of them say a text is (partly) in French.</summary>
    private static readonly HashSet<string> FrenchMarkers =
    [
        "le", "les", "des", "du", "une", "est", "sont", "pour", "avec", "dans", "sur", "nous", "vous", "notre", "nos", "votre",
        "vos", "mes", "mon", "qui", "que", "pas", "ne", "je", "il", "elle", "ils", "et", "au", "aux", "cette", "ce", "tres", "plus",
    ];

    /// <summary>Small words only English uses.</summary>
    private static readonly HashSet<string> EnglishMarkers =
    [
        "the", "and", "of", "for", "to", "with", "is", "are", "we", "our", "you", "your", "my", "it", "this", "that", "from", "need",
        "want", "can", "have", "has", "does", "don", "doesn", "not", "into",
    ];

    public static bool Contains(string word) =>
        TextNormalizer.IsArabic(word[0])
            ? Arabic.Contains(word) || Darija.ArabicStopWords.Contains(word)
            : French.Contains(word) || English.Contains(word) || Darija.LatinStopWords.Contains(word);

    internal static bool IsFrenchMarker(string word) => FrenchMarkers.Contains(word);

    internal static bool IsEnglishMarker(string word) => EnglishMarkers.Contains(word);
}
