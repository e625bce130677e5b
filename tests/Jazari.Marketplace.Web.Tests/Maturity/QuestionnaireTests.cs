using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Maturity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jazari.Marketplace.Web.Tests.Maturity;

/// <summary>The questionnaire an admin replaces without a build: a good file is taken up, a bad one refused with its
/// reasons while the previous one stays in use.</summary>
public sealed class QuestionnaireTests
{
    [Fact]
    public void The_shipped_questionnaire_has_25_questions_over_8_dimensions_in_three_languages()
    {
        var q = QuestionnaireSource.Shipped();
        Assert.Equal(8, q.Dimensions.Count);
        Assert.Equal(25, q.Questions.Count());
        Assert.Contains(q.Questions, x => x.Text["fr"].Contains("facture électronique"));
        // Every recommendation names its skills in each language (an Arabic reader's draft is not in French).
        Assert.All(q.Dimensions, d => Assert.All(Jazari.Marketplace.Grains.Reference.Languages, l => Assert.True(d.Recommendation.Skills.ContainsKey(l), $"{d.Id}: {l}")));
    }

    [Fact]
    public void A_file_written_before_skills_had_languages_still_reads_its_list_as_the_skills_for_all()
    {
        var shipped = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "Maturity", "questionnaire.json"));
        var old = System.Text.RegularExpressions.Regex.Replace(shipped, @"""skills"": \{ ""fr"": (\[[^\]]*\])[^}]*\}", @"""skills"": $1");
        Assert.DoesNotContain("\"ar\": [\"Odoo\"", old);
        var odoo = Questionnaire.Parse(old).Dimensions.Single(d => d.Recommendation.Category == "erp" && d.Recommendation.Skills.In("fr").Contains("Odoo"));
        Assert.Equal(["Odoo", "gestion de stock"], odoo.Recommendation.Skills.In("ar"));
        var none = Assert.Throws<InvalidDataException>(() => Questionnaire.Parse(shipped.Replace("\"skills\": { \"fr\": [\"Odoo\", \"gestion de stock\"]", "\"skills\": { \"fr\": []")));
        Assert.Contains("lacks the recommendation's skills", none.Message);
    }

    [Fact]
    public void A_replaced_file_is_used_and_a_bad_one_is_refused_with_its_reasons_while_the_previous_stays()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("jazari-questionnaire-").FullName, "questionnaire.json");
        var shipped = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "Maturity", "questionnaire.json"));
        File.WriteAllText(path, shipped.Replace("\"version\": \"2026-12\"", "\"version\": \"2027-01\""));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Maturity:QuestionnairePath"] = path }).Build();
        var source = new QuestionnaireSource(config, NullLogger<QuestionnaireSource>.Instance);
        Assert.Equal("2027-01", source.Current.Version);

        var bad = shipped.Replace("\"version\": \"2026-12\"", "\"version\": \"2027-02\"").Replace("\"scale\": \"frequency\"", "\"scale\": \"often\"")
            .Replace("\"category\": \"crm\"", "\"category\": \"marketing\"");
        File.WriteAllText(path, bad);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("2027-01", source.Current.Version); // refused: the previous one stays

        var refusal = Assert.Throws<InvalidDataException>(() => Questionnaire.Parse(bad));
        Assert.Contains("question 'presence-social' names an unknown scale 'often'", refusal.Message);
        Assert.Contains("dimension 'customers' recommends an unknown category 'marketing'", refusal.Message);
        Assert.Throws<InvalidDataException>(() => Questionnaire.Parse("{ \"version\": 1 "));
    }
}
