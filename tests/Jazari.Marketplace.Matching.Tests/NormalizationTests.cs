using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Matching.Tests;

public class NormalizationTests
{
    [Theory]
    [InlineData("أحمد", "احمد")]
    [InlineData("إدارة", "اداره")]
    [InlineData("آلة", "اله")]
    [InlineData("مستشفى", "مستشفي")]
    [InlineData("الفوترة", "الفوتره")]
    [InlineData("مُتَجَر", "متجر")]
    [InlineData("مـتـجـر", "متجر")]
    [InlineData("٢٠٢٤", "2024")]
    public void Arabic_letter_variants_harakat_and_tatweel_fold_to_one_form(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Theory]
    [InlineData("Sécurité Électronique", "securite electronique")]
    [InlineData("FAÇADE à Fès", "facade a fes")]
    [InlineData("référencement", "referencement")]
    public void French_accents_and_case_are_ignored(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Fact]
    public void Mixed_script_text_splits_where_the_script_changes()
    {
        var words = Tokenizer.Words(TextNormalizer.Normalize("Shopifyمتجر, e-commerce!"));
        Assert.Equal(["shopify", "متجر", "e", "commerce"], words);
    }

    [Theory]
    [InlineData("boutiques", "boutique")]
    [InlineData("factures", "facture")]
    [InlineData("invoices", "invoice")]
    [InlineData("متجرنا", "المتجر")]
    [InlineData("والمنتجات", "منتجات")]
    public void Light_stemming_joins_plural_article_and_suffix_forms(string a, string b) =>
        Assert.Equal(TextAnalyzer.Stems(b).Single().Stem, TextAnalyzer.Stems(a).Single().Stem);

    [Fact]
    public void Stop_words_of_each_language_are_dropped()
    {
        var words = TextAnalyzer.Stems("Nous cherchons une boutique pour the shop في المتجر").Select(s => s.Word);
        Assert.Equal(["boutique", "shop", "المتجر"], words);
    }
}
