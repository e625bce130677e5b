using System.Text.RegularExpressions;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>Every text of the pages exists in Arabic, French and English, and every key the pages use is there.</summary>
public sealed partial class StringsTests
{
    private readonly Strings strings = new();

    [Fact]
    public void The_three_languages_have_the_same_keys()
    {
        var english = strings.Of("en").Keys.ToHashSet();
        foreach (var language in new[] { "ar", "fr" })
        {
            var keys = strings.Of(language).Keys.ToHashSet();
            Assert.Empty(english.Except(keys));
            Assert.Empty(keys.Except(english));
            Assert.DoesNotContain(strings.Of(language), e => string.IsNullOrWhiteSpace(e.Value));
        }
    }

    [Theory]
    [InlineData("fr", "Compétences\u00A0:")]
    [InlineData("en", "Skills:")]
    [InlineData("ar", "المهارات:")]
    public void A_label_takes_the_colon_its_language_writes(string language, string label)
    {
        var text = new Text(strings);
        text.Use(language);
        Assert.Equal(label, text.Label("field.skills"));
    }

    [Fact]
    public void Every_key_the_pages_name_is_written()
    {
        var pages = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "Pages");
        var used = Directory.EnumerateFiles(pages, "*.cs*", SearchOption.AllDirectories)
            .SelectMany(f => UsedKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.NotEmpty(used);
        var missing = used.Where(key => !strings.Has("en", key)).ToList();
        Assert.True(missing.Count == 0, "Not written: " + string.Join(", ", missing));
    }

    [Fact]
    public void Refusals_of_the_api_checks_read_in_the_reader_language_with_its_numbers()
    {
        var text = new Text(strings);
        text.Use("fr");
        Assert.Equal("Au plus 200 caractères.", text.Error("At most 200 characters."));
        text.Use("ar");
        Assert.Equal("يجب أن يساوي مجموع مبالغ المراحل السعر.", text.Error("Milestone amounts must add up to the price."));
        Assert.Equal("Something new.", text.Error("Something new."));
        Assert.Equal("rtl", text.Dir);
    }

    [GeneratedRegex("""T(?:\["|\.Format\("|\.Label\(")([a-z0-9.-]+)"[\],)]""")]
    private static partial Regex UsedKey();
}
