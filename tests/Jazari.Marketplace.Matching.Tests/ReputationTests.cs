using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

public class ReputationTests
{
    private static StartupProfile Shop(string id, double rating, int count) =>
        Startup(id, ["ecommerce"], ["Shopify"], "Boutiques en ligne Shopify pour artisans.", rating: rating, ratingCount: count);

    private static readonly NeedProfile Need1 = Need("n", "Boutique Shopify", "Vendre nos tapis en ligne", "ecommerce");

    [Fact]
    public void One_five_star_review_does_not_beat_forty_reviews_at_four_point_six()
    {
        var index = new StartupIndex();
        index.Upsert(Shop("a-lucky", 5.0, 1));
        index.Upsert(Shop("b-proven", 4.6, 40));
        Assert.Equal(["b-proven", "a-lucky"], index.TopFor(Need1, 5, "en").Select(m => m.Id));
    }

    [Fact]
    public void A_new_startup_with_no_reviews_is_still_proposed_and_says_it_is_new()
    {
        var index = new StartupIndex();
        index.Upsert(Shop("proven", 4.8, 60));
        index.Upsert(Shop("newcomer", 0, 0));
        var matches = index.TopFor(Need1, 5, "fr");
        var newcomer = Assert.Single(matches, m => m.Id == "newcomer");
        Assert.Contains(newcomer.Reasons, r => r.Factor == "reputation" && r.Detail.Contains("pas encore d'avis"));
    }

    [Fact]
    public void A_new_startup_beats_a_badly_rated_one_with_many_reviews() =>
        Assert.True(MatchScoring.Reputation(0, 0) > MatchScoring.Reputation(2.5, 30));
}
