using System.Reflection;
using System.Text.Json;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// Words and phrases of the three languages mapped to canonical skills and categories.
/// The data lives in lexicon.json (embedded); add a term there and it is matched after the
/// same normalisation and stemming as the texts.
/// </summary>
public sealed class Lexicon
{
    private readonly Dictionary<string, Concept> concepts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string[] Stems, Concept Concept)>> phrasesByFirstStem = new(StringComparer.Ordinal);

    public static Lexicon Default { get; } = LoadEmbedded();

    public IEnumerable<Concept> Concepts => concepts.Values;

    public IEnumerable<string> CategoryKeys => concepts.Values.Where(c => c.IsCategory).Select(c => c.Key);

    public Concept? Find(string key) => concepts.GetValueOrDefault(key);

    public static Lexicon Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var lexicon = new Lexicon();
        foreach (var entry in document.RootElement.GetProperty("categories").EnumerateArray())
        {
            lexicon.Add(entry, isCategory: true);
        }
        foreach (var entry in document.RootElement.GetProperty("skills").EnumerateArray())
        {
            lexicon.Add(entry, isCategory: false);
        }
        foreach (var list in lexicon.phrasesByFirstStem.Values)
        {
            list.Sort((a, b) => b.Stems.Length.CompareTo(a.Stems.Length)); // longest phrase wins
        }
        return lexicon;
    }

    /// <summary>The longest phrase starting at <paramref name="start"/>, if any: its concept and its length in stems.</summary>
    public (Concept? Concept, int Length) MatchAt(IReadOnlyList<string> stems, int start)
    {
        if (!phrasesByFirstStem.TryGetValue(stems[start], out var candidates))
        {
            return (null, 0);
        }
        foreach (var (phrase, concept) in candidates)
        {
            if (start + phrase.Length <= stems.Count && Matches(stems, start, phrase))
            {
                return (concept, phrase.Length);
            }
        }
        return (null, 0);
    }

    private static bool Matches(IReadOnlyList<string> stems, int start, string[] phrase)
    {
        for (var i = 0; i < phrase.Length; i++)
        {
            if (!string.Equals(stems[start + i], phrase[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private void Add(JsonElement entry, bool isCategory)
    {
        var key = entry.GetProperty("key").GetString()!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.TryGetProperty("label", out var labelElement))
        {
            foreach (var label in labelElement.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString()!;
            }
        }
        var category = isCategory ? key
            : entry.TryGetProperty("category", out var c) ? c.GetString() : null;
        var concept = new Concept(key, isCategory, category, labels);
        if (!concepts.TryAdd(key, concept))
        {
            throw new InvalidDataException($"Lexicon key '{key}' appears twice.");
        }
        foreach (var term in entry.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).Append(key))
        {
            var stems = TextAnalyzer.Stems(term).Select(s => s.Stem).ToArray();
            if (stems.Length == 0)
            {
                continue;
            }
            if (!phrasesByFirstStem.TryGetValue(stems[0], out var list))
            {
                phrasesByFirstStem[stems[0]] = list = [];
            }
            list.Add((stems, concept));
        }
    }

    private static Lexicon LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Jazari.Marketplace.Matching.lexicon.json")
            ?? throw new InvalidOperationException("lexicon.json is not embedded in Jazari.Marketplace.Matching.");
        return Load(stream);
    }
}
