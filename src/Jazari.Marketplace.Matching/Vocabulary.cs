namespace Jazari.Marketplace.Matching;

/// <summary>
/// The words of an index by their character trigrams and, for Arabic script, by their Darija
/// consonant skeleton: the fallback that needs no lexicon, so a word spelt another way ("zellij" /
/// "zellige", "الانترنيت" / "الإنترنت", "mochkil" / "مشكل") still finds the documents that use it.
/// Kept per word of the vocabulary, not per document.
/// </summary>
internal sealed class Vocabulary
{
    public const double MinSimilarity = 0.6;
    private const double SkeletonSimilarity = 0.9;

    private readonly Dictionary<string, List<int>> termsByGram = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> termsBySkeleton = new(StringComparer.Ordinal);
    private readonly List<int> gramCounts = [];
    private readonly List<string?> forms = [];

    public void Add(string key, int term)
    {
        while (gramCounts.Count <= term)
        {
            gramCounts.Add(0);
            forms.Add(null);
        }
        if (key.Length < 3 || key.Contains(':'))
        {
            return; // concepts, categories and short words are matched exactly or not at all
        }
        var form = key;
        if (TextNormalizer.IsArabic(key[0]))
        {
            form = Darija.Skeleton(key);
            Append(termsBySkeleton, form, term);
        }
        var grams = Grams(form);
        gramCounts[term] = grams.Count;
        forms[term] = form;
        foreach (var gram in grams)
        {
            Append(termsByGram, gram, term);
        }
    }

    /// <summary>The closest word some document has, or (-1, 0).</summary>
    public (int Term, double Similarity) Nearest(string form, Func<int, int> documentFrequency)
    {
        (int Term, double Similarity) best = (-1, 0);
        if (TextNormalizer.IsArabic(form[0]) && termsBySkeleton.TryGetValue(form, out var same))
        {
            foreach (var term in same)
            {
                if (documentFrequency(term) > 0 && (best.Term < 0 || documentFrequency(term) > documentFrequency(best.Term)))
                {
                    best = (term, SkeletonSimilarity);
                }
            }
            if (best.Term >= 0)
            {
                return best;
            }
        }
        if (form.Length < 4)
        {
            return best; // too short for trigrams to tell words apart
        }
        // Candidates share a trigram that few words have (a trigram most words have, like a common
        // prefix, would make every query cost the whole vocabulary); then the exact similarity.
        var grams = Grams(form);
        var common = Math.Max(32, forms.Count / 64);
        var candidates = new HashSet<int>();
        foreach (var gram in grams)
        {
            if (termsByGram.TryGetValue(gram, out var terms) && terms.Count <= common)
            {
                candidates.UnionWith(terms);
            }
        }
        foreach (var term in candidates)
        {
            var count = Grams(forms[term]!).Count(grams.Contains);
            var dice = 2.0 * count / (grams.Count + gramCounts[term]);
            if (dice >= MinSimilarity && (dice > best.Similarity || dice == best.Similarity && term < best.Term) && documentFrequency(term) > 0)
            {
                best = (term, Math.Min(dice, SkeletonSimilarity));
            }
        }
        return best;
    }

    private static HashSet<string> Grams(string form)
    {
        var padded = "^" + form + "$";
        var grams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= padded.Length; i++)
        {
            grams.Add(padded.Substring(i, 3));
        }
        return grams;
    }

    private static void Append(Dictionary<string, List<int>> map, string key, int term)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        list.Add(term);
    }
}
