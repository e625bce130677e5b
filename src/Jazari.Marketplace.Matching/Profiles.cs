namespace Jazari.Marketplace.Matching;

/// <summary>A startup as matching sees it. Prices are minor units (centimes).</summary>
public sealed record StartupProfile(
    string Id,
    string Name,
    string Region,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Skills,
    string Description,
    IReadOnlyList<string> Languages,
    long PriceMinMinor,
    long PriceMaxMinor,
    IReadOnlyList<string> RegionsServed,
    int Capacity,
    int ActiveProjects,
    double Rating,
    int RatingCount);

/// <summary>An SME's need as matching sees it. Budgets are minor units (centimes).</summary>
public sealed record NeedProfile(
    string Id,
    string Title,
    string Description,
    string Category,
    IReadOnlyList<string> Skills,
    long BudgetMinMinor,
    long BudgetMaxMinor,
    string Region,
    bool RemoteOk,
    string Language);

/// <summary>One factor that counted in a match, with a short reason in the reader's language.</summary>
public sealed record MatchReason(string Factor, string Detail);

/// <summary>A ranked result: a startup (Name = startup name) or a need (Name = need title).</summary>
public sealed record Match(string Id, string Name, double Score, IReadOnlyList<MatchReason> Reasons);
