using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Amazigh (zgh) is a partial language: the pages in <see cref="Amazigh.Pages"/>, the menus and the sign-in e-mails are
/// written in Tifinagh; every other text comes in the reader's second language, with that language's plurals and formats.
/// </summary>
public sealed partial class AmazighTests
{
    private static readonly Strings Strings = new();

    /// <summary>The files of the pages written in Amazigh, and of the frame (header, menus, footer, form errors) every page shows.</summary>
    private static readonly string[] WrittenFiles =
        ["Index.cshtml", "SignUp.cshtml", "SignIn.cshtml", "Verify.cshtml", "Language.cshtml", "Shared/_Layout.cshtml", "Shared/_Nav.cshtml", "Shared/_Errors.cshtml"];

    [Fact]
    public void The_pages_in_amazigh_and_the_menus_name_only_texts_written_in_amazigh()
    {
        var pages = Path.Combine(RepoPaths.Root, "src", "Jazari.Marketplace.Web", "Pages");
        var used = WrittenFiles.SelectMany(f =>
        {
            var code = File.ReadAllText(Path.Combine(pages, f));
            return UsedKey().Matches(code).Select(m => m.Groups[1].Value).Concat(NavKey().Matches(code).Select(m => m.Value.Trim('"')));
        }).ToHashSet();
        Assert.True(used.Count > 40, $"Only {used.Count} keys found: the scan is broken.");
        // Keys built from a code: roles, their help on the sign-up page, language names.
        used.UnionWith(Jazari.Marketplace.Grains.Roles.SelfService.SelectMany(r => new[] { "role." + r, "sign-up.role-help." + r }));
        used.UnionWith(Strings.Languages.Select(l => "language." + l));
        used.UnionWith(Strings.PageLanguages.Select(l => "language.own." + l));
        var missing = used.Where(k => !Strings.Has(Amazigh.Code, k)).Order().ToList();
        Assert.True(missing.Count == 0, "Not written in Amazigh: " + string.Join(", ", missing));
    }

    [Fact]
    public void Amazigh_texts_are_in_tifinagh_for_keys_the_other_languages_have()
    {
        var texts = Strings.Of(Amazigh.Code);
        Assert.Empty(texts.Keys.Except(Strings.Of("en").Keys));
        foreach (var (key, text) in texts)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), key);
            if (key.StartsWith("language.", StringComparison.Ordinal)) continue; // language names in their own script
            Assert.True(text.Any(c => c is >= '\u2D30' and <= '\u2D7F'), $"{key} has no Tifinagh: {text}");
            Assert.False(Latin().IsMatch(text), $"{key} has Latin letters: {text}");
            Assert.False(Plurals.HasForms(text), $"{key}: CLDR gives zgh one plural form, write it without forms");
        }
    }

    [Fact]
    public void Amazigh_has_one_plural_form_and_writes_numbers_as_french_and_months_in_tifinagh()
    {
        Assert.Equal(["other"], Plurals.CategoriesOf(Amazigh.Code));
        Assert.All(new long[] { 0, 1, 2, 11, 100 }, n => Assert.Equal("other", Plurals.Category(Amazigh.Code, n)));
        var zgh = Formats.For(Amazigh.Code);
        Assert.Equal("15.000\u00a0MAD", zgh.Money(1_500_000, "MAD", "MAD"));
        Assert.Equal("4,7 / 5", zgh.Score(4.67));
        Assert.Equal("3 ⵎⴰⵕⵚ 2026", zgh.Date(new DateOnly(2026, 3, 3)));
    }

    [Fact]
    public void A_text_not_written_in_amazigh_comes_in_the_second_language_with_its_plurals()
    {
        var text = new Text(Strings);
        text.Use(Amazigh.Code, "ar", "/");
        Assert.Equal("zgh", text.Lang);
        Assert.Equal("ltr", text.Dir);
        Assert.Equal("ⴽⵛⵎ", text["nav.sign-in"]);
        Assert.Equal(Strings.Get("ar", "sme.title"), text["sme.title"]);
        Assert.Equal("عرضان", text.Count("sme.bids", 2));
        Assert.Equal("ⵓⵔ ⵉⴷⵔⵓⵙ ⵙⴳ 10 ⵏ ⵉⵙⴽⴽⵉⵍⵏ.", text.Error("At least 10 characters."));
        Assert.Equal(Strings.Get("ar", "error.Milestone amounts must add up to the price."), text.Error("Milestone amounts must add up to the price."));

        // A page not written in Amazigh: its content in the second language (formats too), the frame in Amazigh.
        text.Use(Amazigh.Code, "ar", "/startup/profile");
        Assert.Equal("ar", text.Content);
        Assert.Equal("rtl", text.ContentDir);
        Assert.Equal(Strings.Get("ar", "nav.sign-in"), text["nav.sign-in"]);
        Assert.Equal("3 مارس 2026", text.Date(new DateOnly(2026, 3, 3)));
        text.BeginFrame();
        Assert.Equal("ⴽⵛⵎ", text["nav.sign-in"]);

        // No second language chosen: French.
        text.Use(Amazigh.Code, null, "/sme");
        Assert.Equal("fr", text.Second);
        Assert.Equal("3 offres", text.Count("sme.bids", 3));
        text.Use("fr", "ar", "/sme");
        Assert.Equal("fr", text.Content);
    }

    [Fact]
    public void Sign_in_emails_are_written_in_amazigh_and_other_kinds_come_in_french()
    {
        var templates = new EmailTemplates(new());
        foreach (var kind in new[] { NotificationKinds.SignInCode, NotificationKinds.SignUpCode, NotificationKinds.AccountExists, NotificationKinds.NoAccount })
        {
            var named = templates.Placeholders(Amazigh.Code, kind);
            Assert.NotNull(named);
            Assert.Empty(named.Except(NotificationCatalogue.Supplied(kind)));
        }
        var values = new Dictionary<string, string> { ["code"] = "123456" };
        var code = templates.Render(new Notification("k", NotificationKinds.SignInCode, values, DateTimeOffset.UnixEpoch), "a@example.ma", Amazigh.Code, values, null);
        Assert.Contains("ⵓⵟⵟⵓⵏ", code.Subject);
        Assert.Contains("ⴷ: 123456", code.Text);
        Assert.Contains("<html lang=\"zgh\" dir=\"ltr\">", code.Html);
        Assert.Equal(Amazigh.Code, code.Language);

        var match = new Dictionary<string, string> { ["name"] = "Amal", ["title"] = "Site", ["category"] = "website", ["region"] = "Souss-Massa",
            ["budget"] = "15000", ["deadline"] = "2026-03-03", ["link"] = "https://jazari.ma/n", ["needsLink"] = "https://jazari.ma/s" };
        var other = templates.Render(new Notification("k", NotificationKinds.NeedMatch, match, DateTimeOffset.UnixEpoch), "a@example.ma", Amazigh.Code, match, null);
        Assert.Equal("fr", other.Language);
        Assert.Contains("3 mars 2026", other.Text);
    }

    [GeneratedRegex("""T(?:\["|\.Format\(|\.Count\(|\.Html\(")([a-z0-9.-]+)"[\],]""")]
    private static partial Regex UsedKey();

    [GeneratedRegex(@"""nav\.[a-z-]+""")]
    private static partial Regex NavKey();

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex Latin();
}
