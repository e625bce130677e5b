using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

/// <summary>Darija as SMEs write it, in Arabic script and in Latin script with digits, on real phrases.</summary>
public class DarijaTests
{
    [Theory]
    [InlineData("3andi")]
    [InlineData("l7sabat")]
    [InlineData("n9albo")]
    [InlineData("wa7ed")]
    [InlineData("lma3da")]
    [InlineData("ta2min")]
    public void Latin_words_with_digits_for_arabic_letters_are_arabizi(string word) => Assert.True(Darija.IsArabizi(word));

    [Theory]
    [InlineData("b2b")]
    [InlineData("4g")]
    [InlineData("iso27001")]
    [InlineData("2024")]
    [InlineData("365")]
    [InlineData("boutique")]
    public void Codes_numbers_and_plain_words_are_not_arabizi(string word) => Assert.False(Darija.IsArabizi(word));

    [Theory]
    [InlineData("3andi", "عندي")]
    [InlineData("bghina", "بغينا")]
    [InlineData("7anout", "حانوت")]
    [InlineData("wa7ed", "واحد")]
    [InlineData("kanbghiw", "كنبغيو")]
    [InlineData("n9albo", "نقلبو")]
    [InlineData("khedma", "خدمة")]
    [InlineData("ghadi", "غادي")]
    [InlineData("chi", "شي")]
    public void Arabizi_is_transliterated_to_the_arabic_spelling_of_the_same_word(string latin, string arabic) =>
        Assert.Equal(Darija.Skeleton(TextNormalizer.Normalize(arabic)), Darija.Skeleton(Darija.ToArabic(latin)));

    [Theory]
    [InlineData("l7sabat", "الحسابات")]
    [InlineData("lmochkil", "المشكل")]
    [InlineData("mochkil", "مشكيل")]
    [InlineData("sel3a", "السلعة")]
    [InlineData("lkhedma", "الخدمة")]
    [InlineData("tasyir", "التسيير")]
    [InlineData("lma3da", "المعدة")]
    [InlineData("l3arbia", "العربية")]
    [InlineData("lfla7a", "الفلاحة")]
    [InlineData("fl7anout", "فالحانوت")]
    [InlineData("zrabi", "الزرابي")]
    public void A_word_written_in_either_script_with_its_article_or_preposition_meets_on_one_skeleton(string latin, string arabic)
    {
        var fromLatin = Darija.Skeleton(Darija.ArabicStem(Darija.ToArabic(Darija.LatinCore(latin))));
        var fromArabic = Darija.Skeleton(Darija.ArabicStem(TextNormalizer.Normalize(arabic)));
        Assert.Equal(fromArabic, fromLatin);
    }

    [Theory]
    [InlineData("الأنترنيت", "الانترنيت")]
    [InlineData("الإنترنت", "الانترنت")]
    [InlineData("الڭاز", "الكاز")]
    [InlineData("l’ordinateur", "l'ordinateur")]
    public void Darija_spelling_variants_fold_to_one_form(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Theory]
    [InlineData("lcompta", "compta")]
    [InlineData("lfacturat", "facturat")]
    [InlineData("fl7anout", "7anout")]
    [InlineData("dlkhedma", "khedma")]
    [InlineData("flutter", "flutter")]
    [InlineData("logiciel", "logiciel")]
    [InlineData("blog", "blog")]
    public void A_glued_darija_article_or_preposition_is_cut_only_before_a_consonant(string word, string core) =>
        Assert.Equal(core, Darija.LatinCore(word));

    [Theory]
    [InlineData("بغيت نبيع السلعة ديالي فالأنترنيت", new[] { "نبيع", "السلعه", "فالانترنيت" })]
    [InlineData("عندنا مشكل فالحسابات", new[] { "مشكل", "فالحسابات" })]
    [InlineData("شي واحد يعاونا فالتسيير", new[] { "فالتسيير" })]
    [InlineData("bghina chi 7el l had lmochkil", new[] { "7el", "lmochkil" })]
    [InlineData("kanbghiw n9albo 3la chi wa7ed", new string[0])]
    [InlineData("3andi mahal dyal lma3da", new[] { "mahal", "lma3da" })]
    public void Darija_particles_pronouns_and_function_words_are_dropped_in_both_scripts(string text, string[] words) =>
        Assert.Equal(words, TextAnalyzer.Stems(text).Select(s => s.Word));

    [Theory]
    [InlineData("3andna mochkil f lcompta", "accounting")]
    [InlineData("bghina chi 7el l had lmochkil dyal l7sabat", "accounting")]
    [InlineData("عندنا مشكل فالحسابات", "accounting")]
    [InlineData("ndiro lfacturat b l'ordinateur", "e-invoicing")]
    [InlineData("bghit sit l restaurant dyali", "website")]
    [InlineData("شي واحد يعاونا فالتسيير", "erp")]
    [InlineData("بغيت نبيع السلعة ديالي فالأنترنيت", "ecommerce")]
    [InlineData("3andi 7anout w bghit nbi3 online", "ecommerce")]
    [InlineData("mes clients ne me trouvent pas", "seo")]
    [InlineData("les clients ma kayl9awnach f google", "seo")]
    [InlineData("on perd des commandes", "order-management")]
    [InlineData("lcommandat kaytlfo lina", "order-management")]
    [InlineData("l'ordinateur est lent", "it-support")]
    [InlineData("lpc dyali t9il bzaf", "it-support")]
    [InlineData("البيسيات ديالنا ثقال بزاف", "it-support")]
    [InlineData("vous voulez que vos clients laissent des avis", "online-reviews")]
    [InlineData("déclaration CNSS des employés", "payroll-hr")]
    [InlineData("les déclarations à la DGI", "accounting")]
    [InlineData("ICE et patente", "accounting")]
    [InlineData("je suis auto-entrepreneur", "accounting")]
    [InlineData("الضمان الاجتماعي ديال الخدامة", "payroll-hr")]
    [InlineData("bot ijaweb 3la lmessages", "chatbot")]
    public void Everyday_and_darija_words_name_the_same_concepts_as_the_trade(string text, string concept) =>
        Assert.Contains(concept, TextAnalyzer.Analyze(text, Lexicon.Default).Concepts.Select(c => c.Key));

