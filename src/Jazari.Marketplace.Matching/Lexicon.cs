using System.Reflection;
using System.Text.Json;

namespace Jazari.Marketplace.Matching;

/// <summary>
/// Words and phrases of the three languages and of Darija (both scripts) mapped to canonical skills
/// and categories. The data lives in lexicon.json (embedded): per concept its trade's <c>terms</c>
/// and the <c>everyday</c> words people use for it; and <c>everyday</c> cues, groups of words that
/// name a concept when they appear together ("clients" + "trouvent" → SEO). Terms are matched after
/// the same normalisation and stemming as the texts, and Arabic-script or Arabizi words also by
/// their Darija consonant skeleton, so "l7sabat" meets "الحسابات".
/// </summary>
public sealed class Lexicon
{
    private const int CueWindow = 8;

    private readonly Dictionary<string, Concept> concepts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Phrase>> phrasesByFirst = new(StringComparer.Ordinal);
    private readonly List<Cue> cues = [];
    private readonly Dictionary<string, List<(int Cue, int Group)>> cueWords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Prefix, int Cue, int Group)>> cuePrefixes = new(StringComparer.Ordinal);

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
        if (document.RootElement.TryGetProperty("everyday", out var everyday))
        {
            foreach (var entry in everyday.EnumerateArray())
            {
                lexicon.AddCue(entry);
            }
        }
        foreach (var list in lexicon.phrasesByFirst.Values)
        {
            // Longest phrase wins; at equal length the trade's term before a spelling variant.
            list.Sort((a, b) => b.Forms.Length != a.Forms.Length ? b.Forms.Length.CompareTo(a.Forms.Length) : a.OwnWords.CompareTo(b.OwnWords));
        }
        return lexicon;
    }

    /// <summary>
    /// The longest phrase starting at <paramref name="start"/>, if any: its concept, its length in words,
    /// and whether the text used its own words for it (Darija, Arabizi, an everyday word, a variant spelling).
    /// </summary>
    internal (Concept? Concept, int Length, bool OwnWords) MatchAt(IReadOnlyList<Token> tokens, int start)
    {
        var token = tokens[start];
        (Concept? Concept, int Length, bool OwnWords) best = (null, 0, false);
        var bestCloseness = -1.0;
        foreach (var first in new[] { token.Stem, token.Alt, token.Alt2 })
        {
            if (first is null || !phrasesByFirst.TryGetValue(first, out var candidates))
            {
                continue;
            }
            foreach (var phrase in candidates)
            {
                // At equal length the trade's term stays before the concept's own variants; another concept may still win by a closer spelling.
                if (phrase.Forms.Length < best.Length || phrase.Forms.Length == best.Length && phrase.Concept == best.Concept && !best.OwnWords)
                {
                    continue;
                }
                if (start + phrase.Forms.Length <= tokens.Count && Matches(tokens, start, phrase.Forms, out var byStem))
                {
                    // Two words may share a Darija skeleton (حسابات / حواسيب), or a stem (paiement / paie): the closer spelling wins.
                    var closeness = byStem ? 2 + Spelling(tokens, start, phrase.Words) : Closeness(tokens, start, phrase.Stems);
                    if (phrase.Forms.Length > best.Length || closeness > bestCloseness)
                    {
                        best = (phrase.Concept, phrase.Forms.Length, phrase.OwnWords || !byStem);
                        bestCloseness = closeness;
                    }
                }
            }
        }
        return best;
    }

    /// <summary>How alike the words are to the phrase's own stems, letter pairs shared (Dice), 0..1.</summary>
    private static double Closeness(IReadOnlyList<Token> tokens, int start, string[] stems)
    {
        var sum = 0.0;
        for (var i = 0; i < stems.Length; i++)
        {
            var token = tokens[start + i];
            sum += Dice(token.Arabic ?? token.Stem, stems[i]);
        }
        return sum / stems.Length;
    }

    /// <summary>How alike the words are to the phrase's own words, 0..1: the share of letters they begin with in common
    /// ("paiements" is nearer "paiement" than "paie", though all three stem to "pai").</summary>
    private static double Spelling(IReadOnlyList<Token> tokens, int start, string[] words)
    {
        var sum = 0.0;
        for (var i = 0; i < words.Length; i++)
        {
            var word = tokens[start + i].Word;
            var common = 0;
            while (common < word.Length && common < words[i].Length && word[common] == words[i][common])
            {
                common++;
            }
            sum += (double)common / Math.Max(word.Length, words[i].Length);
        }
        return sum / words.Length;
    }

    private static double Dice(string a, string b)
    {
        if (a.Length < 2 || b.Length < 2)
        {
            return a == b ? 1 : 0;
        }
        var pairs = new List<(char, char)>(a.Length);
        for (var i = 0; i + 1 < a.Length; i++)
        {
            pairs.Add((a[i], a[i + 1]));
        }
        var shared = 0;
        for (var i = 0; i + 1 < b.Length; i++)
        {
            if (pairs.Remove((b[i], b[i + 1])))
            {
                shared++;
            }
        }
        return 2.0 * shared / (a.Length - 1 + b.Length - 1);
    }

    private static bool Matches(IReadOnlyList<Token> tokens, int start, string[] forms, out bool byStem)
    {
        byStem = true;
        for (var i = 0; i < forms.Length; i++)
        {
            var token = tokens[start + i];
            if (string.Equals(token.Stem, forms[i], StringComparison.Ordinal))
            {
                continue;
            }
            if (!token.Has(forms[i]))
            {
                return false;
            }
            byStem = false;
        }
        return true;
    }

    /// <summary>Everyday cues found in the text: each concept once, with the first and last word of the passage that named it.</summary>
    internal IEnumerable<(Concept Concept, int First, int Last)> MatchEveryday(IReadOnlyList<Token> tokens)
    {
        if (cues.Count == 0 || tokens.Count == 0)
        {
            yield break;
        }
        // For every word, the (cue, group) pairs it satisfies.
        var hits = new List<(int Cue, int Group, int Position)>();
        for (var p = 0; p < tokens.Count; p++)
        {
            var token = tokens[p];
            foreach (var form in new[] { token.Stem, token.Word, token.Alt, token.Alt2 })
            {
                if (form is null)
                {
                    continue;
                }
                if (cueWords.TryGetValue(form, out var exact))
                {
                    hits.AddRange(exact.Select(h => (h.Cue, h.Group, p)));
                }
                if (form.Length >= 3 && cuePrefixes.TryGetValue(form[..3], out var prefixed))
                {
                    hits.AddRange(prefixed.Where(h => form.StartsWith(h.Prefix, StringComparison.Ordinal)).Select(h => (h.Cue, h.Group, p)));
                }
            }
        }
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var byCue in hits.GroupBy(h => h.Cue).OrderBy(g => g.Min(h => h.Position)))
        {
            var cue = cues[byCue.Key];
            if (found.Contains(cue.Concept.Key))
            {
                continue;
            }
            // The shortest passage holding a word of every group, within the window.
            var positions = byCue.Select(h => (h.Group, h.Position)).Distinct().OrderBy(h => h.Position).ToList();
            (int First, int Last)? passage = null;
            foreach (var (_, first) in positions)
            {
                var last = first;
                var all = true;
                for (var g = 0; g < cue.Groups && all; g++)
                {
                    var at = positions.Where(h => h.Group == g && h.Position >= first && h.Position < first + CueWindow).Select(h => h.Position).DefaultIfEmpty(-1).Min();
                    all = at >= 0;
                    last = Math.Max(last, at);
                }
                if (all && (passage is null || last - first < passage.Value.Last - passage.Value.First))
                {
                    passage = (first, last);
                }
            }
            if (passage is { } p)
            {
                found.Add(cue.Concept.Key);
                yield return (cue.Concept, p.First, p.Last);
            }
        }
    }

    private void Add(JsonElement entry, bool isCategory)
    {
        var key = entry.GetProperty("key").GetString()!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        // A product or standard's name is one label in every language ("WooCommerce"); others are given per language.
        if (entry.TryGetProperty("label", out var labelElement) && labelElement.ValueKind == JsonValueKind.String)
        {
            labels["en"] = labelElement.GetString()!;
        }
        else if (labelElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in labelElement.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString()!;
            }
        }
        var category = isCategory ? key
            : entry.TryGetProperty("category", out var c) ? c.GetString() : null;
        var names = entry.TryGetProperty("name", out var nameElement)
            ? nameElement.EnumerateObject().ToDictionary(n => n.Name, n => n.Value.GetString()!, StringComparer.Ordinal) : null;
        var concept = new Concept(key, isCategory, category, labels, names);
        if (!concepts.TryAdd(key, concept))
        {
            throw new InvalidDataException($"Lexicon key '{key}' appears twice.");
        }
        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in concept.Labels.Append(key.Replace('-', ' ')))
        {
            said.UnionWith(TextAnalyzer.Tokens(text, out _).Select(t => t.Stem));
        }
        foreach (var term in entry.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).Append(key))
        {
            said.UnionWith(AddTerm(term, concept, ownWords: false));
        }
        if (entry.TryGetProperty("everyday", out var everyday))
        {
            foreach (var term in everyday.EnumerateArray().Select(t => t.GetString()!))
            {
                said.UnionWith(AddTerm(term, concept, ownWords: true));
            }
        }
        concept.Stems = said;
    }

    /// <summary>Matches the term as the concept from now on; its stems.</summary>
    private string[] AddTerm(string term, Concept concept, bool ownWords)
    {
        var tokens = TextAnalyzer.Tokens(term, out _);
        if (tokens.Count == 0)
        {
            return [];
        }
        string[] stems = [.. tokens.Select(t => t.Stem)];
        string[] words = [.. tokens.Select(t => t.Word)];
        AddPhrase(stems, stems, words, concept, ownWords);
        // Arabic script and Arabizi also by their Darija skeleton, when it is long enough to mean something.
        if (tokens.Any(t => t.Alt is not null && (TextNormalizer.IsArabic(t.Word[0]) || t.Arabizi)))
        {
            var skeleton = tokens.Select(t => TextNormalizer.IsArabic(t.Word[0]) || t.Arabizi ? t.Alt! : t.Stem).ToArray();
            if (skeleton.All(s => s.Length >= 2) && (skeleton.Length > 1 || skeleton[0].Length >= 3))
            {
                AddPhrase(skeleton, stems, words, concept, ownWords: true);
            }
        }
        return stems;
    }

    private void AddPhrase(string[] forms, string[] stems, string[] words, Concept concept, bool ownWords)
    {
        if (!phrasesByFirst.TryGetValue(forms[0], out var list))
        {
            phrasesByFirst[forms[0]] = list = [];
        }
        if (!list.Any(p => p.Concept == concept && p.Forms.SequenceEqual(forms)))
        {
            list.Add(new Phrase(forms, stems, words, concept, ownWords));
        }
    }

    private void AddCue(JsonElement entry)
    {
        var key = entry.GetProperty("concept").GetString()!;
        var concept = Find(key) ?? throw new InvalidDataException($"Everyday cue for unknown concept '{key}'.");
        var groups = entry.GetProperty("words").EnumerateArray().ToList();
        var index = cues.Count;
        cues.Add(new Cue(concept, groups.Count));
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var word in groups[g].EnumerateArray().Select(w => w.GetString()!))
            {
                var prefix = word.EndsWith('*');
                var token = TextAnalyzer.Tokens(prefix ? word[..^1] : word, out _).FirstOrDefault();
                if (token.Word is null)
                {
                    continue; // a stop word: cannot be a cue
                }
                var forms = new[] { token.Stem, token.Word, token.Alt }.OfType<string>().Distinct();
                foreach (var form in forms)
                {
                    if (prefix && form.Length >= 3)
                    {
                        if (!cuePrefixes.TryGetValue(form[..3], out var list))
                        {
                            cuePrefixes[form[..3]] = list = [];
                        }
                        list.Add((form, index, g));
                    }
                    else
                    {
                        if (!cueWords.TryGetValue(form, out var list))
                        {
                            cueWords[form] = list = [];
                        }
                        list.Add((index, g));
                    }
                }
            }
        }
    }

    private static Lexicon LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Jazari.Marketplace.Matching.lexicon.json")
            ?? throw new InvalidOperationException("lexicon.json is not embedded in Jazari.Marketplace.Matching.");
        return Load(stream);
    }

    /// <summary>A term as matched (<see cref="Forms"/>: stems, or Darija skeletons), its own stems and normalised words.</summary>
    private sealed record Phrase(string[] Forms, string[] Stems, string[] Words, Concept Concept, bool OwnWords);

    private sealed record Cue(Concept Concept, int Groups);
}
