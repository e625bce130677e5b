namespace Jazari.Marketplace.Matching;

/// <summary>The 12 official regions, as bit positions; "*" (whole country) is bit 12.</summary>
public static class Regions
{
    public const string WholeCountry = "*";
    public const int WholeCountryBit = 1 << 12;

    public static readonly IReadOnlyList<string> All =
    [
        "Tanger-Tetouan-Al Hoceima", "Oriental", "Fes-Meknes", "Rabat-Sale-Kenitra", "Beni Mellal-Khenifra",
        "Casablanca-Settat", "Marrakech-Safi", "Draa-Tafilalet", "Souss-Massa", "Guelmim-Oued Noun",
        "Laayoune-Sakia El Hamra", "Dakhla-Oued Ed-Dahab",
    ];

    /// <summary>The regions' official names in Arabic and in French, in the order of <see cref="All"/> (the codes are the English names).</summary>
    private static readonly IReadOnlyList<string> Arabic = ["طنجة تطوان الحسيمة", "الشرق", "فاس مكناس", "الرباط سلا القنيطرة", "بني ملال خنيفرة", "الدار البيضاء سطات", "مراكش آسفي", "درعة تافيلالت", "سوس ماسة", "كلميم واد نون", "العيون الساقية الحمراء", "الداخلة وادي الذهب"];

    private static readonly IReadOnlyList<string> French = ["Tanger-Tétouan-Al Hoceïma", "Oriental", "Fès-Meknès", "Rabat-Salé-Kénitra", "Béni Mellal-Khénifra", "Casablanca-Settat", "Marrakech-Safi", "Drâa-Tafilalet", "Souss-Massa", "Guelmim-Oued Noun", "Laâyoune-Sakia El Hamra", "Dakhla-Oued Ed-Dahab"];

    /// <summary>A region (<paramref name="code"/>) named in the reader's language (<paramref name="lang"/>): "فاس مكناس", "Fès-Meknès".</summary>
    public static string Name(string lang, string code) => (lang, IndexOf(code)) switch
    {
        (_, < 0) => code,
        ("ar", var i) => Arabic[i],
        ("fr", var i) => French[i],
        _ => code,
    };

    /// <summary>Position of a region in <see cref="All"/>, or -1 for an unknown one.</summary>
    public static int IndexOf(string region)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], region.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    public static int ServedMask(IReadOnlyList<string> regionsServed)
    {
        var mask = 0;
        foreach (var region in regionsServed)
        {
            if (region.Trim() == WholeCountry)
            {
                mask |= WholeCountryBit;
            }
            else if (IndexOf(region) is var i and >= 0)
            {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    public static bool Serves(int servedMask, int regionIndex) =>
        (servedMask & WholeCountryBit) != 0 || (regionIndex >= 0 && (servedMask & (1 << regionIndex)) != 0);
}
