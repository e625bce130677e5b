using System.Globalization;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>Why a mentor is suggested: factor (expertise, related, words, language, capacity) and a sentence in the reader's language.</summary>
[GenerateSerializer, Alias("jazari.mentor-reason")]
public sealed record MentorReason([property: Id(0)] string Factor, [property: Id(1)] string Detail);

[GenerateSerializer, Alias("jazari.mentor-suggestion")]
public sealed record MentorSuggestion(
    [property: Id(0)] string MentorId,
    [property: Id(1)] string Name,
    [property: Id(2)] double Score,
    [property: Id(3)] int FreeCapacity,
    [property: Id(4)] IReadOnlyList<MentorReason> Reasons);

/// <summary>
/// Ranks mentors for a startup by expertise, shared language and free capacity. Expertise goes through the
/// matching library: a mentor's "التجارة الإلكترونية", "vente en ligne" or "e-commerce" is the lexicon concept
/// ecommerce, which a startup of that category or with the skill WooCommerce has; a concept of the same
/// category counts as related; other words count when they share a stem with the startup's skills or description.
/// </summary>
public static class MentorSuggestions
{
    public const double ExpertiseWeight = 0.7;
    public const double LanguageWeight = 0.1;
    public const double CapacityWeight = 0.2;
    /// <summary>Three matching expertise entries fill the expertise factor; so do five free places the capacity one.</summary>
    private const double FullExpertise = 3, FullCapacity = 5;

    public static IReadOnlyList<MentorSuggestion> Rank(StartupDetails startup, IEnumerable<(string Id, MentorDetails Mentor, int Assigned)> mentors,
        int top, string language)
    {
        var lang = language is "ar" or "fr" ? language : "en";
        var wanted = StartupTerms.Of(startup, Lexicon.Default);
        var suggestions = new List<MentorSuggestion>();
        foreach (var (id, mentor, assigned) in mentors)
        {
            var free = mentor.Capacity - assigned;
            var languages = mentor.Languages.Intersect(startup.Languages).ToList();
            if (free <= 0 || languages.Count == 0) continue;
            var fit = ExpertiseFit.Of(mentor.Expertise, wanted, Lexicon.Default, lang);
            var reasons = new List<MentorReason>();
            if (fit.Same.Count > 0) reasons.Add(new("expertise", Text(lang, "expertise", List(lang, fit.Same))));
            if (fit.Related.Count > 0) reasons.Add(new("related", Text(lang, "related", List(lang, fit.Related))));
            if (fit.Words.Count > 0) reasons.Add(new("words", Text(lang, "words", List(lang, fit.Words))));
            reasons.Add(new("language", Text(lang, "language", List(lang, languages.Select(l => Languages.Name(lang, l))))));
            reasons.Add(new("capacity", Text(lang, free == 1 ? "capacity-one" : "capacity", free)));
            var score = Math.Min(fit.Points, FullExpertise) / FullExpertise * ExpertiseWeight + LanguageWeight
                + Math.Min(free, FullCapacity) / FullCapacity * CapacityWeight;
            suggestions.Add(new MentorSuggestion(id, mentor.Name, Math.Round(score, 3), free, reasons));
        }
        return [.. suggestions.OrderByDescending(s => s.Score).ThenBy(s => s.MentorId, StringComparer.Ordinal).Take(top)];
    }

    /// <summary>The startup as the lexicon reads it: the concepts it names, its categories (stated or implied by a skill) and its word stems.</summary>
    private sealed record StartupTerms(HashSet<string> Concepts, HashSet<string> Categories, HashSet<string> Stems)
    {
        public static StartupTerms Of(StartupDetails startup, Lexicon lexicon)
        {
            var terms = new StartupTerms([], [], []);
            foreach (var category in startup.Categories.Select(c => c.Trim().ToLowerInvariant()).Where(c => c is not ("" or "other")))
            {
                terms.Concepts.Add(category);
                terms.Categories.Add(category);
            }
            foreach (var (text, implies) in startup.Skills.Select(s => (s, true)).Append((startup.Description, false)))
            {
                var analyzed = TextAnalyzer.Analyze(text, lexicon);
                foreach (var concept in analyzed.Concepts)
                {
                    terms.Concepts.Add(concept.Key);
                    if (implies && concept.Category is { } category and not "other") terms.Categories.Add(category);
                }
                foreach (var (stem, _) in analyzed.Words) terms.Stems.Add(stem);
            }
            return terms;
        }
    }

    /// <summary>
    /// How a mentor's expertise meets the startup: concepts it has (1 point each), concepts of one of its categories
    /// (half a point), or, for an entry naming no such concept, a word of the startup's skills or description (0.4).
    /// </summary>
    private sealed record ExpertiseFit(List<string> Same, List<string> Related, List<string> Words, double Points)
    {
        public static ExpertiseFit Of(IEnumerable<string> expertise, StartupTerms wanted, Lexicon lexicon, string lang)
        {
            var same = new Dictionary<string, string>(StringComparer.Ordinal);
            var related = new Dictionary<string, string>(StringComparer.Ordinal);
            var words = new List<string>();
            foreach (var entry in expertise)
            {
                var analyzed = TextAnalyzer.Analyze(entry, lexicon);
                var found = false;
                foreach (var concept in analyzed.Concepts)
                {
                    if (wanted.Concepts.Contains(concept.Key) || concept.IsCategory && wanted.Categories.Contains(concept.Key)) same.TryAdd(concept.Key, concept.Label(lang));
                    else if (concept.Category is { } category && wanted.Categories.Contains(category))
                        related.TryAdd(concept.Key, concept.Label(lang));
                    else continue;
                    found = true;
                }
                if (found) continue;
                // Shown as the mentor wrote it (accents and case kept), not as the stems that met.
                if (analyzed.Words.Any(w => w.Word.Length >= 3 && wanted.Stems.Contains(w.Stem))) words.Add(entry.Trim());
            }
            foreach (var key in same.Keys) related.Remove(key);
            return new([.. same.Values.Distinct()], [.. related.Values.Distinct()], [.. words.Distinct()],
                same.Count + related.Count * 0.5 + words.Count * 0.4);
        }
    }

    private static string List(string lang, IEnumerable<string> items) => string.Join(lang == "ar" ? "، " : ", ", items.Distinct());

    private static string Text(string lang, string key, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, Templates[(lang, key)], args);

    private static readonly Dictionary<(string, string), string> Templates = new()
    {
        [("en", "expertise")] = "Expertise: {0}",
        [("fr", "expertise")] = "Expertise : {0}",
        [("ar", "expertise")] = "الخبرة: {0}",
        [("en", "related")] = "Related expertise: {0}",
        [("fr", "related")] = "Expertise voisine : {0}",
        [("ar", "related")] = "خبرة قريبة: {0}",
        [("en", "words")] = "Expertise in line with the startup's profile: {0}",
        [("fr", "words")] = "Expertise en lien avec le profil de la startup : {0}",
        [("ar", "words")] = "خبرة ذات صلة بملف الشركة الناشئة: {0}",
        [("en", "language")] = "Speaks {0}",
        [("fr", "language")] = "Parle {0}",
        [("ar", "language")] = "يتحدث {0}",
        [("en", "capacity")] = "{0} free places",
        [("fr", "capacity")] = "{0} places libres",
        [("ar", "capacity")] = "أماكن شاغرة: {0}",
        [("en", "capacity-one")] = "{0} free place",
        [("fr", "capacity-one")] = "{0} place libre",
        [("ar", "capacity-one")] = "أماكن شاغرة: {0}",
    };
}
