using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Matching.Tests;

/// <summary>Short constructors for test profiles. Prices and budgets are given in whole dirhams.</summary>
internal static class Build
{
    public const string Casablanca = "Casablanca-Settat";
    public const string Rabat = "Rabat-Sale-Kenitra";
    public const string Souss = "Souss-Massa";
    public const string Marrakech = "Marrakech-Safi";
    public const string Fes = "Fes-Meknes";
    public const string Tanger = "Tanger-Tetouan-Al Hoceima";
    public const string Oriental = "Oriental";

    public static StartupProfile Startup(
        string id,
        string[] categories,
        string[] skills,
        string description,
        string region = Casablanca,
        string[]? served = null,
        string[]? languages = null,
        long priceMin = 10_000,
        long priceMax = 100_000,
        int capacity = 3,
        int active = 0,
        double rating = 4.5,
        int ratingCount = 10,
        string? name = null) =>
        new(id, name ?? id, region, categories, skills, description, languages ?? ["ar", "fr", "en"],
            priceMin * 100, priceMax * 100, served ?? ["*"], capacity, active, rating, ratingCount);

    public static NeedProfile Need(
        string id,
        string title,
        string description,
        string category,
        string[]? skills = null,
        long budgetMin = 10_000,
        long budgetMax = 80_000,
        string region = Casablanca,
        bool remoteOk = true,
        string language = "fr") =>
        new(id, title, description, category, skills ?? [], budgetMin * 100, budgetMax * 100, region, remoteOk, language);

    /// <summary>The hard constraints, written again independently of the engine.</summary>
    public static bool CanTake(StartupProfile s, NeedProfile n) =>
        (s.RegionsServed.Contains("*") || s.RegionsServed.Contains(n.Region))
        && s.PriceMinMinor <= n.BudgetMaxMinor
        && s.ActiveProjects < s.Capacity;
}