    [Theory]
    [InlineData("Mes clients ne me trouvent pas sur Google", "fr")]
    [InlineData("We need an online shop for our cooperative", "en")]
    [InlineData("عندنا مشكل فالحسابات", "ar")]
    [InlineData("3andi mahal dyal lma3da", "ar")]
    [InlineData("bghina chi 7el l had lmochkil", "ar")]
    public void The_language_a_text_is_written_in_is_detected_whatever_was_declared(string text, string language) =>
        Assert.Equal(Languages.Bit(language), TextAnalyzer.DetectLanguages(text));

    [Fact]
    public void A_text_mixing_darija_and_french_is_detected_as_both() =>
        Assert.Equal(Languages.Bit("ar") | Languages.Bit("fr"), TextAnalyzer.DetectLanguages("bghit sit l restaurant dyali, les clients ne me trouvent pas sur google"));

    [Fact]
    public void A_word_the_lexicon_lacks_still_finds_a_startup_spelling_it_another_way()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("zellige-shop", ["ecommerce"], [], "Catalogue en ligne de zellige de Fès.", region: Fes));
        index.Upsert(Startup("carpets", ["ecommerce"], [], "نبيعو الزرابي ديال الأطلس.", region: Fes));
        var zellij = Assert.Single(index.TopFor(Need("n1", "Photos de zellij", "Des photos pour vendre du zellij", "other"), 5, "fr"));
        Assert.Equal("zellige-shop", zellij.Id);
        Assert.Contains(zellij.Reasons, r => r.Factor == "text" && r.Detail.Contains("zellige (« zellij »)"));
        var zrabi = Assert.Single(index.TopFor(Need("n2", "zrabi", "bghit chi wa7ed ysawer lia zrabi dyali", "other"), 5, "fr"));
        Assert.Equal("carpets", zrabi.Id);
    }

    [Fact]
    public void The_reasons_name_the_concept_in_the_readers_language_and_quote_the_needs_own_words()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("orders", ["ecommerce"], ["gestion des commandes"], "Suivi des commandes pour e-commerçants."));
        index.Upsert(Startup("seo", ["digital-marketing"], ["SEO"], "Référencement naturel sur Google."));
        var need = Need("n", "On perd des commandes", "On perd des commandes et mes clients ne me trouvent pas.", "other");
        var fr = index.TopFor(need, 2, "fr").ToDictionary(m => m.Id, m => m.Reasons.First(r => r.Factor == "skills").Detail);
        Assert.Equal("Maîtrise : gestion des commandes (« perd des commandes »)", fr["orders"]);
        Assert.Equal("Maîtrise : référencement (SEO) (« clients ne me trouvent »)", fr["seo"]);
        var ar = index.TopFor(need, 2, "ar").First(m => m.Id == "orders").Reasons.First(r => r.Factor == "skills").Detail;
        Assert.Equal("المهارات: تدبير الطلبيات (« \u2068perd des commandes\u2069 »)", ar);
        var en = index.TopFor(need, 2, "en").First(m => m.Id == "orders").Reasons.First(r => r.Factor == "skills").Detail;
        Assert.Equal("Skills: order management (“perd des commandes”)", en);
    }

    [Fact]
    public void The_declared_language_is_a_hint_a_startup_speaking_the_language_the_need_is_written_in_shares_it()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("arabic-only", ["erp"], ["comptabilité"], "Comptabilité pour TPE.", languages: ["ar"]));
        var need = Need("n", "lcompta", "3andna mochkil f lcompta dyal lcharika", "other", language: "fr");
        var match = Assert.Single(index.TopFor(need, 1, "fr"));
        Assert.Contains(match.Reasons, r => r.Factor == "language" && r.Detail == "Travaille en arabe");
    }

    [Theory]
    [InlineData("بغيت نبيع السلعة ديالي فالأنترنيت والخلاص عند التوصيل", "ecommerce", "cash-on-delivery")]
    [InlineData("lcompta dyalna w lfacturat", "erp", "accounting")]
    [InlineData("Mes clients ne me trouvent pas sur Google", "digital-marketing", "seo")]
    [InlineData("l'ordinateur est lent et l'imprimante ne marche plus", "cloud", "it-support")]
    public void The_need_form_can_suggest_a_category_and_skills_from_the_text(string text, string category, string skill)
    {
        var suggestion = NeedSuggestions.Suggest(text, "fr");
        Assert.Equal(category, suggestion.Category);
        Assert.Contains(suggestion.Skills, s => s.Key == skill);
    }

    [Fact]
    public void A_text_naming_nothing_is_suggested_other() =>
        Assert.Equal(new NeedSuggestion("other", []), NeedSuggestions.Suggest("bonjour", "fr"), new SuggestionComparer());

    private sealed class SuggestionComparer : IEqualityComparer<NeedSuggestion>
    {
        public bool Equals(NeedSuggestion? x, NeedSuggestion? y) => x!.Category == y!.Category && x.Skills.SequenceEqual(y.Skills);

        public int GetHashCode(NeedSuggestion obj) => obj.Category.GetHashCode(StringComparison.Ordinal);
    }
}
