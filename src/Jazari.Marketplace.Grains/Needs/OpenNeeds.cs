namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The open needs of one category, newest first, for startups to browse. One grain per category, so
/// browsing is spread over fourteen activations; each holds small entries and at most
/// <see cref="OpenNeedsGrain.MaxEntries"/> of them (needs expire, so the list stays bounded).
/// </summary>
public interface IOpenNeedsGrain : IGrainWithStringKey
{
    Task AddAsync(OpenNeed need);
    Task RemoveAsync(string needId);
    /// <summary>The first <paramref name="take"/> open needs (newest first) in the region, or all regions, and how many match.</summary>
    Task<OpenNeedsPage> ListAsync(string? region, int take);
}

[GenerateSerializer, Alias("jazari.open-need")]
public sealed record OpenNeed(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string Region,
    [property: Id(2)] DateTimeOffset PublishedAt);

[GenerateSerializer, Alias("jazari.open-needs-page")]
public sealed record OpenNeedsPage([property: Id(0)] IReadOnlyList<OpenNeed> Needs, [property: Id(1)] int Total);

[GenerateSerializer, Alias("jazari.open-needs-state")]
public sealed class OpenNeedsState
{
    [Id(0)] public List<OpenNeed> Needs { get; set; } = [];
}

internal sealed class OpenNeedsGrain(
    [PersistentState("open-needs", "marketplace")] IPersistentState<OpenNeedsState> state) : Grain, IOpenNeedsGrain
{
    public const int MaxEntries = 2000;

    public async Task AddAsync(OpenNeed need)
    {
        var existing = state.State.Needs.FindIndex(n => n.NeedId == need.NeedId);
        if (existing >= 0 && state.State.Needs[existing] == need) return;
        if (existing < 0 && state.State.Needs.Count >= MaxEntries)
            throw MarketplaceException.Conflict("Too many open needs in this category right now; try again later.");
        if (existing >= 0) state.State.Needs.RemoveAt(existing);
        var at = state.State.Needs.FindIndex(n => n.PublishedAt < need.PublishedAt);
        state.State.Needs.Insert(at < 0 ? state.State.Needs.Count : at, need);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string needId)
    {
        if (state.State.Needs.RemoveAll(n => n.NeedId == needId) > 0) await state.SaveAsync();
    }

    public Task<OpenNeedsPage> ListAsync(string? region, int take)
    {
        var matching = region is null ? state.State.Needs : state.State.Needs.Where(n => n.Region == region).ToList();
        return Task.FromResult(new OpenNeedsPage([.. matching.Take(take)], matching.Count));
    }
}
