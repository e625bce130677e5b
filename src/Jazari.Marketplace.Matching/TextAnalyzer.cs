namespace Jazari.Marketplace.Matching;

/// <summary>What a piece of text says: the lexicon concepts it names and its other words (stemmed).</summary>
public sealed record AnalyzedText(IReadOnlyList<Concept> Concepts, IReadOnlyList<(string Stem, string Word)> Words);

public static class TextAnalyzer
{
    /// <summary>Normalised, stop-word-free words of a text with their stems, in order.</summary>
    public static List<(string Stem, string Word)> Stems(string text)
    {
        var result = new List<(string, string)>();
        foreach (var word in Tokenizer.Words(TextNormalizer.Normalize(text)))
        {
            if (!StopWords.Contains(word))
            {
                result.Add((Stemmer.Stem(word), word));
            }
        }
        return result;
    }

    public static AnalyzedText Analyze(string text, Lexicon lexicon)
    {
        var stemmed = Stems(text);
        var stems = stemmed.Select(s => s.Stem).ToList();
        var concepts = new List<Concept>();
        var words = new List<(string, string)>();
        for (var i = 0; i < stems.Count;)
        {
            var (concept, length) = lexicon.MatchAt(stems, i);
            if (concept is not null)
            {
                concepts.Add(concept);
            }
            // Every word still counts as text, known to the lexicon or not.
            var end = i + Math.Max(length, 1);
            for (; i < end; i++)
            {
                if (stemmed[i].Word.Length >= 2)
                {
                    words.Add(stemmed[i]);
                }
            }
        }
        return new AnalyzedText(concepts, words);
    }
}
