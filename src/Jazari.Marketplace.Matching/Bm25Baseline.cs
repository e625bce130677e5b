namespace Jazari.Marketplace.Matching;

/// <summary>
/// For comparison only: a plain BM25 ranking of the startups' texts (name, categories, skills,
/// description) against the need's text (title, category, skills, description), with the same
/// normalisation and stemming but no lexicon, no hard constraints and no other factor.
/// </summary>
public static class Bm25Baseline
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    public static IReadOnlyList<(string Id, double Score)> Rank(NeedProfile need, IReadOnlyList<StartupProfile> startups, int top)
    {
        var documents = startups.Select(s => Terms(string.Join(' ', [s.Name, .. s.Categories, .. s.Skills, s.Description]))).ToList();
        var averageLength = documents.Count == 0 ? 1 : Math.Max(1, documents.Average(d => d.Length));
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            foreach (var term in document.Distinct())
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            }
        }
        var query = Terms(string.Join(' ', [need.Title, need.Category, .. need.Skills, need.Description])).Distinct().ToList();
        var scores = new List<(string Id, double Score)>();
        for (var i = 0; i < documents.Count; i++)
        {
            var frequencies = documents[i].GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var score = 0.0;
            foreach (var term in query)
            {
                if (!frequencies.TryGetValue(term, out var tf))
                {
                    continue;
                }
                var df = documentFrequency[term];
                var idf = Math.Log(1 + (documents.Count - df + 0.5) / (df + 0.5));
                score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * documents[i].Length / averageLength));
            }
            if (score > 0)
            {
                scores.Add((startups[i].Id, score));
            }
        }
        return scores.OrderByDescending(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Take(top).ToList();
    }

    private static string[] Terms(string text) => TextAnalyzer.Stems(text).Select(s => s.Stem).ToArray();
}
