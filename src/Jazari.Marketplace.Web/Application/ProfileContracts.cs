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

    public StartupDetails ToDetails(Checks c)
    {
        var min = c.Mad("priceMinMad", PriceMinMad);
        var max = c.Mad("priceMaxMad", PriceMaxMad);
        c.MinNotAboveMax("priceMinMad", min, max);
        return new(c.Text("name", Name, 200), c.Text("city", City, 100), c.OneOf("region", Region, Reference.Regions),
            c.List("categories", Categories, Reference.Categories.Count, 30, Reference.Categories, minItems: 1),
            c.List("skills", Skills, 30, 50), c.Text("description", Description, 3000, multiLine: true),
            c.List("languages", Languages, 3, 2, Reference.Languages, minItems: 1), min, max,
            c.List("regionsServed", RegionsServed, Reference.Regions.Count, 40, [Reference.WholeCountry, .. Reference.Regions], minItems: 1),
            c.Whole("capacity", Capacity, 0, 1000), c.Ice("ice", Ice));
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
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Ice)
{
    public static StartupResponse From(ProfileView<StartupDetails> p, TrackRecord track)
    {
        var d = p.Details;
        return new(p.Id, d.Name, d.City, d.Region, d.Categories, d.Skills, d.Description, d.Languages,
            d.PriceMinMinor / 100m, d.PriceMaxMinor / 100m, d.RegionsServed, d.Capacity,
            track.ActiveProjects, track.Rating, track.RatingCount, p.CreatedAt, p.UpdatedAt, d.Ice);
    }
}

public sealed record MentorResponse(string Id, string Name, IReadOnlyList<string> Expertise, IReadOnlyList<string> Languages,
    int Capacity, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MentorResponse From(ProfileView<MentorDetails> p) =>
        new(p.Id, p.Details.Name, p.Details.Expertise, p.Details.Languages, p.Details.Capacity, p.CreatedAt, p.UpdatedAt);
}
