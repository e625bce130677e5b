namespace Jazari.Marketplace.Matching;

/// <summary>
/// The weighted terms of a need or a startup. Keys: a stem for a word, "s:key" for a lexicon
/// skill or topic, "c:key" for a category the profile belongs to (weight = how strongly).
/// Stated skills and titles weigh more than words of a description.
/// </summary>
internal sealed class ProfileTerms
{
    public const string ConceptPrefix = "s:";
    public const string CategoryPrefix = "c:";

    public Dictionary<string, (float Weight, string Surface)> Terms { get; } = new(StringComparer.Ordinal);

    /// <summary>For a word term: its other spellings (clitic cut, Darija skeleton), tried when the index lacks the word itself.</summary>
    public Dictionary<string, string[]> Alternatives { get; } = new(StringComparer.Ordinal);

    /// <summary>For a concept or a word: the profile's own words for it, when they are not the trade's (to quote them back).</summary>
    public Dictionary<string, string> OwnWords { get; } = new(StringComparer.Ordinal);

    /// <summary>The languages the texts are written in (bits of <see cref="Languages"/>), whatever was declared.</summary>
    public int LanguageMask { get; private set; }

    private readonly HashSet<string> namedInTradeWords = new(StringComparer.Ordinal);

    public static bool IsCategory(string key) => key.StartsWith(CategoryPrefix, StringComparison.Ordinal);

    /// <summary>A chosen category as the index keys it ("Ecommerce " is "ecommerce").</summary>
    public static string CategoryKey(string category) => category.Trim().ToLowerInvariant();

    public static ProfileTerms ForStartup(StartupProfile startup, Lexicon lexicon)
    {
        var terms = new ProfileTerms();
        foreach (var category in startup.Categories)
        {
            var key = CategoryKey(category);
            if (key.Length > 0 && key != "other")
            {
                terms.Add(CategoryPrefix + key, 1f, key);
                terms.Add(ConceptPrefix + key, 0.8f, key);
            }
        }
        foreach (var skill in startup.Skills)
        {
            terms.AddText(skill, lexicon, conceptWeight: 1f, wordWeight: 0.6f, impliedCategories: true);
        }
        terms.AddText(startup.Description, lexicon, conceptWeight: 0.8f, wordWeight: 0.4f, impliedCategories: false);
        return terms;
    }

    public static ProfileTerms ForNeed(NeedProfile need, Lexicon lexicon)
    {
        var terms = new ProfileTerms();
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var skill in need.Skills)
        {
            terms.AddText(skill, lexicon, 1f, 0.6f, false, mentioned);
        }
        terms.AddText(need.Title, lexicon, 1f, 0.6f, false, mentioned);
        terms.AddText(need.Description, lexicon, 0.8f, 0.4f, false, mentioned);

        // The SME may have picked the wrong category or "other": what the text says counts as much.
        var declared = CategoryKey(need.Category);
        var hasDeclared = declared.Length > 0 && declared != "other";
        if (mentioned.Count == 0)
        {
            if (hasDeclared)
            {
                terms.Add(CategoryPrefix + declared, 1f, declared);
            }
            return terms;
        }
        foreach (var category in mentioned)
        {
            terms.Add(CategoryPrefix + category, category == declared ? 1f : 0.5f, category);
        }
        if (hasDeclared && !mentioned.Contains(declared))
        {
            terms.Add(CategoryPrefix + declared, 0.5f, declared);
        }
        return terms;
    }

    private void AddText(string text, Lexicon lexicon, float conceptWeight, float wordWeight, bool impliedCategories,
        HashSet<string>? mentionedCategories = null)
    {
        var analyzed = TextAnalyzer.Analyze(text, lexicon);
        LanguageMask |= analyzed.LanguageMask;
        foreach (var (concept, ownWords) in analyzed.Mentions)
        {
            Add(ConceptPrefix + concept.Key, conceptWeight, concept.Key);
            if (ownWords is null)
            {
                namedInTradeWords.Add(ConceptPrefix + concept.Key);
                OwnWords.Remove(ConceptPrefix + concept.Key); // it also used the trade's words: nothing to translate
            }
            else if (!namedInTradeWords.Contains(ConceptPrefix + concept.Key)
                && (!OwnWords.TryGetValue(ConceptPrefix + concept.Key, out var earlier) || earlier.Length < ownWords.Length))
            {
                OwnWords[ConceptPrefix + concept.Key] = ownWords; // the fullest of the person's phrases for it
            }
            if (concept.Category is { } category && category != "other")
            {
                mentionedCategories?.Add(category);
                if (impliedCategories)
                {
                    Add(CategoryPrefix + category, 1f, category);
                }
            }
        }
        for (var i = 0; i < analyzed.Words.Count; i++)
        {
            var stem = analyzed.Words[i].Stem;
            if (!Terms.TryGetValue(stem, out var existing) || existing.Weight < wordWeight)
            {
                Terms[stem] = (wordWeight, Shown(text.AsSpan()[analyzed.Places[i]]));
            }
            if (analyzed.Alternatives[i].Length > 0)
            {
                Alternatives.TryAdd(stem, analyzed.Alternatives[i]);
            }
        }
    }

    /// <summary>
    /// A word as a reason shows it back: as the person wrote it, accents and Arabic letters kept ("coopératives",
    /// "مدرسة"); in lower case (a capital first letter most often starts a sentence or a title, a word in capitals is
    /// shouted) unless it is a name cased inside ("WooCommerce") or a short acronym ("CMI", "SEO").
    /// </summary>
    private static string Shown(ReadOnlySpan<char> written)
    {
        int upper = 0, lower = 0;
        for (var i = 1; i < written.Length; i++)
        {
            upper += char.IsUpper(written[i]) ? 1 : 0;
            lower += char.IsLower(written[i]) ? 1 : 0;
        }
        if (upper > 0 && (lower > 0 || written.Length <= 4))
        {
            return written.ToString();
        }
        var lowered = written.Length <= 64 ? stackalloc char[written.Length] : new char[written.Length];
        written.ToLowerInvariant(lowered);
        return new string(lowered);
    }

    private void Add(string key, float weight, string surface)
    {
        if (!Terms.TryGetValue(key, out var existing) || existing.Weight < weight)
        {
            Terms[key] = (weight, surface);
        }
    }
}
