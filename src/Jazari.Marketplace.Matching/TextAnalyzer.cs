namespace Jazari.Marketplace.Matching;

/// <summary>
/// What a piece of text says: the lexicon concepts it names and its other words (stemmed).
/// <see cref="Mentions"/> says, for each concept, the words the person used for it when they were
/// not the trade's (Darija, Arabizi, everyday words); <see cref="Alternatives"/> gives, for each of
/// <see cref="Words"/>, its other spellings (clitic cut, Arabizi transliterated, consonant skeleton);
/// <see cref="LanguageMask"/> the languages the text is written in, whatever was declared; <see cref="Places"/> where
/// each of <see cref="Words"/> stands in the text, to show it back as the person wrote it (accents, Arabic letters).
/// </summary>
public sealed record AnalyzedText(IReadOnlyList<Concept> Concepts, IReadOnlyList<(string Stem, string Word)> Words)
{
    public IReadOnlyList<ConceptMention> Mentions { get; init; } = [];

    public IReadOnlyList<string[]> Alternatives { get; init; } = [];

    public IReadOnlyList<Range> Places { get; init; } = [];

    public int LanguageMask { get; init; }
}

/// <summary>A concept a text names; <see cref="OwnWords"/> are the person's words for it when they are not the trade's, else null.</summary>
public sealed record ConceptMention(Concept Concept, string? OwnWords);

/// <summary>
/// One word of a text: its normalised form, its light stem, and up to two other forms it may be
/// written in elsewhere (for Arabic script and Arabizi: the Darija consonant skeleton; for Latin
/// Darija: the word without its glued article). Start and End locate it in the original text.
/// </summary>
internal readonly record struct Token(string Word, string Stem, string? Alt, string? Alt2, int Start, int End, bool Arabizi)
{
    /// <summary>The Arabic-script stem the word was read as (itself, or its transliteration), to choose between words sharing a skeleton.</summary>
    public string? Arabic { get; init; }

    public bool Has(string form) =>
        string.Equals(form, Stem, StringComparison.Ordinal) || string.Equals(form, Alt, StringComparison.Ordinal)
        || string.Equals(form, Alt2, StringComparison.Ordinal);
}

public static class TextAnalyzer
{
    /// <summary>Normalised, stop-word-free words of a text with their stems, in order.</summary>
    public static List<(string Stem, string Word)> Stems(string text) =>
        Tokens(text, out _).Select(t => (t.Stem, t.Word)).ToList();

    /// <summary>The languages a text is written in (bits of <see cref="Languages"/>): Arabic script or Darija in
    /// Latin script count as Arabic; French and English by their small words. 0 when nothing tells.</summary>
    public static int DetectLanguages(string text)
    {
        Tokens(text, out var mask);
        return mask;
    }

    public static AnalyzedText Analyze(string text, Lexicon lexicon)
    {
        var tokens = Tokens(text, out var languages);
        var concepts = new List<Concept>();
        var mentions = new List<ConceptMention>();
        var words = new List<(string, string)>();
        var alternatives = new List<string[]>();
        var places = new List<Range>();
        for (var i = 0; i < tokens.Count;)
        {
            var match = lexicon.MatchAt(tokens, i);
            if (match.Concept is not null)
            {
                concepts.Add(match.Concept);
                mentions.Add(new(match.Concept, match.OwnWords ? Quote(text, tokens[i], tokens[i + match.Length - 1]) : null));
            }
            // Every word still counts as text, known to the lexicon or not.
            var end = i + Math.Max(match.Length, 1);
            for (; i < end; i++)
            {
                var token = tokens[i];
                if (token.Word.Length >= 2)
                {
                    words.Add((token.Stem, token.Word));
                    alternatives.Add(Alternatives(token));
                    places.Add(token.Start..token.End);
                }
            }
        }
        foreach (var (concept, first, last) in lexicon.MatchEveryday(tokens))
        {
            concepts.Add(concept);
            mentions.Add(new(concept, Quote(text, tokens[first], tokens[last])));
        }
        return new AnalyzedText(concepts, words) { Mentions = mentions, Alternatives = alternatives, Places = places, LanguageMask = languages };
    }

    private static string[] Alternatives(Token token)
    {
        if (token.Alt is null)
        {
            return [];
        }
        return token.Alt2 is null || token.Alt2 == token.Alt ? [token.Alt] : [token.Alt, token.Alt2];
    }

    private static string Quote(string text, Token first, Token last) => text[first.Start..last.End].Trim();

    /// <summary>The words of a text without stop words, with their stems and Darija forms.</summary>
    internal static List<Token> Tokens(string text, out int languages)
    {
        var origins = new List<int>(text.Length);
        var normalized = TextNormalizer.Normalize(text, origins);
        var words = Tokenizer.Spans(normalized);
        int arabic = 0, latin = 0, darija = 0, french = 0, english = 0;
        foreach (var (start, length) in words)
        {
            var word = normalized.Substring(start, length);
            if (TextNormalizer.IsArabic(word[0]))
            {
                arabic++;
            }
            else if (char.IsLetter(word[0]) || char.IsDigit(word[0]))
            {
                latin++;
                darija += Darija.IsArabizi(word) || Darija.LatinMarkers.Contains(word) ? 1 : 0;
                french += StopWords.IsFrenchMarker(word) ? 1 : 0;
                english += StopWords.IsEnglishMarker(word) ? 1 : 0;
            }
        }
        var latinDarija = darija > 0 && darija * 5 >= latin - french - english;
        languages = (arabic > 0 && arabic * 3 >= words.Count || latinDarija ? Languages.Bit("ar") : 0)
            | (french >= 2 || french > 0 && french * 5 >= latin ? Languages.Bit("fr") : 0)
            | (english >= 2 || english > 0 && english * 5 >= latin ? Languages.Bit("en") : 0);

        var tokens = new List<Token>(words.Count);
        foreach (var (start, length) in words)
        {
            var word = normalized.Substring(start, length);
            if (StopWords.Contains(word))
            {
                continue;
            }
            var from = origins[start];
            var to = origins[start + length - 1] + 1;
            if (TextNormalizer.IsArabic(word[0]))
            {
                var arabicStem = Darija.ArabicStem(word);
                tokens.Add(new Token(word, Stemmer.Stem(word), Darija.Skeleton(arabicStem), null, from, to, false) { Arabic = arabicStem });
                continue;
            }
            var stem = Stemmer.Stem(word);
            if (Darija.IsArabizi(word))
            {
                var core = Darija.LatinCore(word);
                var arabicStem = Darija.ArabicStem(Darija.ToArabic(core));
                tokens.Add(new Token(word, stem, Darija.Skeleton(arabicStem), core == word ? null : Stemmer.Stem(core), from, to, true) { Arabic = arabicStem });
                continue;
            }
            var coreStem = Stemmer.Stem(Darija.LatinCore(word));
            var read = latinDarija && !char.IsDigit(word[0]) ? Darija.ArabicStem(Darija.ToArabic(Darija.LatinCore(word))) : null;
            var skeleton = read is null ? null : Darija.Skeleton(read);
            tokens.Add(new Token(word, stem, coreStem == stem ? skeleton : coreStem, coreStem == stem ? null : skeleton, from, to, false) { Arabic = read });
        }
        return tokens;
    }
}
