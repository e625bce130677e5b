using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>A startup of the network: its offering, and its track record on the marketplace.</summary>
public interface IStartupGrain : IProfileGrain<StartupDetails>
{
    Task<TrackRecord> GetTrackRecordAsync();
    /// <summary>Sets the track record brought by an admin import.</summary>
    Task ImportTrackRecordAsync(int activeProjects, double rating, int ratingCount);
    /// <summary>Counts a project won on a need; the same need twice counts once.</summary>
    Task ProjectAwardedAsync(string needId);
    /// <summary>The engagement of a need it won ended (completed or cancelled): one project less under way, once.</summary>
    Task ProjectEndedAsync(string needId);
    /// <summary>The needs this startup won, the newest first (at most <paramref name="take"/>, of the last 200 awards).</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> GetProjectIdsAsync(int take);
    /// <summary>A review of this startup was revealed: it counts in <see cref="TrackRecord.Rating"/>; the same review twice counts once.</summary>
    Task ReviewRevealedAsync(string reviewId, double stars);
    /// <summary>A counted review was hidden by an admin: it no longer counts; a review never counted changes nothing.</summary>
    Task ReviewHiddenAsync(string reviewId, double stars);
    /// <summary>What matching reads of this startup; null when there is no profile. Interleaves, so a
    /// matchmaking shard being activated by this startup's own update can read it.</summary>
    [AlwaysInterleave]
    Task<StartupCard?> GetCardAsync();
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
    [property: Id(10)] int Capacity,
    /// <summary>The company's Identifiant Commun de l'Entreprise (15 digits), printed on its receipts.</summary>
    [property: Id(11)] string? Ice = null)
{
    /// <summary>Work the startup shows on its public page (at most <see cref="MaxPortfolio"/>); null in profiles stored before portfolios.</summary>
    [Id(12)] public IReadOnlyList<PortfolioItem>? PortfolioItems { get; init; }

    public const int MaxPortfolio = 6;

    public IReadOnlyList<PortfolioItem> Portfolio => PortfolioItems ?? [];
}

/// <summary>One piece of work a startup shows: its title, an https address where it can be seen, and its year.</summary>
[GenerateSerializer, Alias("jazari.portfolio-item")]
public sealed record PortfolioItem([property: Id(0)] string Title, [property: Id(1)] string Url, [property: Id(2)] int Year);

/// <summary>What the startup did: projects under way and its reputation. Written by the marketplace, never by the startup.</summary>
[GenerateSerializer, Alias("jazari.track-record")]
public sealed class TrackRecord
{
    [Id(0)] public int ActiveProjects { get; set; }
    [Id(1)] public double Rating { get; set; }
    [Id(2)] public int RatingCount { get; set; }
    /// <summary>The needs already counted in <see cref="ActiveProjects"/> (the most recent ones), so a retried award counts once.</summary>
    [Id(3)] public List<string> AwardedNeedIds { get; set; } = [];
    /// <summary>The matchmaking shards this startup is indexed in.</summary>
    [Id(4)] public List<string> MatchShards { get; set; } = [];
    /// <summary>The reviews counted in <see cref="Rating"/> (the most recent ones), so a retried reveal counts once.</summary>
    [Id(5)] public List<string> CountedReviewIds { get; set; } = [];
    /// <summary>Reviews taken out of <see cref="Rating"/> after being hidden (the most recent ones), so a retried hide subtracts once.</summary>
    [Id(6)] public List<string> UncountedReviewIds { get; set; } = [];
    /// <summary>The needs whose engagement ended, taken out of <see cref="ActiveProjects"/> (the most recent ones), so a retried end counts once.</summary>
    [Id(7)] public List<string> EndedNeedIds { get; set; } = [];
    /// <summary>The needs won before ended projects were counted out were looked at once (see <see cref="StartupGrain"/>'s activation).</summary>
    [Id(8)] public bool EndsReconciled { get; set; }
}

