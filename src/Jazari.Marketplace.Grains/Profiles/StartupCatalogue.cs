namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>
/// The startups offering one category, with the regions they serve: where notifications find the startups a
/// need fits until the matching engine lands. One grain per category; entries are a few dozen bytes.
/// </summary>
public interface IStartupCatalogueGrain : IGrainWithStringKey
{
    Task AddAsync(ListedStartup startup);
    Task RemoveAsync(string startupId);
    Task<IReadOnlyList<ListedStartup>> ListAsync();
}

/// <summary>A startup and the regions it serves, one bit per region of <see cref="Reference.Regions"/> (bit 12: the whole country).</summary>
[GenerateSerializer, Alias("jazari.listed-startup")]
public sealed record ListedStartup([property: Id(0)] string StartupId, [property: Id(1)] int Regions)
{
    private const int WholeCountryBit = 1 << 12;

    public bool Serves(string region) => (Regions & WholeCountryBit) != 0 || (Regions & Bit(region)) != 0;

    /// <summary>Whether it names the region itself rather than serving the whole country.</summary>
    public bool NamesRegion(string region) => (Regions & Bit(region)) != 0;

    public static int RegionMask(IEnumerable<string> regionsServed) =>
        regionsServed.Aggregate(0, (mask, r) => mask | (r == Reference.WholeCountry ? WholeCountryBit : Bit(r)));

    private static int Bit(string region) =>
        Enumerable.Range(0, Reference.Regions.Count).FirstOrDefault(i => Reference.Regions[i] == region, -1) is var i and >= 0 ? 1 << i : 0;
}

[GenerateSerializer, Alias("jazari.startup-catalogue-state")]
public sealed class StartupCatalogueState
{
    [Id(0)] public List<ListedStartup> Startups { get; set; } = [];
}

internal sealed class StartupCatalogueGrain(
    [PersistentState("startup-catalogue", "marketplace")] IPersistentState<StartupCatalogueState> state) : Grain, IStartupCatalogueGrain
{
    public const int MaxEntries = 3000;

    public async Task AddAsync(ListedStartup startup)
    {
        var existing = state.State.Startups.FindIndex(s => s.StartupId == startup.StartupId);
        if (existing >= 0 && state.State.Startups[existing] == startup) return;
        if (existing >= 0) state.State.Startups[existing] = startup;
        else if (state.State.Startups.Count >= MaxEntries)
            throw MarketplaceException.Conflict("Too many startups listed in this category; contact the marketplace team.");
        else state.State.Startups.Add(startup);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string startupId)
    {
        if (state.State.Startups.RemoveAll(s => s.StartupId == startupId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<ListedStartup>> ListAsync() => Task.FromResult<IReadOnlyList<ListedStartup>>([.. state.State.Startups]);
}
