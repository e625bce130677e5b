using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

public class ExplanationTests
{
    private static readonly StartupProfile ArganWeb = Startup("argan-web", ["ecommerce"], ["WooCommerce", "SEO"],
        "Boutiques en ligne pour coopératives, référencement et paiement à la livraison.",
        region: Souss, languages: ["ar", "fr"], priceMin: 15_000, priceMax: 45_000, rating: 4.7, ratingCount: 23);

    private static readonly NeedProfile Need1 = Need("n", "Boutique en ligne WooCommerce", "Vendre notre huile d'argan, avec un bon référencement.",
        "ecommerce", ["woocommerce", "seo"], 20_000, 40_000, Souss, remoteOk: false, language: "fr");

    private static Match Explain(string language)
    {
        var index = new StartupIndex();
        index.Upsert(ArganWeb);
        return Assert.Single(index.TopFor(Need1, 3, language));
    }

    [Fact]
    public void Reasons_in_french_name_the_skills_region_language_budget_and_reviews()
    {
        var reasons = Explain("fr").Reasons.ToDictionary(r => r.Factor, r => r.Detail);
        Assert.StartsWith("Maîtrise : ", reasons["skills"]);
        Assert.Contains("woocommerce", reasons["skills"]);
        Assert.Contains("référencement (SEO)", reasons["skills"]);
        Assert.Equal("Catégorie : commerce en ligne", reasons["category"]);
        Assert.Contains("Souss-Massa", reasons["onsite"]);
        Assert.Equal("Travaille en français", reasons["language"]);
        Assert.Contains("MAD", reasons["budget"]);
        Assert.Equal("Note 4,7 / 5 (23 avis)", reasons["reputation"]);
    }

    [Fact]
    public void Reasons_in_arabic_are_written_in_arabic()
    {
        var reasons = Explain("ar").Reasons.ToDictionary(r => r.Factor, r => r.Detail);
        Assert.StartsWith("المهارات: ", reasons["skills"]);
        Assert.Contains("تحسين محركات البحث", reasons["skills"]);
        Assert.Equal("المجال: التجارة الإلكترونية", reasons["category"]);
        Assert.Equal("تشتغل باللغة الفرنسية", reasons["language"]);
        Assert.Contains("درهم", reasons["budget"]);
    }

    [Fact]
    public void Reasons_in_english_and_the_biggest_factor_comes_first()
    {
        var match = Explain("en");
        Assert.Equal("skills", match.Reasons[0].Factor);
        Assert.Contains(match.Reasons, r => r.Detail == "Category: e-commerce");
        Assert.Contains(match.Reasons, r => r.Detail == "Rated 4.7 / 5, reviews: 23");
        Assert.InRange(match.Score, 0, 1);
    }

    [Fact]
    public void Words_outside_the_lexicon_are_explained_as_words_in_common()
    {
        var match = Explain("fr");
        Assert.Contains(match.Reasons, r => r.Factor == "text" && r.Detail.StartsWith("Mots en commun : "));
    }

    [Fact]
    public void A_remote_need_gives_no_on_site_reason()
    {
        var index = new StartupIndex();
        index.Upsert(ArganWeb);
        var match = Assert.Single(index.TopFor(Need1 with { RemoteOk = true }, 3, "fr"));
        Assert.DoesNotContain(match.Reasons, r => r.Factor == "onsite");
        Assert.True(match.Score < Explain("fr").Score);
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("fr")]
    [InlineData("en")]
    public void Every_match_of_the_labelled_set_is_explained_in_the_language_asked(string language)
    {
        var index = new StartupIndex();
        foreach (var startup in QualitySet.Startups)
        {
            index.Upsert(startup);
        }
        foreach (var labelled in QualitySet.Needs)
        {
            foreach (var match in index.TopFor(labelled.Need, 5, language))
            {
                Assert.Contains(match.Reasons, r => r.Factor == "reputation");
                Assert.All(match.Reasons, r => Assert.DoesNotContain("{", r.Detail));
                if (language == "ar")
                {
                    Assert.All(match.Reasons, r => Assert.Matches(@"\p{IsArabic}", r.Detail));
                }
            }
        }
    }
}
