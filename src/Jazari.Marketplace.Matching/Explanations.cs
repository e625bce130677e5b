using System.Globalization;
using Term = (string Key, string Surface, string? OwnWords, double Contribution);

namespace Jazari.Marketplace.Matching;

/// <summary>Turns the facts of a match into short reasons in Arabic, French or English, biggest factor first. The SME
/// reads them about a startup ("Based in…, can work on site"); the startup reads them about a need, addressed to itself
/// ("The need is in…, where you can work on site").</summary>
internal static class Explanations
{
    public static IReadOnlyList<MatchReason> Explain(PairFacts facts, Lexicon lexicon, string language, bool toStartup = false)
    {
        var you = toStartup ? "-you" : "";
        var lang = language is "ar" or "fr" ? language : "en";
        var reasons = new List<(double Weight, MatchReason Reason)>();
        var concepts = facts.MatchedTerms.Where(t => t.Key.StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal)).ToList();
        var words = facts.MatchedTerms.Where(t => !t.Key.StartsWith(ProfileTerms.ConceptPrefix, StringComparison.Ordinal)).ToList();
        List<Term>? named = null; // the concepts the skills reason names
        if (concepts.Count > 0)
        {
            named = Top(concepts).ToList();
            var labels = named.Select(t => InOwnWords(lang, lexicon.Find(t.Key[ProfileTerms.ConceptPrefix.Length..])?.Label(lang) ?? t.Surface, t.OwnWords));
            reasons.Add((concepts.Sum(t => t.Contribution), new("skills", Text(lang, "skills", List(lang, labels)))));
        }
        if (words.Count > 0)
        {
            var (shown, weight) = SharedWords(words, named, facts.Category > 0 ? facts.CategoryKey : null, lexicon);
            if (shown is not null)
            {
                reasons.Add((weight, new("text", Text(lang, "text", Sentence(lang, shown)))));
            }
        }
        if (facts.Category > 0 && facts.CategoryKey is { } category && facts.CategoryDeclared)
        {
            var label = lexicon.Find(category)?.Name(lang) ?? category;
            reasons.Add((MatchScoring.CategoryWeight * facts.Category, new("category", Text(lang, "category", label))));
        }
        if (facts.OnSite)
        {
            reasons.Add((MatchScoring.OnSiteWeight, new("onsite", Text(lang, "onsite" + you, Regions.Name(lang, facts.Region)))));
        }
        if (facts.SharedLanguage)
        {
            reasons.Add((MatchScoring.LanguageWeight, new("language", Text(lang, "language" + you, Languages.Name(lang, facts.Language)))));
        }
        if (facts.BudgetMax > 0)
        {
            var key = (facts.PriceMax < facts.BudgetMin ? "budget-under" : "budget") + you; // the startup reads its own prices
            reasons.Add((MatchScoring.BudgetWeight * facts.Budget, new("budget", Text(lang, key,
                Money(lang, facts.PriceMin), Money(lang, facts.PriceMax), Money(lang, facts.BudgetMin), Money(lang, facts.BudgetMax)))));
        }
        // English counts its reviews in the singular for one ("1 review"); French's "avis" and Arabic's count read alike.
        var rated = "reputation" + you + (facts.RatingCount == 1 && Templates.ContainsKey((lang, $"reputation{you}-one")) ? "-one" : "");
        var reputation = facts.RatingCount > 0
            ? Text(lang, rated, facts.Rating.ToString("N1", Culture(lang)), facts.RatingCount.ToString("N0", Culture(lang)))
            : Text(lang, "reputation-new" + you);
        reasons.Add((MatchScoring.ReputationWeight * facts.Reputation, new("reputation", reputation)));
        return reasons.OrderByDescending(r => r.Weight).Select(r => r.Reason).ToList();
    }

    /// <summary>"comptabilité (« lcompta »)": the concept or word, then the words the need used for it, when they differ.</summary>
    private static string InOwnWords(string lang, string label, string? ownWords)
    {
        if (ownWords is null || TextNormalizer.Normalize(label).Contains(TextNormalizer.Normalize(ownWords), StringComparison.Ordinal)
            || TextAnalyzer.Stems(ownWords) is { Count: > 0 } own && TextAnalyzer.Stems(label).Select(l => l.Stem).ToHashSet() is var stems
                && own.All(w => stems.Contains(w.Stem)))
        {
            return Isolated(lang, label); // "site" or "sites" for "site web": the reader's words are already there
        }
        var quoted = ownWords.Length > 60 ? ownWords[..(char.IsHighSurrogate(ownWords[59]) ? 59 : 60)].TrimEnd() + "…" : ownWords;
        return lang == "en" ? $"{Isolated(lang, label)} (“{Isolated(lang, quoted)}”)" : $"{Isolated(lang, label)} (« {Isolated(lang, quoted)} »)";
    }

    /// <summary>
    /// A word in the other script, isolated (U+2068…U+2069): an Arabic word in a French sentence, or a French one in an
    /// Arabic sentence, keeps its place, and the sentence's own brackets and quotes stay the sentence's.
    /// </summary>
    private static string Isolated(string lang, string text) =>
        text.Length > 0 && TextNormalizer.IsArabic(text[0]) != (lang == "ar") ? $"\u2068{text}\u2069" : text;

    /// <summary>
    /// The words both texts use that tell the reader something the other reasons do not: not a word of a skill or of
    /// the category already named ("woocommerce", "commerce") or of the words quoted for a skill, nor a word that means
    /// nothing on its own (a fragment such as "ligne" of "en ligne", a generic word, a very short word, a number); the
    /// three that counted most (null when none is left), and what the words kept added to the score. Only the top
    /// matches are explained, off the ranking path; still, little is allocated: each concept's stems come with the lexicon.
    /// </summary>
    private static (List<Term>? Shown, double Weight) SharedWords(List<Term> words, List<Term>? named, string? category, Lexicon lexicon)
    {
        var said = new List<IReadOnlyCollection<string>>((named?.Count ?? 0) + 1); // the stems the other reasons say already
        foreach (var (key, _, ownWords, _) in named ?? [])
        {
            if (lexicon.Find(key[ProfileTerms.ConceptPrefix.Length..]) is { } concept)
            {
                said.Add(concept.Stems);
            }
            if (ownWords is not null)
            {
                said.Add([.. TextAnalyzer.Tokens(ownWords, out _).Select(t => t.Stem)]);
            }
        }
        if (category is not null && lexicon.Find(category) is { } categoryConcept)
        {
            said.Add(categoryConcept.Stems);
        }
        List<Term>? shown = null;
        Token[]? one = null;
        var weight = 0.0;
        foreach (var word in words)
        {
            var normalized = TextNormalizer.Normalize(word.Surface); // the word as the lexicon reads it ("coopératives": "cooperatives")
            if (SaysNothingAlone(word.Key, normalized) || IsSaid(said, word.Key))
            {
                continue;
            }
            one ??= new Token[1];
            one[0] = new Token(normalized, word.Key, null, null, 0, normalized.Length, false);
            if (lexicon.MatchAt(one, 0).Concept is { } concept && IsNamed(concept.Key, named, category))
            {
                continue; // "woocommerce", "seo": the skill is named already
            }
            weight += word.Contribution;
            shown ??= new List<Term>(MaxSharedWords + 1);
            var at = shown.Count; // kept in order, biggest first, ties by key
            while (at > 0 && (word.Contribution > shown[at - 1].Contribution
                || word.Contribution == shown[at - 1].Contribution && string.CompareOrdinal(word.Key, shown[at - 1].Key) < 0))
            {
                at--;
            }
            if (at < MaxSharedWords)
            {
                shown.Insert(at, word);
                if (shown.Count > MaxSharedWords)
                {
                    shown.RemoveAt(MaxSharedWords);
                }
            }
        }
        return (shown, weight);
    }

    private static bool IsSaid(List<IReadOnlyCollection<string>> said, string stem)
    {
        foreach (var stems in said)
        {
            if (stems.Contains(stem))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsNamed(string conceptKey, List<Term>? named, string? category)
    {
        if (conceptKey == category)
        {
            return true;
        }
        foreach (var term in named ?? [])
        {
            if (term.Key.AsSpan(ProfileTerms.ConceptPrefix.Length).SequenceEqual(conceptKey))
            {
                return true;
            }
        }
        return false;
    }

    private const int MaxSharedWords = 3;

    /// <summary>Numbers, words with digits, very short words, and the words of <see cref="NoiseWords"/>.</summary>
    private static bool SaysNothingAlone(string stem, string surface)
    {
        foreach (var c in surface)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }
        return surface.Length < (TextNormalizer.IsArabic(surface[0]) ? 3 : 4) || NoiseStems.Contains(stem);
    }

    /// <summary>
    /// Words that mean little without the words around them: fragments of set phrases ("en ligne", "mise en place",
    /// "à jour", "في إطار"), words every profile uses (solution, services, clients, Maroc), vague qualities, and the
    /// names of the languages (the language reason names the one they share).
    /// Matched after the texts' normalisation and stemming, so plurals and other spellings go too.
    /// </summary>
    private static readonly string[] NoiseWords =
    [
        // French
        "ligne", "place", "mise", "jour", "niveau", "cadre", "partir", "travers", "fois", "part", "sein", "lors", "base",
        "type", "domaine", "moyen", "ensemble", "suite", "fin", "via", "etc", "bien", "bon", "bonne", "nouveau", "nouvelle",
        "grand", "grande", "petit", "petite", "meilleur", "meilleure", "simple", "rapide", "facile", "efficace", "qualite",
        "solution", "service", "offre", "projet", "travail", "equipe", "aide", "client", "produit", "gestion", "outil",
        "systeme", "plateforme", "digital", "digitale", "numerique", "maroc", "marocain", "marocaine", "mettre", "creer",
        "creation", "developper", "developpement", "ameliorer", "accompagner", "accompagnement", "proposer", "offrir",
        "assurer", "realiser", "permettre", "vendre", "besoins", "mois", "semaine", "annee", "dirham", "dirhams", "euros",
        // English
        "line", "online", "based", "way", "well", "new", "good", "best", "great", "high", "quality", "solution", "service",
        "team", "work", "help", "full", "end", "easy", "fast", "customer", "product", "platform", "tool", "system", "morocco",
        "moroccan", "year", "month", "week", "make", "create", "build", "provide", "offer", "project", "develop",
        "development", "management", "including", "small", "large", "local", "side", "level", "set", "sell",
        // Arabic and Darija in Arabic script
        "خلال", "عبر", "اجل", "طريق", "اطار", "مستوي", "مجال", "حلول", "خدمات", "خدمه", "جديد", "جديده", "جيد", "جيده",
        "افضل", "سريع", "سهل", "جوده", "المغرب", "مغربي", "مغربيه", "العملاء", "الزبناء", "زبائن", "منتجات", "مشروع",
        "منصه", "نظام", "رقمي", "رقميه", "تطوير", "تسيير", "اداره", "سنه", "سنوات", "شهر", "اشهر", "درهم", "دراهم", "بيع",
        // "Electronic" alone (of "commerce électronique", "البريد الإلكتروني"): the phrase's skill says what it means
        "electronique", "electroniques", "electronic", "الكتروني", "الكترونيه", "الالكتروني", "الالكترونيه",
        // The languages: the language reason says them
        "francais", "arabe", "anglais", "darija", "french", "arabic", "english", "العربيه", "بالعربيه", "الفرنسيه", "بالفرنسيه",
        "الانجليزيه", "بالانجليزيه", "الدارجه", "بالدارجه",
        // and the word "language" itself ("un site en trois langues"): a reader saw "languages (« langues »)" as a reason
        "langue", "langues", "language", "languages", "لغه", "لغات", "اللغه", "اللغات", "باللغه", "باللغات",
    ];

    private static readonly HashSet<string> NoiseStems = new(NoiseWords.Select(w => Stemmer.Stem(TextNormalizer.Normalize(w))), StringComparer.Ordinal);

    /// <summary>
    /// "Vous parlez tous les deux de boutiques, d'huile et de coopératives": the same sentence whichever side reads it
    /// (an SME reading a startup, a startup reading a need). A word in the other script is isolated (<see cref="Isolated"/>).
    /// </summary>
    private static string Sentence(string lang, List<Term> shown)
    {
        var items = new List<string>(shown.Count);
        foreach (var word in shown)
        {
            var isolated = InOwnWords(lang, word.Surface, word.OwnWords);
            items.Add(lang switch
            {
                "fr" => ("aeiouyh".Contains(TextNormalizer.Normalize(word.Surface)[0]) ? "d'" : "de ") + isolated, // d'étiquettes
                _ => isolated,
            });
        }
        if (items.Count == 1)
        {
            return items[0];
        }
        var (comma, conjunction) = lang switch { "ar" => ("، ", " و"), "fr" => (", ", " et "), _ => (", ", " and ") };
        var last = items[^1];
        if (lang == "ar" && !TextNormalizer.IsArabic(shown[^1].Surface[0]))
        {
            last = " " + last; // "و" joins an Arabic word, and stands apart before a Latin one
        }
        return string.Join(comma, items.Take(items.Count - 1)) + conjunction + last;
    }

    private static IEnumerable<Term> Top(List<Term> terms) =>
        terms.OrderByDescending(t => t.Contribution).ThenBy(t => t.Key, StringComparer.Ordinal).Take(5);

    private static string List(string lang, IEnumerable<string> items) => string.Join(lang == "ar" ? "، " : ", ", items.Distinct());

    /// <summary>
    /// Dirhams in the pages' format of the language (the web's Formats: ar-MA, fr-MA, en-GB): centimes only when there are
    /// some, as the need's own budget shows them on the same page.
    /// </summary>
    private static string Money(string lang, long minor)
    {
        var amount = minor / 100m;
        return amount.ToString(amount == decimal.Truncate(amount) ? "N0" : "N2", Culture(lang));
    }

    private static CultureInfo Culture(string lang) => CultureInfo.GetCultureInfo(lang switch { "ar" => "ar-MA", "en" => "en-GB", _ => "fr-MA" });

    private static string Text(string lang, string key, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, Templates[(lang, key)], args);

    private static readonly Dictionary<(string, string), string> Templates = new()
    {
        [("en", "skills")] = "Skills: {0}",
        [("fr", "skills")] = "Maîtrise : {0}",
        [("ar", "skills")] = "المهارات: {0}",
        [("en", "text")] = "You both mention {0}",
        [("fr", "text")] = "Vous parlez tous les deux {0}",
        [("ar", "text")] = "يرد في النصّين معاً: {0}",
        [("en", "category")] = "Category: {0}",
        [("fr", "category")] = "Catégorie : {0}",
        [("ar", "category")] = "الفئة: {0}",
        [("en", "onsite")] = "Based in {0}, can work on site",
        [("fr", "onsite")] = "Implantée dans la région {0}, peut intervenir sur site",
        [("ar", "onsite")] = "مقرها في جهة {0}، يمكنها العمل في عين المكان",
        [("en", "language")] = "Works in {0}",
        [("fr", "language")] = "Travaille en {0}",
        [("ar", "language")] = "تشتغل باللغة {0}",
        [("en", "budget")] = "Prices {0}\u00a0–\u00a0{1}\u00a0MAD, budget {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("fr", "budget")] = "Tarifs {0}\u00a0–\u00a0{1}\u00a0MAD, budget {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("ar", "budget")] = "أسعارها {0}\u00a0–\u00a0{1}\u00a0درهم، الميزانية {2}\u00a0–\u00a0{3}\u00a0درهم",
        [("en", "budget-under")] = "Prices {0}\u00a0–\u00a0{1}\u00a0MAD, under the budget of {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("fr", "budget-under")] = "Tarifs {0}\u00a0–\u00a0{1}\u00a0MAD, sous le budget de {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("ar", "budget-under")] = "أسعارها {0}\u00a0–\u00a0{1}\u00a0درهم، أقل من الميزانية {2}\u00a0–\u00a0{3}\u00a0درهم",
        [("en", "budget-you")] = "Your prices {0}\u00a0–\u00a0{1}\u00a0MAD, the need's budget {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("fr", "budget-you")] = "Vos tarifs {0}\u00a0–\u00a0{1}\u00a0MAD, budget du besoin {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("ar", "budget-you")] = "أسعاركم {0}\u00a0–\u00a0{1}\u00a0درهم، وميزانية الحاجة {2}\u00a0–\u00a0{3}\u00a0درهم",
        [("en", "budget-under-you")] = "Your prices {0}\u00a0–\u00a0{1}\u00a0MAD, under the need's budget of {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("fr", "budget-under-you")] = "Vos tarifs {0}\u00a0–\u00a0{1}\u00a0MAD, sous le budget du besoin de {2}\u00a0–\u00a0{3}\u00a0MAD",
        [("ar", "budget-under-you")] = "أسعاركم {0}\u00a0–\u00a0{1}\u00a0درهم، أقل من ميزانية الحاجة {2}\u00a0–\u00a0{3}\u00a0درهم",
        [("en", "reputation")] = "Rated {0} / 5 ({1} reviews)",
        [("en", "reputation-one")] = "Rated {0} / 5 ({1} review)",
        [("fr", "reputation")] = "Note {0} / 5 ({1} avis)",
        [("ar", "reputation")] = "التقييم {0} / 5، عدد التقييمات: {1}",
        [("en", "reputation-new")] = "New on the marketplace, no reviews yet",
        [("fr", "reputation-new")] = "Nouvelle sur la plateforme, pas encore d'avis",
        [("ar", "reputation-new")] = "جديدة على المنصة، لا تقييمات بعد",
        // To the startup, about a need that fits it.
        [("en", "onsite-you")] = "The need is in {0}, where you can work on site",
        [("fr", "onsite-you")] = "Besoin dans la région {0}, où vous pouvez intervenir sur site",
        [("ar", "onsite-you")] = "الحاجة في جهة {0}، حيث يمكنكم العمل في عين المكان",
        [("en", "language-you")] = "Written in {0}, one of your working languages",
        [("fr", "language-you")] = "Rédigé en {0}, une de vos langues de travail",
        [("ar", "language-you")] = "مكتوبة باللغة {0}، إحدى لغات عملكم",
        [("en", "reputation-you")] = "Your rating counts: {0} / 5 ({1} reviews)",
        [("en", "reputation-you-one")] = "Your rating counts: {0} / 5 ({1} review)",
        [("fr", "reputation-you")] = "Votre note compte : {0} / 5 ({1} avis)",
        [("ar", "reputation-you")] = "تقييمكم يُحتسب: {0} / 5، عدد التقييمات: {1}",
        [("en", "reputation-new-you")] = "New on the marketplace: your first reviews will count",
        [("fr", "reputation-new-you")] = "Nouvelle sur la plateforme : vos premiers avis compteront",
        [("ar", "reputation-new-you")] = "جديدة على المنصة: ستُحتسب تقييماتكم الأولى",
    };
}
