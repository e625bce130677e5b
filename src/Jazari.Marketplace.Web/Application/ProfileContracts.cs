using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Web.Application;

// Request bodies: only these fields are read; anything else in the JSON sets nothing.

public record SmeInput
{
    public string? Name { get; init; }
    public string? Sector { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public int? Employees { get; init; }
    public IReadOnlyList<string?>? Languages { get; init; }
    /// <summary>Optional: the company's ICE, 15 digits (spaces are dropped).</summary>
    public string? Ice { get; init; }

    public SmeDetails ToDetails(Checks c) => new(
        c.Text("name", Name, 200), c.Text("sector", Sector, 100), c.Text("city", City, 100),
        c.OneOf("region", Region, Reference.Regions), c.Whole("employees", Employees, 0, 1_000_000),
        c.List("languages", Languages, 3, 2, Reference.Languages, minItems: 1), c.Ice("ice", Ice));
}

public record StartupInput
{
    public string? Name { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public IReadOnlyList<string?>? Categories { get; init; }
    public IReadOnlyList<string?>? Skills { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string?>? Languages { get; init; }
    public decimal? PriceMinMad { get; init; }
    public decimal? PriceMaxMad { get; init; }
    public IReadOnlyList<string?>? RegionsServed { get; init; }
    public int? Capacity { get; init; }
    /// <summary>Optional: the company's ICE, 15 digits (spaces are dropped).</summary>
    public string? Ice { get; init; }
    /// <summary>Work to show on the public page: at most <see cref="StartupDetails.MaxPortfolio"/>; omitted keeps none.</summary>
    public IReadOnlyList<PortfolioInput?>? Portfolio { get; init; }

    public StartupDetails ToDetails(Checks c)
    {
        var min = c.Mad("priceMinMad", PriceMinMad);
        var max = c.Mad("priceMaxMad", PriceMaxMad);
        c.MinNotAboveMax("priceMinMad", min, max);
        var portfolio = new List<PortfolioItem>();
        if (Portfolio is { Count: > StartupDetails.MaxPortfolio }) c.Error("portfolio", $"At most {StartupDetails.MaxPortfolio} portfolio items.");
        else foreach (var (p, i) in (Portfolio ?? []).Select((p, i) => (p ?? new PortfolioInput(), i))) portfolio.Add(p.ToItem(c, $"portfolio[{i}]."));
        var served = c.List("regionsServed", RegionsServed, Reference.Regions.Count, 40, [Reference.WholeCountry, .. Reference.Regions], minItems: 1);
        if (served.Count > 1 && served.Contains(Reference.WholeCountry)) c.Error("regionsServed", "Choose the whole country or some regions, not both.");
        return new StartupDetails(c.Text("name", Name, 200), c.Text("city", City, 100), c.OneOf("region", Region, Reference.Regions),
            c.List("categories", Categories, Reference.Categories.Count, 30, Reference.Categories, minItems: 1),
            c.List("skills", Skills, 30, 50), c.Text("description", Description, 3000, multiLine: true),
            c.List("languages", Languages, 3, 2, Reference.Languages, minItems: 1), min, max,
            served, c.Whole("capacity", Capacity, 0, 1000), c.Ice("ice", Ice)) { PortfolioItems = portfolio };
    }
}


public sealed record PortfolioInput
{
    public const int FirstYear = 1990;

    public string? Title { get; init; }
    public string? Url { get; init; }
    public int? Year { get; init; }

    /// <summary>A title, an absolute https address (no other scheme: it is a link on a public page) and a year up to this one.</summary>
    public PortfolioItem ToItem(Checks c, string prefix)
    {
        var url = c.Text(prefix + "url", Url, 300);
        if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0 && !url.Contains(' ')))
            c.Error(prefix + "url", "Must be an https:// address.");
        var year = Year ?? 0;
        if (year < FirstYear || year > DateTime.UtcNow.Year) c.Error(prefix + "year", $"Must be a year from {FirstYear} to {DateTime.UtcNow.Year}.");
        return new(c.Text(prefix + "title", Title, 100), url, year);
    }
}

public sealed record MentorInput
{
    public string? Name { get; init; }
    public IReadOnlyList<string?>? Expertise { get; init; }
    public IReadOnlyList<string?>? Languages { get; init; }
    public int? Capacity { get; init; }

    public MentorDetails ToDetails(Checks c) => new(
        c.Text("name", Name, 200), c.List("expertise", Expertise, 20, 60, minItems: 1),
        c.List("languages", Languages, 3, 2, Reference.Languages, minItems: 1), c.Whole("capacity", Capacity, 0, 100));
}

public sealed record CreatedId(string Id);

public sealed record SmeResponse(string Id, string Name, string Sector, string City, string Region, int Employees,
    IReadOnlyList<string> Languages, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Ice)
{
    public static SmeResponse From(ProfileView<SmeDetails> p) => new(p.Id, p.Details.Name, p.Details.Sector,
        p.Details.City, p.Details.Region, p.Details.Employees, p.Details.Languages, p.CreatedAt, p.UpdatedAt, p.Details.Ice);
}

public sealed record StartupResponse(string Id, string Name, string City, string Region, IReadOnlyList<string> Categories,
    IReadOnlyList<string> Skills, string Description, IReadOnlyList<string> Languages, decimal PriceMinMad, decimal PriceMaxMad,
    IReadOnlyList<string> RegionsServed, int Capacity, int ActiveProjects, double Rating, int RatingCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Ice, IReadOnlyList<PortfolioItem> Portfolio)
{
    public static StartupResponse From(ProfileView<StartupDetails> p, TrackRecord track)
    {
        var d = p.Details;
        return new(p.Id, d.Name, d.City, d.Region, d.Categories, d.Skills, d.Description, d.Languages,
            d.PriceMinMinor / 100m, d.PriceMaxMinor / 100m, d.RegionsServed, d.Capacity,
            track.ActiveProjects, track.Rating, track.RatingCount, p.CreatedAt, p.UpdatedAt, d.Ice, d.Portfolio);
    }
}

public sealed record MentorResponse(string Id, string Name, IReadOnlyList<string> Expertise, IReadOnlyList<string> Languages,
    int Capacity, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MentorResponse From(ProfileView<MentorDetails> p) =>
        new(p.Id, p.Details.Name, p.Details.Expertise, p.Details.Languages, p.Details.Capacity, p.CreatedAt, p.UpdatedAt);
}

/// <summary>A profile imported from a partner's catalogue with the caller's address as its contact: the caller may take it over.</summary>
public sealed record ListedProfileResponse(string Id, string Name, string City, string Region);
