namespace Jazari.Marketplace.Matching;

/// <summary>
/// A profile's terms resolved against an index: relevance terms weighted by query weight × IDF,
/// category terms by their strength. Terms no document has are left out, of the norm too:
/// they cannot tell two candidates apart (the reverse direction, whose documents are the needs, agrees).
/// </summary>
internal sealed class QueryPlan
{
    public List<(int Term, double Weight)> Relevance { get; } = [];
    public List<(int Term, double Weight)> Categories { get; } = [];
    public Dictionary<int, double> WeightByTerm { get; } = [];

    /// <summary>The query's own words for a term, when it named it otherwise (Darija, everyday words, another spelling).</summary>
    public Dictionary<int, string> OwnWords { get; } = [];
    public double Norm { get; private set; }

    /// <summary>The query's terms: a word both sides use is shown as the query's side wrote it (the reader's own words).</summary>
    private ProfileTerms query = null!;

    public static QueryPlan Build(ProfileTerms terms, PostingIndex index)
    {
        var plan = new QueryPlan { query = terms };
        foreach (var (key, (weight, _)) in terms.Terms)
        {
            var term = index.FindTerm(key);
            if (ProfileTerms.IsCategory(key))
            {
                if (term >= 0)
                {
                    plan.Categories.Add((term, weight));
                    plan.WeightByTerm[term] = weight;
                }
                continue;
            }
            var similarity = 1.0;
            if ((term < 0 || index.DocumentFrequency(term) == 0) && !IsConcept(key))
            {
                // Nobody has the word as written: another spelling of it, if some document has one.
                (term, similarity) = OtherSpelling(key, terms, index);
                if (term < 0 || plan.WeightByTerm.ContainsKey(term) || terms.Terms.ContainsKey(index.Key(term)))
                {
                    continue;
                }
                plan.OwnWords[term] = terms.Terms[key].Surface;
            }
            if (term < 0 || index.DocumentFrequency(term) == 0)
            {
                continue; // nobody has it: it cannot tell two candidates apart
            }
            if (terms.OwnWords.TryGetValue(key, out var ownWords))
            {
                plan.OwnWords[term] = ownWords;
            }
            var weighted = weight * similarity * index.Idf(term);
            plan.Norm += weighted;
            plan.Relevance.Add((term, weighted));
            plan.WeightByTerm[term] = weighted;
        }
        // Rare terms first: their short posting lists find the candidates; common ones are checked per candidate.
        plan.Relevance.Sort((a, b) => index.DocumentFrequency(a.Term).CompareTo(index.DocumentFrequency(b.Term)) is var c and not 0
            ? c : a.Term.CompareTo(b.Term));
        return plan;
    }

    private static bool IsConcept(string key) => key.StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal);

    /// <summary>The closest word of the index to a query word the index lacks: through its other forms
    /// (article cut, Darija skeleton), then its character trigrams.</summary>
    private static (int Term, double Similarity) OtherSpelling(string key, ProfileTerms terms, PostingIndex index)
    {
        (int Term, double Similarity) best = (-1, 0);
        var forms = terms.Alternatives.GetValueOrDefault(key) ?? [];
        foreach (var form in TextNormalizer.IsArabic(key[0]) ? forms : forms.Prepend(key))
        {
            var found = index.Nearest(form);
            if (found.Term >= 0 && found.Similarity > best.Similarity)
            {
                best = found;
            }
        }
        return best;
    }

    /// <summary>The terms shared by a document and this query, with what each added to the score.</summary>
    public void Explain(PostingIndex index, int slot, double norm, PairFacts facts)
    {
        var bestCategory = 0.0;
        foreach (var docTerm in index.TermsOf(slot))
        {
            if (!WeightByTerm.TryGetValue(docTerm.Term, out var weight))
            {
                continue;
            }
            if (index.IsCategory(docTerm.Term))
            {
                if (weight * docTerm.Weight > bestCategory)
                {
                    bestCategory = weight * docTerm.Weight;
                    facts.CategoryKey = index.Key(docTerm.Term)[ProfileTerms.CategoryPrefix.Length..];
                }
            }
            else if (norm > 0)
            {
                var key = index.Key(docTerm.Term);
                var surface = query.Terms.TryGetValue(key, out var own) ? own.Surface : index.Surface(docTerm.Term);
                facts.MatchedTerms.Add((key, surface, OwnWords.GetValueOrDefault(docTerm.Term),
                    MatchScoring.RelevanceWeight * weight * docTerm.Weight / norm));
            }
        }
    }
}
