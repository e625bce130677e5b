namespace Jazari.Marketplace.Matching;

/// <summary>What the need form can propose from the text an SME typed: a category and skills, in the reader's language.</summary>
public sealed record NeedSuggestion(string Category, IReadOnlyList<SuggestedSkill> Skills);

/// <summary>A skill of the lexicon (<see cref="Key"/>), its name in the reader's language, and the SME's own words for it, if any.</summary>
public sealed record SuggestedSkill(string Key, string Label, string? OwnWords);

public static class NeedSuggestions
{
    /// <summary>
    /// The category most of the text's concepts belong to ("other" if none) and the skills it names,
    /// most mentioned first; works on Darija in both scripts and everyday words like the matching does.
    /// </summary>
    public static NeedSuggestion Suggest(string text, string language, Lexicon? lexicon = null)
    {
        lexicon ??= Lexicon.Default;
        var lang = language is "ar" or "fr" ? language : "en";
        var mentions = TextAnalyzer.Analyze(text, lexicon).Mentions;
        var category = mentions
            .Where(m => m.Concept.Category is { } c && c != "other")
            .GroupBy(m => m.Concept.Category!)
            .OrderByDescending(g => g.Count(m => m.Concept.IsCategory) * 2 + g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault() ?? "other";
        var skills = mentions
            .Where(m => !m.Concept.IsCategory)
            .GroupBy(m => m.Concept.Key)
            .OrderByDescending(g => g.Count())
            .Select(g => new SuggestedSkill(g.Key, g.First().Concept.Label(lang), g.Select(m => m.OwnWords).FirstOrDefault(w => w is not null)))
            .ToList();
        return new NeedSuggestion(category, skills);
    }
}
