namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>A startup of the network: its offering, and its track record on the marketplace.</summary>
public interface IStartupGrain : IProfileGrain<StartupDetails>
{
    Task<TrackRecord> GetTrackRecordAsync();
    /// <summary>Sets the track record brought by an admin import.</summary>
    Task ImportTrackRecordAsync(int activeProjects, double rating, int ratingCount);
    /// <summary>Counts a project won on a need; the same need twice counts once.</summary>
    Task ProjectAwardedAsync(string needId);
}

[GenerateSerializer, Alias("jazari.startup-details")]
public sealed record StartupDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] string City,
    [property: Id(2)] string Region,
    [property: Id(3)] IReadOnlyList<string> Categories,
    [property: Id(4)] IReadOnlyList<string> Skills,
    [property: Id(5)] string Description,
    [property: Id(6)] IReadOnlyList<string> Languages,
    [property: Id(7)] long PriceMinMinor,
    [property: Id(8)] long PriceMaxMinor,
    [property: Id(9)] IReadOnlyList<string> RegionsServed,
    [property: Id(10)] int Capacity);

/// <summary>What the startup did: projects under way and its reputation. Written by the marketplace, never by the startup.</summary>
[GenerateSerializer, Alias("jazari.track-record")]
public sealed class TrackRecord
{
    [Id(0)] public int ActiveProjects { get; set; }
    [Id(1)] public double Rating { get; set; }
    [Id(2)] public int RatingCount { get; set; }
    /// <summary>The needs already counted in <see cref="ActiveProjects"/> (the most recent ones), so a retried award counts once.</summary>
    [Id(3)] public List<string> AwardedNeedIds { get; set; } = [];
}

internal sealed class StartupGrain(
    [PersistentState("startup", "marketplace")] IPersistentState<ProfileState<StartupDetails>> state,
    [PersistentState("startup-track", "marketplace")] IPersistentState<TrackRecord> track,
    TimeProvider time) : ProfileGrain<StartupDetails>(state, time), IStartupGrain
{
    private const int RememberedAwards = 200;

    protected override string Kind => "Startup";
    protected override bool IsPublic => true;

    /// <summary>Keeps the startup listed under exactly the categories it offers, with the regions it serves.</summary>
    protected override Task OnChangedAsync() => Task.WhenAll(Reference.Categories.Select(category =>
    {
        var catalogue = GrainFactory.GetGrain<IStartupCatalogueGrain>(category);
        return Profile.Details.Categories.Contains(category)
            ? catalogue.AddAsync(new ListedStartup(this.GetPrimaryKeyString(), ListedStartup.RegionMask(Profile.Details.RegionsServed)))
            : catalogue.RemoveAsync(this.GetPrimaryKeyString());
    }));

    public Task<TrackRecord> GetTrackRecordAsync() => Task.FromResult(track.State);

    public async Task ImportTrackRecordAsync(int activeProjects, double rating, int ratingCount)
    {
        track.State.ActiveProjects = activeProjects;
        track.State.Rating = rating;
        track.State.RatingCount = ratingCount;
        await track.SaveAsync();
    }

    public async Task ProjectAwardedAsync(string needId)
    {
        if (track.State.AwardedNeedIds.Contains(needId)) return;
        track.State.AwardedNeedIds.Add(needId);
        if (track.State.AwardedNeedIds.Count > RememberedAwards) track.State.AwardedNeedIds.RemoveAt(0);
        track.State.ActiveProjects++;
        await track.SaveAsync();
    }
}
