namespace Jazari.Marketplace.Grains;

/// <summary>The fixed lists of the marketplace (see DESIGN.md, "Rules of the data").</summary>
public static class Reference
{
    public const string WholeCountry = "*";
    public const string DefaultCurrency = "MAD";

    public static readonly IReadOnlyList<string> Regions =
    [
        "Tanger-Tetouan-Al Hoceima", "Oriental", "Fes-Meknes", "Rabat-Sale-Kenitra",
        "Beni Mellal-Khenifra", "Casablanca-Settat", "Marrakech-Safi", "Draa-Tafilalet",
        "Souss-Massa", "Guelmim-Oued Noun", "Laayoune-Sakia El Hamra", "Dakhla-Oued Ed-Dahab",
    ];

    public static readonly IReadOnlyList<string> Categories =
    [
        "ecommerce", "website", "erp", "crm", "cybersecurity", "cloud", "data-ai", "automation",
        "digital-marketing", "mobile-app", "training", "iot", "fintech-payments", "other",
    ];

    /// <summary>Languages people write in; zgh (Amazigh) is reserved and not accepted yet.</summary>
    public static readonly IReadOnlyList<string> Languages = ["ar", "fr", "en"];

    public static bool IsCategory(string? value) => value is not null && Categories.Contains(value);
    public static bool IsLanguage(string? value) => value is not null && Languages.Contains(value);
}
