using System.Globalization;

namespace Jazari.Marketplace.Matching;

/// <summary>Turns the facts of a match into short reasons in Arabic, French or English, biggest factor first.</summary>
internal static class Explanations
{
    public static IReadOnlyList<MatchReason> Explain(PairFacts facts, Lexicon lexicon, string language)
    {
        var lang = language is "ar" or "fr" ? language : "en";
        var reasons = new List<(double Weight, MatchReason Reason)>();
        var concepts = facts.MatchedTerms.Where(t => t.Key.StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal)).ToList();
        var words = facts.MatchedTerms.Where(t => !t.Key.StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal)).ToList();
        if (concepts.Count > 0)
        {
            var labels = Top(concepts).Select(t => InOwnWords(lang, lexicon.Find(t.Key[ProfileTerms.ConceptPrefix.Length..])?.Label(lang) ?? t.Surface, t.OwnWords));
            reasons.Add((concepts.Sum(t => t.Contribution), new("skills", Text(lang, "skills", List(lang, labels)))));
        }
        if (words.Count > 0)
        {
            reasons.Add((words.Sum(t => t.Contribution), new("text", Text(lang, "text", List(lang, Top(words).Select(t => InOwnWords(lang, t.Surface, t.OwnWords)))))));
        }
        if (facts.Category > 0 && facts.CategoryKey is { } category)
        {
            var label = lexicon.Find(category)?.Label(lang) ?? category;
            reasons.Add((MatchScoring.CategoryWeight * facts.Category, new("category", Text(lang, "category", label))));
        }
        if (facts.OnSite)
        {
            reasons.Add((MatchScoring.OnSiteWeight, new("onsite", Text(lang, "onsite", facts.Region))));
        }
        if (facts.SharedLanguage)
        {
            reasons.Add((MatchScoring.LanguageWeight, new("language", Text(lang, "language", Languages.Name(lang, facts.Language)))));
        }
        if (facts.BudgetMax > 0)
        {
            var key = facts.PriceMax < facts.BudgetMin ? "budget-under" : "budget";
            reasons.Add((MatchScoring.BudgetWeight * facts.Budget, new("budget", Text(lang, key,
                Money(lang, facts.PriceMin), Money(lang, facts.PriceMax), Money(lang, facts.BudgetMin), Money(lang, facts.BudgetMax)))));
        }
        var reputation = facts.RatingCount > 0
            ? Text(lang, "reputation", facts.Rating.ToString("N1", Culture(lang)), facts.RatingCount.ToString("N0", Culture(lang)))
            : Text(lang, "reputation-new");
        reasons.Add((MatchScoring.ReputationWeight * facts.Reputation, new("reputation", reputation)));
        return reasons.OrderByDescending(r => r.Weight).Select(r => r.Reason).ToList();
    }

    /// <summary>"comptabilité (« lcompta »)": the concept or word, then the words the need used for it, when they differ.</summary>
    private static string InOwnWords(string lang, string label, string? ownWords)
    {
        if (ownWords is null || TextNormalizer.Normalize(label).Contains(TextNormalizer.Normalize(ownWords), StringComparison.Ordinal))
        {
            return label; // "site" for "site web": the reader's words are already there
        }
        var quoted = ownWords.Length > 60 ? ownWords[..60].TrimEnd() + "…" : ownWords;
        return lang == "en" ? $"{label} (“{quoted}”)" : $"{label} (« {quoted} »)";
    }

    private static IEnumerable<(string Key, string Surface, string? OwnWords, double Contribution)> Top(
        List<(string Key, string Surface, string? OwnWords, double Contribution)> terms) =>
        terms.OrderByDescending(t => t.Contribution).ThenBy(t => t.Key, StringComparer.Ordinal).Take(5);

    private static string List(string lang, IEnumerable<string> items) => string.Join(lang == "ar" ? "، " : ", ", items.Distinct());

    /// <summary>Whole dirhams in the pages' format of the language (the web's Formats: ar-MA, fr-MA, en-GB).</summary>
    private static string Money(string lang, long minor) => (minor / 100).ToString("N0", Culture(lang));

    private static CultureInfo Culture(string lang) => CultureInfo.GetCultureInfo(lang switch { "ar" => "ar-MA", "en" => "en-GB", _ => "fr-MA" });

    private static string Text(string lang, string key, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, Templates[(lang, key)], args);

    private static readonly Dictionary<(string, string), string> Templates = new()
    {
        [("en", "skills")] = "Skills: {0}",
        [("fr", "skills")] = "Maîtrise : {0}",
        [("ar", "skills")] = "المهارات: {0}",
        [("en", "text")] = "Words in common: {0}",
        [("fr", "text")] = "Mots en commun : {0}",
        [("ar", "text")] = "كلمات مشتركة: {0}",
        [("en", "category")] = "Category: {0}",
        [("fr", "category")] = "Catégorie : {0}",
        [("ar", "category")] = "المجال: {0}",
        [("en", "onsite")] = "Based in {0}, can work on site",
        [("fr", "onsite")] = "Implantée dans la région {0}, peut intervenir sur site",
        [("ar", "onsite")] = "مقرها في جهة {0}، يمكنها العمل في عين المكان",
        [("en", "language")] = "Works in {0}",
        [("fr", "language")] = "Travaille en {0}",
        [("ar", "language")] = "تشتغل باللغة {0}",
        [("en", "budget")] = "Prices {0} – {1} MAD, budget {2} – {3} MAD",
        [("fr", "budget")] = "Tarifs {0} – {1} MAD, budget {2} – {3} MAD",
        [("ar", "budget")] = "الأسعار {0} – {1} درهم، الميزانية {2} – {3} درهم",
        [("en", "budget-under")] = "Prices {0} – {1} MAD, under the budget of {2} – {3} MAD",
        [("fr", "budget-under")] = "Tarifs {0} – {1} MAD, sous le budget de {2} – {3} MAD",
        [("ar", "budget-under")] = "الأسعار {0} – {1} درهم، أقل من الميزانية {2} – {3} درهم",
        [("en", "reputation")] = "Rated {0} / 5, reviews: {1}",
        [("fr", "reputation")] = "Note {0} / 5 ({1} avis)",
        [("ar", "reputation")] = "التقييم {0} / 5، عدد التقييمات: {1}",
        [("en", "reputation-new")] = "New on the marketplace, no reviews yet",
        [("fr", "reputation-new")] = "Nouvelle sur la plateforme, pas encore d'avis",
        [("ar", "reputation-new")] = "جديدة على المنصة، لا تقييمات بعد",
    };
}
