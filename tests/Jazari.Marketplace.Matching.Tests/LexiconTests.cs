using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Matching.Tests;

public class LexiconTests
{
    private static IEnumerable<string> ConceptsIn(string text) =>
        TextAnalyzer.Analyze(text, Lexicon.Default).Concepts.Select(c => c.Key);

    [Theory]
    [InlineData("Nous voulons une boutique en ligne", "ecommerce")]
    [InlineData("نحتاج متجر إلكتروني لبيع الزرابي", "ecommerce")]
    [InlineData("We need an online shop for our cooperative", "ecommerce")]
    [InlineData("الفوترة الإلكترونية للشركة", "e-invoicing")]
    [InlineData("Mise en place de la facturation électronique", "e-invoicing")]
    [InlineData("e-invoicing for a distributor", "e-invoicing")]
    [InlineData("روبوت محادثة بالدارجة", "darija")]
    [InlineData("un chatbot qui parle darija", "darija")]
    [InlineData("Audit de sécurité du réseau", "security-audit")]
    [InlineData("اختبار الاختراق", "pentest")]
    [InlineData("penetration testing of our app", "pentest")]
    [InlineData("Gestion des réseaux sociaux", "social-media")]
    [InlineData("capteurs pour l'irrigation intelligente", "smart-irrigation")]
    [InlineData("الري بالتنقيط الذكي", "smart-irrigation")]
    public void Phrases_of_the_three_languages_map_to_one_canonical_skill_or_category(string text, string concept) =>
        Assert.Contains(concept, ConceptsIn(text));

    [Fact]
    public void The_longest_phrase_wins_over_a_shorter_one_inside_it()
    {
        // "réseaux sociaux" is social media, not the network security of "réseau".
        var concepts = ConceptsIn("présence sur les réseaux sociaux").ToList();
        Assert.Contains("social-media", concepts);
        Assert.DoesNotContain("firewall-network", concepts);
    }

    [Theory]
    [InlineData("Intégrer le paiement sur notre boutique", "fintech-payments", "payroll-hr")]
    [InlineData("Suivi des paiements de nos clients", "fintech-payments", "payroll-hr")]
    [InlineData("Logiciel de paie pour 40 salariés", "payroll-hr", "fintech-payments")]
    [InlineData("Nos fiches de paie sont faites à la main", "payroll-hr", "fintech-payments")]
    public void Words_that_share_a_stem_go_to_the_concept_spelt_closest(string text, string concept, string not)
    {
        // "paiement" and "paie" both stem to "pai": a payment is not payroll.
        var concepts = ConceptsIn(text).ToList();
        Assert.Contains(concept, concepts);
        Assert.DoesNotContain(not, concepts);
    }

    [Theory]
    [InlineData("متجر إلكتروني لزيت الأركان مع توصيل أسبوعي")]
    [InlineData("تقرير المبيعات الأسبوعي")]
    public void A_week_in_arabic_is_not_the_esp32_board_read_as_arabizi(string text)
    {
        // "esp32" read as Arabizi (3 = ع) has the skeleton of أسبوع: an argan oil shop was matched with an IoT startup.
        Assert.DoesNotContain("sensors", ConceptsIn(text));
        Assert.Contains("sensors", ConceptsIn("capteurs esp32 pour nos serres"));
    }

    [Fact]
    public void Every_category_of_the_design_is_in_the_lexicon_with_skills_and_labels_in_three_languages()
    {
        string[] design = ["ecommerce", "website", "erp", "crm", "cybersecurity", "cloud", "data-ai", "automation",
            "digital-marketing", "mobile-app", "training", "iot", "fintech-payments", "other"];
        Assert.Equal(design.Order(), Lexicon.Default.CategoryKeys.Order());
        foreach (var category in design.Where(c => c != "other"))
        {
            Assert.True(Lexicon.Default.Concepts.Count(c => !c.IsCategory && c.Category == category) >= 2, category);
            var concept = Lexicon.Default.Find(category)!;
            Assert.Matches(@"\p{IsArabic}", concept.Label("ar"));
        }
    }

    [Fact]
    public void Words_the_lexicon_does_not_know_still_count_as_text()
    {
        var analyzed = TextAnalyzer.Analyze("boutique en ligne de zellige", Lexicon.Default);
        Assert.Contains(analyzed.Words, w => w.Word == "zellige");
        Assert.Contains(analyzed.Words, w => w.Word == "boutique");
    }

    [Fact]
    public void A_lexicon_loaded_from_json_extends_the_matching()
    {
        var json = """
            { "categories": [ { "key": "ecommerce", "terms": [] } ],
              "skills": [ { "key": "zellige-catalogue", "category": "ecommerce", "terms": ["zellige", "الزليج"] } ] }
            """;
        var lexicon = Lexicon.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains(TextAnalyzer.Analyze("catalogue de zelliges", lexicon).Concepts, c => c.Key == "zellige-catalogue");
        Assert.Contains(TextAnalyzer.Analyze("صور الزليج", lexicon).Concepts, c => c.Key == "zellige-catalogue");
    }
}
