using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>The ranking alone: no cluster, the startup and mentors as plain values.</summary>
public sealed class MentorSuggestionsTests
{
    private static readonly StartupDetails Shop = new("Atlas Shop", "Agadir", "Souss-Massa", ["ecommerce"], ["WooCommerce"],
        "Nous créons des boutiques en ligne et le paiement mobile pour les coopératives d'argan.", ["fr", "ar"], 500_000, 5_000_000, ["*"], 3);

    private static (string, MentorDetails, int) Mentor(string id, string[] expertise, string[]? languages = null, int capacity = 3, int assigned = 0) =>
        (id, new MentorDetails("Mentor " + id, expertise, languages ?? ["fr"], capacity), assigned);

    [Theory]
    [InlineData("التجارة الإلكترونية")]
    [InlineData("e-commerce")]
    [InlineData("vente en ligne")]
    [InlineData("WooCommerce")]
    public void Expertise_in_any_language_meets_the_startups_category_and_skills_through_the_lexicon(string expertise)
    {
        var ranked = MentorSuggestions.Rank(Shop, [Mentor("m-iot", ["IoT", "capteurs"]), Mentor("m-shop", [expertise])], 5, "en");

        Assert.Equal("m-shop", ranked[0].MentorId);
        Assert.Equal("expertise", ranked[0].Reasons[0].Factor);
        Assert.True(ranked[0].Score > ranked[1].Score);
        Assert.DoesNotContain(ranked[1].Reasons, r => r.Factor is "expertise" or "related" or "words");
    }

    [Fact]
    public void Reasons_come_in_the_callers_language_with_the_lexicons_labels()
    {
        var mentors = new[] { Mentor("m-shop", ["e-commerce"], ["fr", "ar"], capacity: 2, assigned: 1) };

        var ar = MentorSuggestions.Rank(Shop, mentors, 5, "ar")[0].Reasons;
        var fr = MentorSuggestions.Rank(Shop, mentors, 5, "fr")[0].Reasons;
        var en = MentorSuggestions.Rank(Shop, mentors, 5, "en")[0].Reasons;

        Assert.Equal("الخبرة: التجارة الإلكترونية", ar[0].Detail);
        Assert.Equal("Expertise : commerce en ligne", fr[0].Detail);
        Assert.Equal("Expertise: e-commerce", en[0].Detail);
        Assert.Equal("Parle français, arabe", fr.Single(r => r.Factor == "language").Detail);
        Assert.Equal("1 free place", en.Single(r => r.Factor == "capacity").Detail);
    }

    [Fact]
    public void A_concept_of_the_same_category_is_related_and_ranks_below_the_same_concept()
    {
        var ranked = MentorSuggestions.Rank(Shop, [Mentor("m-shopify", ["Shopify"]), Mentor("m-woo", ["WooCommerce"])], 5, "en");

        Assert.Equal(["m-woo", "m-shopify"], ranked.Select(s => s.MentorId));
        Assert.Equal("related", ranked[1].Reasons[0].Factor);
    }

    [Fact]
    public void Words_outside_the_lexicon_count_by_their_normalised_stem()
    {
        var ranked = MentorSuggestions.Rank(Shop, [Mentor("m-none", ["aéronautique"]), Mentor("m-argan", ["Coopératives d'ARGAN"])], 5, "en");

        Assert.Equal("m-argan", ranked[0].MentorId);
        var words = Assert.Single(ranked[0].Reasons, r => r.Factor == "words");
        Assert.Equal("Expertise in line with the startup's profile: Coopératives d'ARGAN", words.Detail); // as the mentor wrote it
    }

    [Fact]
    public void A_mentor_without_a_shared_language_or_a_free_place_is_left_out_and_free_places_break_ties()
    {
        var ranked = MentorSuggestions.Rank(Shop, [
            Mentor("m-en", ["e-commerce"], ["en"]),
            Mentor("m-full", ["e-commerce"], capacity: 2, assigned: 2),
            Mentor("m-busy", ["e-commerce"], capacity: 3, assigned: 2),
            Mentor("m-free", ["e-commerce"], capacity: 5),
        ], 5, "fr");

        Assert.Equal(["m-free", "m-busy"], ranked.Select(s => s.MentorId));
        Assert.Equal(5, ranked[0].FreeCapacity);
    }
}
