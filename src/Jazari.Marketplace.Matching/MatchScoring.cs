namespace Jazari.Marketplace.Matching;

/// <summary>
/// The score of a feasible (need, startup) pair, 0..1: a weighted sum of factors each in 0..1.
/// Skills and text dominate; category, budget, reputation, on-site and language refine.
/// </summary>
public static class MatchScoring
{
    public const double RelevanceWeight = 0.50;
    public const double CategoryWeight = 0.15;
    public const double BudgetWeight = 0.10;
    public const double ReputationWeight = 0.12;
    public const double OnSiteWeight = 0.07;
    public const double LanguageWeight = 0.06;

    /// <summary>The most a pair can get without any skill, text or category in common.</summary>
    public const double MaxWithoutRelevanceOrCategory = BudgetWeight + ReputationWeight + OnSiteWeight + LanguageWeight;

    /// <summary>Reviews a startup needs before its own average outweighs the prior.</summary>
    public const double PriorReviews = 10;

    /// <summary>The marketplace-wide prior: what we assume of a startup before any review.</summary>
    public const double PriorRating = 4.0;

    public static double Score(double relevance, double category, double budget, double reputation, bool onSite, bool language) =>
        RelevanceWeight * Math.Min(1, relevance)
        + CategoryWeight * category
        + BudgetWeight * budget
        + ReputationWeight * reputation
        + (onSite ? OnSiteWeight : 0)
        + (language ? LanguageWeight : 0);

    /// <summary>Hard constraints: the startup serves the need's region (or the whole country),
    /// its minimum price is within the need's maximum budget (when one is given), and it has a free slot.</summary>
    public static bool Feasible(int servedMask, int needRegion, long priceMin, long budgetMax, int capacity, int activeProjects) =>
        Regions.Serves(servedMask, needRegion)
        && (budgetMax <= 0 || priceMin <= budgetMax)
        && activeProjects < capacity;

    /// <summary>Bayesian average of the rating, scaled to 0..1: (C·prior + Σ ratings) / (C + n).</summary>
    public static double Reputation(double rating, int ratingCount) => (BayesianRating(rating, ratingCount) - 1) / 4;

    public static double BayesianRating(double rating, int ratingCount)
    {
        var count = Math.Max(0, ratingCount);
        var clamped = Math.Clamp(rating, 1, 5);
        return (PriorReviews * PriorRating + clamped * count) / (PriorReviews + count);
    }

    /// <summary>1 when the startup's usual prices cover the whole budget range, 0.5 when they sit under it,
    /// in between with the share of the budget range they cover; 0.5 when the need gives no budget.</summary>
    public static double BudgetFit(long priceMin, long priceMax, long budgetMin, long budgetMax)
    {
        if (budgetMax <= 0)
        {
            return 0.5;
        }
        priceMax = Math.Max(priceMax, priceMin);
        budgetMin = Math.Min(Math.Max(0, budgetMin), budgetMax);
        if (priceMax < budgetMin)
        {
            return 0.5;
        }
        var overlap = Math.Min(priceMax, budgetMax) - Math.Max(priceMin, budgetMin);
        var range = budgetMax - budgetMin;
        return range == 0 ? 1 : 0.5 + 0.5 * Math.Clamp((double)overlap / range, 0, 1);
    }
}
