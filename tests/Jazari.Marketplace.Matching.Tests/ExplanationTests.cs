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
        Assert.Contains("WooCommerce", reasons["skills"]); // the product as it writes itself
        Assert.Contains("référencement (SEO)", reasons["skills"]);
        Assert.Equal("Catégorie : Boutique en ligne", reasons["category"]);
        Assert.Contains("Souss-Massa", reasons["onsite"]);
        Assert.Equal("Travaille en français", reasons["language"]);
        Assert.Contains("MAD", reasons["budget"]);
        Assert.Matches(@"^Tarifs [\d.]+\u00a0–\u00a0[\d.]+\u00a0MAD, (budget|sous le budget de) [\d.]+\u00a0–\u00a0[\d.]+\u00a0MAD$", reasons["budget"]); // a range never wraps apart
        Assert.Equal("Note 4,7 / 5 (23 avis)", reasons["reputation"]);
    }

    [Fact]
    public void The_word_language_is_no_reason_the_language_reason_says_which()
    {
        var index = new StartupIndex();
        index.Upsert(ArganWeb with { Description = "Boutiques en ligne en plusieurs langues pour coopératives, référencement et paiement à la livraison." });
        var need = Need1 with { Description = "Vendre notre huile d'argan en trois langues, avec nos coopératives et un bon référencement." };
        foreach (var language in new[] { "fr", "ar", "en" })
        {
            var text = Assert.Single(index.TopFor(need, 3, language)).Reasons.Single(r => r.Factor == "text").Detail;
            Assert.Contains("coopératives", text);
            Assert.DoesNotContain("langue", text);
        }
    }

    [Fact]
    public void A_budget_with_centimes_reads_as_the_need_shows_it()
    {
        var index = new StartupIndex();
        index.Upsert(ArganWeb);
        var need = Need1 with { BudgetMaxMinor = 4_000_050 };
        Assert.EndsWith("40.000,50\u00a0MAD", Assert.Single(index.TopFor(need, 3, "fr")).Reasons.Single(r => r.Factor == "budget").Detail);
        Assert.Contains("40.000,50", Assert.Single(index.TopFor(need, 3, "ar")).Reasons.Single(r => r.Factor == "budget").Detail);
    }

    [Fact]
    public void Reasons_in_arabic_are_written_in_arabic()
    {
        var reasons = Explain("ar").Reasons.ToDictionary(r => r.Factor, r => r.Detail);
        Assert.StartsWith("المهارات: ", reasons["skills"]);
        Assert.Contains("تحسين محركات البحث", reasons["skills"]);
        Assert.Equal("الفئة: متجر إلكتروني", reasons["category"]);
        Assert.Equal("تشتغل باللغة الفرنسية", reasons["language"]);
        Assert.Equal("مقرها في جهة سوس ماسة، يمكنها العمل في عين المكان", reasons["onsite"]); // the region by its Arabic name, not "Souss-Massa"
        Assert.Contains("درهم", reasons["budget"]);
    }

    [Fact]
    public void Reasons_in_english_and_the_biggest_factor_comes_first()
    {
        var match = Explain("en");
        Assert.Equal("skills", match.Reasons[0].Factor);
        Assert.Contains(match.Reasons, r => r.Detail == "Category: Online shop");
        Assert.Contains(match.Reasons, r => r.Detail == "Rated 4.7 / 5 (23 reviews)");
        Assert.InRange(match.Score, 0, 1);
    }

    [Fact]
    public void One_review_reads_in_the_singular_in_english()
    {
        var index = new StartupIndex();
        index.Upsert(ArganWeb with { Rating = 5, RatingCount = 1 });
        var match = Assert.Single(index.TopFor(Need1, 3, "en"));
        Assert.Contains(match.Reasons, r => r.Detail == "Rated 5.0 / 5 (1 review)");
    }

    [Theory]
    [InlineData("fr", "Besoin dans la région Souss-Massa, où vous pouvez intervenir sur site", "Rédigé en français, une de vos langues de travail", "Votre note compte : 4,7 / 5 (23 avis)", "Vos tarifs ")]
    [InlineData("ar", "الحاجة في جهة سوس ماسة، حيث يمكنكم العمل في عين المكان", "مكتوبة باللغة الفرنسية، إحدى لغات عملكم", "تقييمكم يُحتسب: 4,7 / 5، عدد التقييمات: 23", "أسعاركم ")]
    [InlineData("en", "The need is in Souss-Massa, where you can work on site", "Written in French, one of your working languages", "Your rating counts: 4.7 / 5 (23 reviews)", "Your prices ")]
    public void The_startup_reads_the_reasons_a_need_fits_it_addressed_to_itself(string language, string onsite, string written, string rating, string prices)
    {
        // The SME reads "Implantée dans la région…, peut intervenir sur site" about a startup; the startup reads the same
        // facts about the need, in the second person, never about itself in the third.
        var needs = new NeedIndex();
        needs.Upsert(Need1);
        var reasons = Assert.Single(needs.TopFor(ArganWeb, 3, language)).Reasons.ToDictionary(r => r.Factor, r => r.Detail);
        Assert.Equal(onsite, reasons["onsite"]);
        Assert.Equal(written, reasons["language"]);
        Assert.Equal(rating, reasons["reputation"]);
        Assert.StartsWith(prices, reasons["budget"]); // its own prices, beside the need's budget
    }

    [Fact]
    public void A_skill_named_in_the_needs_own_words_is_not_quoted_again_when_they_only_differ_by_a_plural()
    {
        // "site web (« sites »)" told the SME nothing: its word is the label's, in the plural.
        var startups = new StartupIndex();
        startups.Upsert(Startup("web", ["website"], ["site web"], "Création de sites vitrines."));
        var need = Need("n", "Des sites pour nos magasins", "Il nous faut des sites.", "other");
        var skills = Assert.Single(Assert.Single(startups.TopFor(need, 3, "fr")).Reasons, r => r.Factor == "skills").Detail;
        Assert.DoesNotContain("« sites »", skills);
        Assert.Contains("site", skills);
    }

    [Fact]
    public void Words_in_common_the_skills_already_say_give_no_sentence()
    {
        // Shared: "woocommerce", "boutiques" and "ligne" (of "boutique en ligne": e-commerce), "référencement" (SEO),
        // "seo": all said by the skills and the category, so no "Mots en commun : woocommerce, boutiques, ligne".
        var reasons = Explain("fr").Reasons;
        Assert.Contains(reasons, r => r.Factor == "skills" && r.Detail.Contains("WooCommerce") && r.Detail.Contains("commerce en ligne"));
        Assert.DoesNotContain(reasons, r => r.Factor == "text");
        Assert.DoesNotContain(reasons, r => r.Detail.Contains("boutiques"));
    }

    private static readonly StartupProfile Packaging = Startup("packaging", ["other"], [], "Emballages pour le safran, les dattes et l'huile d'argan.");

    private static readonly NeedProfile Boxes = Need("boxes", "Emballages pour notre safran", "Des emballages pour safran, dattes et huile d'argan.", "other");

    [Theory]
    [InlineData("fr", "Vous parlez tous les deux d'emballages, de safran et d'argan")]
    [InlineData("en", "You both mention emballages, safran and argan")]
    [InlineData("ar", "يرد في النصّين معاً: \u2068emballages\u2069، \u2068safran\u2069 و \u2068argan\u2069")]
    public void Words_outside_the_lexicon_are_said_in_a_sentence_of_the_readers_language_the_three_that_weigh_most(string language, string sentence)
    {
        var index = new StartupIndex();
        index.Upsert(Packaging);
        // The title's words weigh most ("emballages", "safran"), then the description's, by key ("argan", not "dattes").
        Assert.Equal(sentence, Assert.Single(Assert.Single(index.TopFor(Boxes, 3, language)).Reasons, r => r.Factor == "text").Detail);
    }

    [Fact]
    public void A_category_neither_side_chose_is_not_given_as_a_reason_both_ways()
    {
        // The SME wants a CRM and mentions its WordPress site; the startup sells web shops and lists WordPress. Both
        // texts imply "website", which neither chose: "Category: website" would read as a match of what they do.
        var startup = Startup("shop", ["ecommerce"], ["WordPress", "WooCommerce"], "Boutiques en ligne pour artisans.");
        var need = Need("crm", "CRM pour nos commerciaux", "Un CRM relié à notre site WordPress pour suivre les clients.", "crm");
        var startups = new StartupIndex();
        startups.Upsert(startup);
        var forSme = Assert.Single(startups.TopFor(need, 3, "en"));
        Assert.DoesNotContain(forSme.Reasons, r => r.Factor == "category");
        var needs = new NeedIndex();
        needs.Upsert(need);
        Assert.DoesNotContain(Assert.Single(needs.TopFor(startup, 3, "en")).Reasons, r => r.Factor == "category");
        // A category the SME chose, shared by the startup's skills, is one.
        var crmTool = Startup("crm-tool", ["automation"], ["CRM", "WordPress"], "Outils de gestion des clients.");
        startups.Upsert(crmTool);
        var chosen = Assert.Single(startups.TopFor(need, 3, "en"), m => m.Id == "crm-tool");
        Assert.Contains(chosen.Reasons, r => r.Detail == "Category: Customer management (CRM)");
    }

    [Fact]
    public void A_category_the_startup_chose_that_the_need_only_mentions_is_not_given_as_the_needs_category()
    {
        // A security audit whose text mentions the SME's Google reviews (digital marketing) and a marketing startup:
        // "Category: digital marketing" on the audit would read as the need's category, which the SME set to security.
        var startup = Startup("buzz", ["digital-marketing"], ["SEO", "Google reviews"], "Réputation en ligne et avis clients.");
        var need = Need("audit", "Audit de sécurité avant l'intégration douanière", "Tester nos serveurs ; nos avis clients Google restent publics.", "cybersecurity");
        var needs = new NeedIndex();
        needs.Upsert(need);
        var forStartup = Assert.Single(needs.TopFor(startup, 3, "fr"));
        Assert.DoesNotContain(forStartup.Reasons, r => r.Factor == "category");
        var startups = new StartupIndex();
        startups.Upsert(startup);
        Assert.DoesNotContain(Assert.Single(startups.TopFor(need, 3, "fr")).Reasons, r => r.Factor == "category");
    }

    [Theory]
    [InlineData("Factures électroniques pour notre atelier", "Signature électronique des contrats clients")]
    [InlineData("فواتير إلكترونية للورشة", "توقيع إلكتروني للعقود")]
    public void Electronic_alone_is_not_a_word_in_common(string needTitle, string startupText)
    {
        // "Vous parlez tous les deux d'électroniques" / "يرد في النصّين معاً: الإلكترونية" tells an SME nothing.
        var startup = Startup("sign", ["other"], [], startupText);
        var index = new StartupIndex();
        index.Upsert(startup);
        var match = Assert.Single(index.TopFor(Need("e", needTitle, needTitle, "other"), 3, "fr"));
        Assert.DoesNotContain(match.Reasons, r => r.Factor == "text" && r.Detail.Contains("lectroni"));
        Assert.DoesNotContain(match.Reasons, r => r.Factor == "text" && r.Detail.Contains("لكترون"));
    }

    [Fact]
    public void Words_in_common_are_shown_as_the_reader_wrote_them_with_their_accents_and_arabic_letters()
    {
        // Each side reads its own spelling (the SME its need's, the startup its profile's), in lower case unless cased
        // inside: "COOPÉRATIVES" in a title is not shouted back.
        var startup = Startup("coop", ["other"], [], "Étiquettes pour coopératives, avec le CMI ; تعاونية فلاحية");
        var need = Need("labels", "Étiquettes pour nos COOPÉRATIVES", "Des étiquettes payées par CMI pour notre تعاونيّة", "other");
        var startups = new StartupIndex();
        startups.Upsert(startup);
        var forSme = Assert.Single(Assert.Single(startups.TopFor(need, 3, "fr")).Reasons, r => r.Factor == "text").Detail;
        Assert.Equal("Vous parlez tous les deux de coopératives, d'étiquettes et de \u2068تعاونيّة\u2069", forSme);
        var needs = new NeedIndex();
        needs.Upsert(need);
        var forStartup = Assert.Single(Assert.Single(needs.TopFor(startup, 3, "fr")).Reasons, r => r.Factor == "text").Detail;
        Assert.Equal("Vous parlez tous les deux de coopératives, d'étiquettes et de \u2068تعاونية\u2069", forStartup);
        Assert.DoesNotContain("cooperatives", forSme + forStartup);
    }

    [Fact]
    public void A_word_in_the_other_script_is_isolated_alone_the_sentences_quotes_stay_the_sentences()
    {
        // "متاجر (« متجر »)" isolated whole turned the French quotes and brackets around in a French sentence.
        var startup = Startup("souk", ["other"], [], "Nous créons des متاجر pour les artisans");
        var need = Need("shop", "Un متجر pour nos artisans", "Vendre en ligne", "other");
        var startups = new StartupIndex();
        startups.Upsert(startup);
        var text = Assert.Single(Assert.Single(startups.TopFor(need, 3, "fr")).Reasons, r => r.Factor == "text").Detail;
        Assert.Contains("\u2068متاجر\u2069 (« \u2068متجر\u2069 »)", text);
    }

    [Fact]
    public void At_most_three_words_in_common_are_shown_and_never_a_number_a_fragment_or_a_word_every_profile_uses()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("packaging", ["other"], [],
            "Emballages et étiquettes pour coopératives de safran et d'huile d'argan : mise en place en ligne, 2024 produits, services."));
        var need = Need("labels", "Étiquettes pour notre huile d'argan",
            "Mise en place de nouvelles étiquettes et emballages en 2024 pour nos produits de coopératives : safran, huile d'argan, services en ligne.", "other");
        foreach (var (language, start, join) in new[] { ("fr", "Vous parlez tous les deux ", " et "), ("en", "You both mention ", " and "), ("ar", "يرد في النصّين معاً: ", " و") })
        {
            var text = Assert.Single(Assert.Single(index.TopFor(need, 3, language)).Reasons, r => r.Factor == "text").Detail;
            Assert.StartsWith(start, text);
            var words = text[start.Length..].Split(new[] { ", ", "، ", join }, StringSplitOptions.None);
            Assert.Equal(3, words.Length); // six words tell something; the three that weigh most (the title's) are shown
            Assert.Contains("argan", text);
            Assert.Contains("huile", text);
            foreach (var noise in new[] { "2024", "place", "mise", "ligne", "produits", "services" })
            {
                Assert.DoesNotContain(noise, text);
            }
        }
    }

    [Fact]
    public void Words_that_only_repeat_the_skills_and_the_category_named_give_no_sentence()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("woo", ["ecommerce"], ["WooCommerce"], "WooCommerce, commerce en ligne."));
        var match = Assert.Single(index.TopFor(Need("shop", "WooCommerce", "Commerce en ligne avec WooCommerce.", "ecommerce"), 3, "fr"));
        Assert.Contains(match.Reasons, r => r.Factor == "skills");
        Assert.DoesNotContain(match.Reasons, r => r.Factor == "text");
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
                if (match.Reasons.FirstOrDefault(r => r.Factor == "text") is { } text)
                {
                    Assert.DoesNotMatch(@"\d", text.Detail); // never a number among the words in common
                }
                if (language == "ar")
                {
                    Assert.All(match.Reasons, r => Assert.Matches(@"\p{IsArabic}", r.Detail));
                }
            }
        }
    }
}
