namespace Jazari.Marketplace.Matching;

/// <summary>Everything that went into the score of one (need, startup) pair, kept to explain it.</summary>
internal sealed class PairFacts
{
    /// <summary>Shared terms: key, the document's word, the query's own words for it (or null), what it added.</summary>
    public List<(string Key, string Surface, string? OwnWords, double Contribution)> MatchedTerms { get; } = [];
    public double Relevance { get; set; }
    public double Category { get; set; }
    public string? CategoryKey { get; set; }
    /// <summary>The shared category is the one the SME chose for its need: only then is it a reason of its own. One the
    /// need's text merely implies ("email" in a cloud migration implies marketing) would read as the need's category, and
    /// a founder told "Category: digital marketing" on a security audit stops trusting the list.</summary>
    public bool CategoryDeclared { get; set; }
    public double Budget { get; set; }
    public double Reputation { get; set; }
    public bool OnSite { get; set; }
    public bool SharedLanguage { get; set; }
    public long PriceMin { get; set; }
    public long PriceMax { get; set; }
    public long BudgetMin { get; set; }
    public long BudgetMax { get; set; }
    public string Region { get; set; } = "";
    public string Language { get; set; } = "";
    public double Rating { get; set; }
    public int RatingCount { get; set; }

    public double Score => MatchScoring.Score(Relevance, Category, Budget, Reputation, OnSite, SharedLanguage);
}