internal sealed class StartupGrain(
    [PersistentState("startup", "marketplace")] IPersistentState<ProfileState<StartupDetails>> state,
    [PersistentState("startup-track", "marketplace")] IPersistentState<TrackRecord> track,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : ProfileGrain<StartupDetails>(state, time), IStartupGrain
{
    private const int RememberedAwards = 200;
    public const int RememberedReviews = 500;

    protected override string Kind => "Startup";
    protected override bool IsPublic => true;

    protected override StartupDetails Anonymised(StartupDetails details, string pseudonym) =>
        details with { Name = pseudonym, Description = "", Skills = Array.Empty<string>(), Capacity = 0, PortfolioItems = null };

    /// <summary>
    /// A record kept before an ended engagement took its project out of <see cref="TrackRecord.ActiveProjects"/>: the needs
    /// it won whose engagement is over are counted out once, so a startup that filled its capacity is matched again.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        var t = track.State;
        if (t.EndsReconciled || t.AwardedNeedIds.Count == 0) return;
        var won = t.AwardedNeedIds.Except(t.EndedNeedIds).ToList();
        var needs = await Task.WhenAll(won.Select(id => grains.GetGrain<INeedGrain>(id).GetListingAsync()));
        var before = t.ActiveProjects;
        foreach (var (needId, need) in won.Zip(needs))
            if (need?.Status is NeedStatus.Completed or NeedStatus.Cancelled) CountOut(needId);
        t.EndsReconciled = true;
        await track.SaveAsync();
        // The shards read the card back from this grain, which answers once active: they are told by a timer, right after.
        if (t.ActiveProjects != before) this.RegisterGrainTimer(_ => OnChangedAsync(), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>An erased startup leaves matching altogether.</summary>
    protected override async Task OnErasedAsync()
    {
        var id = this.GetPrimaryKeyString();
        await Task.WhenAll(track.State.MatchShards.Select(shard => grains.GetGrain<IStartupMatchmakingGrain>(shard).RemoveAsync(id)));
        if (track.State.MatchShards.Count > 0)
        {
            track.State.MatchShards = [];
            await track.SaveAsync();
        }
    }

    /// <summary>Keeps the startup listed under exactly the categories it offers, with the regions it serves.</summary>
    public Task<TrackRecord> GetTrackRecordAsync() => Task.FromResult(track.State);

    public async Task ImportTrackRecordAsync(int activeProjects, double rating, int ratingCount)
    {
        // Taken over since its details were imported: its record is now what it does here.
        if (Profile.OwnerAccountId is not null)
            throw MarketplaceException.Conflict("The profile belongs to an account on the marketplace; an import cannot change it.");
        track.State.ActiveProjects = activeProjects;
        track.State.Rating = rating;
        track.State.RatingCount = ratingCount;
        await track.SaveAsync();
        await OnChangedAsync();
    }

    public Task<IReadOnlyList<string>> GetProjectIdsAsync(int take) =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Reverse(track.State.AwardedNeedIds).Take(Math.Clamp(take, 0, RememberedAwards))]);

    public async Task ProjectAwardedAsync(string needId)
    {
        // Counted once; and not at all once its engagement ended (an award followed up after the cancellation).
        if (track.State.AwardedNeedIds.Contains(needId) || track.State.EndedNeedIds.Contains(needId)) return;
        if (track.State.AwardedNeedIds.Count == 0) track.State.EndsReconciled = true; // a first award: no older record to reconcile
        track.State.AwardedNeedIds.Add(needId);
        if (track.State.AwardedNeedIds.Count > RememberedAwards) track.State.AwardedNeedIds.RemoveAt(0);
        track.State.ActiveProjects++;
        await track.SaveAsync();
        await OnChangedAsync();
    }

    public async Task ProjectEndedAsync(string needId)
    {
        var t = track.State;
        if (t.EndedNeedIds.Contains(needId)) return;
        if (t.AwardedNeedIds.Contains(needId)) CountOut(needId);
        else t.EndedNeedIds.Add(needId); // its award is still to be followed up: it will not count then
        if (t.EndedNeedIds.Count > RememberedAwards) t.EndedNeedIds.RemoveAt(0);
        await track.SaveAsync();
        await OnChangedAsync(); // free again: back in matching when it was full
    }

    private void CountOut(string needId)
    {
        var t = track.State;
        t.EndedNeedIds.Add(needId);
        t.ActiveProjects = Math.Max(0, t.ActiveProjects - 1);
    }

    public async Task ReviewRevealedAsync(string reviewId, double stars)
    {
        if (stars is < 1 or > 5) throw MarketplaceException.Invalid("stars", "Must be between 1 and 5.");
        var t = track.State;
        if (t.CountedReviewIds.Contains(reviewId) || t.UncountedReviewIds.Contains(reviewId)) return;
        t.Rating = Math.Round((t.Rating * t.RatingCount + stars) / (t.RatingCount + 1), 3);
        t.RatingCount++;
        Remember(t.CountedReviewIds, reviewId);
        await track.SaveAsync();
        await OnChangedAsync();
    }

    public async Task ReviewHiddenAsync(string reviewId, double stars)
    {
        var t = track.State;
        if (t.UncountedReviewIds.Contains(reviewId)) return;
        var counted = t.CountedReviewIds.Remove(reviewId);
        Remember(t.UncountedReviewIds, reviewId);
        if (counted)
        {
            t.Rating = t.RatingCount <= 1 ? 0 : Math.Clamp(Math.Round((t.Rating * t.RatingCount - stars) / (t.RatingCount - 1), 3), 0, 5);
            t.RatingCount = Math.Max(0, t.RatingCount - 1);
        }
        await track.SaveAsync();
        if (counted) await OnChangedAsync();
    }

    private static void Remember(List<string> ids, string id)
    {
        ids.Add(id);
        if (ids.Count > RememberedReviews) ids.RemoveAt(0);
    }

    public Task<StartupCard?> GetCardAsync() => Task.FromResult(Card());

    private StartupCard? Card() => Exists && !Erased
        ? new StartupCard(Profile.Details, track.State.ActiveProjects, track.State.Rating, track.State.RatingCount)
        : null;

    /// <summary>Keeps the matchmaking shards current: indexed where the profile now belongs, removed from the others.</summary>
    protected override async Task OnChangedAsync()
    {
        if (Card() is not { } card) return;
        var id = this.GetPrimaryKeyString();
        var shards = MatchCards.Shards(card.Details);
        foreach (var left in track.State.MatchShards.Except(shards))
            await grains.GetGrain<IStartupMatchmakingGrain>(left).RemoveAsync(id);
        await Task.WhenAll(shards.Select(shard => grains.GetGrain<IStartupMatchmakingGrain>(shard).UpsertAsync(id, card)));
        if (!shards.SequenceEqual(track.State.MatchShards))
        {
            track.State.MatchShards = [.. shards];
            await track.SaveAsync();
        }
    }
}
