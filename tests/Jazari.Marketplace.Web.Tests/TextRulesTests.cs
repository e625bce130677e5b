using Jazari.Marketplace.Web.Application;
using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// Single-line fields (names, titles) refuse control characters, new lines included (and the line and paragraph
/// separators), bidi overrides and isolates, non-characters, unpaired surrogates and invisible characters; multi-line
/// fields (descriptions, proposals, messages) allow new lines and tabs, and invisible characters.
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed class TextRulesTests(MarketplaceHost host)
{
    public static TheoryData<string> Refused => new()
    {
        "Atlas\nBcc: victim@example.ma", "Atlas\rX", "Atlas\tX", "Atlas\u0000", "Atlas\u001b[31m", "Atlas\u007f", "Atlas\u0085X",
        "Atlas\u202Egnp.exe", "Atlas\u202A", "Atlas\u2066x\u2069", "Atlas\u2068", "Atlas\uFDD0", "Atlas\uFDEF", "Atlas\uFFFE",
        "Atlas\uFFFF", "Atlas\U0001FFFE", "Atlas\U0010FFFF", "Atlas\u2028Bcc", "Atlas\u2029X",
    };

    /// <summary>Invisible characters: a name "At\u200Blas" would pass for "Atlas".</summary>
    public static TheoryData<string> Invisible => new()
    {
        "At\u200Blas", "\uFEFFAtlas", "At\u2060las", "At\u00ADlas", "Atlas\u3164", "At\u180Elas", "At\u2063las",
        // Tags (U+E0041: an invisible "A"), the grapheme joiner, deprecated format controls, annotation marks, Khmer and
        // Egyptian format characters: "Ad\U000E006Dmin Jazari" passed for "Admin Jazari".
        "Ad\U000E006Dmin", "Atlas\U000E0020", "At\u034Flas", "At\u206Flas", "At\uFFF9las", "At\u17B4las", "At\U0001BCA0las",
        "At\U0001D173las", "At\U00013430las", "At\u2065las",
    };

    [Theory]
    [MemberData(nameof(Invisible))]
    public void A_name_refuses_invisible_characters_and_a_description_keeps_them(string value)
    {
        var c = new Checks();
        c.Text("name", value, 200);
        c.Text("description", value, 200, multiLine: true);
        Assert.Equal(["name"], c.Errors().Keys);
        Assert.Equal("Invisible characters are not allowed.", c.Errors()["name"].Single());
    }

    [Fact]
    public void Unpaired_surrogates_are_refused_in_both_kinds_and_pairs_pass()
    {
        // Built here: a theory's data would reach the test with the lone surrogates already replaced.
        foreach (var value in new[] { "Atlas" + (char)0xD800, "Atlas" + (char)0xDC00 + "x", (char)0xDBFF + "Atlas", "A" + (char)0xDC00 + (char)0xD800 })
        {
            var c = new Checks();
            c.Text("title", value, 200);
            c.Text("description", value, 200, multiLine: true);
            Assert.Equal(["description", "title"], c.Errors().Keys.Order());
        }
        var fine = new Checks();
        fine.Text("title", "Atlas \U0001F33F", 200);
        Assert.False(fine.Failed);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_single_line_field_refuses_the_character_and_names_the_field(string value)
    {
        var c = new Checks();
        c.Text("title", value, 200);
        Assert.Contains("title", c.Errors().Keys);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_multi_line_field_refuses_the_same_except_new_lines_and_tabs(string value)
    {
        var c = new Checks();
        c.Text("description", value, 200, multiLine: true);
        Assert.Equal(value.IndexOfAny(['\n', '\r', '\t', '\u2028', '\u2029']) >= 0, !c.Failed);
    }

    [Theory]
    [InlineData("Huilerie Zerhoun")]
    [InlineData("متجر إلكتروني — الشرق")]
    [InlineData("ⵜⴰⵎⴰⵣⵉⵖⵜ 🌿 café")]
    [InlineData("Right\u200Fmark and zero\u200Dwidth joiner")]
    [InlineData("مى\u200Cخواهم \u061Cو ❤\uFE0F")]
    [InlineData("Highland Web \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F")] // Scotland's flag: tags that show
    public void Ordinary_text_in_any_script_passes_both(string value)
    {
        var c = new Checks();
        Assert.Equal(value, c.Text("name", value, 200));
        Assert.Equal(value, c.Text("description", value + "\r\n\tsecond line", 200, multiLine: true)[..value.Length]);
        Assert.False(c.Failed);
    }

    [Fact]
    public async Task A_name_with_a_new_line_or_an_override_is_a_400_naming_the_field_and_a_description_keeps_its_lines()
    {
        var sme = await host.SignUpAsync("sme");
        foreach (var name in new[] { "Huilerie\r\nBcc: x@example.ma", "Huilerie \u202Enuohrez" })
        {
            var refused = await (await sme.Client.PostAsJsonAsync("/api/smes", new
            {
                name, sector = "food", city = "Meknes", region = "Fes-Meknes", employees = 22, languages = new[] { "fr" },
            })).Problem(HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty("name", out _), refused.ToString());
        }
        await sme.Client.CreateAsync("/api/smes", Api.Sme());

        var title = await (await sme.Client.PostAsJsonAsync("/api/needs", new
        {
            title = "Boutique\nen ligne", description = "Une petite boutique en ligne.\nPaiement par carte.\n\tLivraison au Maroc.",
            category = "ecommerce", skills = new[] { "woocommerce" }, budgetMinMad = 15000, budgetMaxMad = 40000,
            deadline = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd"), region = "Fes-Meknes", remoteOk = true, language = "fr",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["title"], title.GetProperty("errors").EnumerateObject().Select(p => p.Name));

        var created = await (await sme.Client.PostAsJsonAsync("/api/needs", new
        {
            title = "Boutique en ligne", description = "Une petite boutique en ligne.\nPaiement par carte.\n\tLivraison au Maroc.",
            category = "ecommerce", skills = new[] { "woocommerce" }, budgetMinMad = 15000, budgetMaxMad = 40000,
            deadline = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd"), region = "Fes-Meknes", remoteOk = true, language = "fr",
        })).Json(HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(created.Id()));
    }
}
