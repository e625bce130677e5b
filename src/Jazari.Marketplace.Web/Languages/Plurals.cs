namespace Jazari.Marketplace.Web.Languages;

/// <summary>
/// CLDR's plural rules (common/supplemental/plurals.xml) for whole counts in the marketplace's three languages,
/// and the choice of a form among those written in the string files as <c>one:{0} offre|other:{0} offres</c>.
/// Arabic has six forms (zero, one, two, few, many, other), French three (one, many, other), English two.
/// CLDR has no rule for Amazigh (zgh): its root rule, one form (other); its texts are written without forms.
/// </summary>
public static class Plurals
{
    /// <summary>The categories a text with plural forms must write, per language.</summary>
    public static IReadOnlyList<string> CategoriesOf(string language) => language switch
    {
        "ar" => ["zero", "one", "two", "few", "many", "other"],
        "fr" => ["one", "many", "other"],
        Amazigh.Code => ["other"],
        _ => ["one", "other"],
    };

    /// <summary>The CLDR category of a whole number <paramref name="n"/> (i = n, v = 0, e = 0 in CLDR's operands).</summary>
    public static string Category(string language, long n)
    {
        n = Math.Abs(n);
        return language switch
        {
            // zero: n = 0; one: n = 1; two: n = 2; few: n % 100 = 3..10; many: n % 100 = 11..99
            "ar" => n switch
            {
                0 => "zero",
                1 => "one",
                2 => "two",
                _ when n % 100 is >= 3 and <= 10 => "few",
                _ when n % 100 is >= 11 and <= 99 => "many",
                _ => "other",
            },
            // one: i = 0,1; many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0
            "fr" => n is 0 or 1 ? "one" : n % 1_000_000 == 0 ? "many" : "other",
            // CLDR's root rule: no rule for zgh in plurals.xml (checked against cldr-json, 2025-12)
            Amazigh.Code => "other",
            // one: i = 1 and v = 0
            _ => n == 1 ? "one" : "other",
        };
    }

    /// <summary>True when a text is written as plural forms ("one:…|other:…").</summary>
    public static bool HasForms(string text) => text.StartsWith("one:", StringComparison.Ordinal) || text.StartsWith("zero:", StringComparison.Ordinal);

    /// <summary>The forms of a text by category: "one:{0} offre|other:{0} offres" → one, other.</summary>
    public static IReadOnlyDictionary<string, string> Forms(string text) =>
        text.Split('|').Select(f => f.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    /// <summary>The form of <paramref name="text"/> for <paramref name="n"/>, "other" when the category is not written.</summary>
    public static string Select(string text, string language, long n)
    {
        if (!HasForms(text)) return text;
        var forms = Forms(text);
        return forms.TryGetValue(Category(language, n), out var form) ? form : forms.GetValueOrDefault("other", text);
    }
}
