namespace Jazari.Marketplace.Grains.Reviews;

/// <summary>Where a revealed review of a startup is kept: the need's reviews grain holds the review itself.</summary>
[GenerateSerializer, Alias("jazari.review-ref")]
public sealed record ReviewRef(
    [property: Id(0)] string ReviewId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] DateTimeOffset RevealedAt);

[GenerateSerializer, Alias("jazari.review-ref-page")]
public sealed record ReviewRefPage([property: Id(0)] int Total, [property: Id(1)] IReadOnlyList<ReviewRef> Reviews);

/// <summary>The revealed, visible reviews of one startup (keyed by startup id), newest first, for its public page.</summary>
public interface IStartupReviewsGrain : IGrainWithStringKey
{
    Task AddAsync(ReviewRef review);
    Task RemoveAsync(string reviewId);
    Task<ReviewRefPage> PageAsync(int skip, int take);
}

[GenerateSerializer, Alias("jazari.startup-reviews-state")]
public sealed class StartupReviewsState
{
    /// <summary>Oldest first; at most <see cref="StartupReviewsGrain.MaxListed"/> (the most recent ones).</summary>
    [Id(0)] public List<ReviewRef> Reviews { get; set; } = [];
}

internal sealed class StartupReviewsGrain(
    [PersistentState("startup-reviews", "marketplace")] IPersistentState<StartupReviewsState> state) : Grain, IStartupReviewsGrain
{
    /// <summary>The public page lists the most recent reviews; all of them count in the reputation.</summary>
    public const int MaxListed = 1000;

    public async Task AddAsync(ReviewRef review)
    {
        if (state.State.Reviews.Exists(r => r.ReviewId == review.ReviewId)) return;
        state.State.Reviews.Add(review);
        if (state.State.Reviews.Count > MaxListed) state.State.Reviews.RemoveAt(0);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string reviewId)
    {
        if (state.State.Reviews.RemoveAll(r => r.ReviewId == reviewId) > 0) await state.SaveAsync();
    }

    public Task<ReviewRefPage> PageAsync(int skip, int take)
    {
        var all = state.State.Reviews;
        return Task.FromResult(new ReviewRefPage(all.Count, [.. Enumerable.Reverse(all).Skip(skip).Take(take)]));
    }
}

[GenerateSerializer, Alias("jazari.reported-review")]
public sealed record ReportedReview(
    [property: Id(0)] string ReviewId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Reports,
    [property: Id(3)] DateTimeOffset LastReportedAt);

/// <summary>The reviews reported and not yet handled by an admin: one grain (key <see cref="Key"/>), bounded.</summary>
public interface IReportedReviewsGrain : IGrainWithStringKey
{
    const string Key = "all";
    Task ReportedAsync(string needId, string reviewId, DateTimeOffset at);
    Task HandledAsync(string reviewId);
    Task<IReadOnlyList<ReportedReview>> ListAsync();
}

[GenerateSerializer, Alias("jazari.reported-reviews-state")]
public sealed class ReportedReviewsState
{
    [Id(0)] public List<ReportedReview> Reviews { get; set; } = [];
}

internal sealed class ReportedReviewsGrain(
    [PersistentState("reported-reviews", "marketplace")] IPersistentState<ReportedReviewsState> state) : Grain, IReportedReviewsGrain
{
    /// <summary>Past this many waiting, the least recently reported drop out of the queue (their reports stay on the review).</summary>
    public const int MaxWaiting = 1000;

    public async Task ReportedAsync(string needId, string reviewId, DateTimeOffset at)
    {
        var list = state.State.Reviews;
        var index = list.FindIndex(r => r.ReviewId == reviewId);
        var reports = index >= 0 ? list[index].Reports + 1 : 1;
        if (index >= 0) list.RemoveAt(index);
        list.Add(new ReportedReview(reviewId, needId, reports, at));
        if (list.Count > MaxWaiting) list.RemoveAt(0);
        await state.SaveAsync();
    }

    public async Task HandledAsync(string reviewId)
    {
        if (state.State.Reviews.RemoveAll(r => r.ReviewId == reviewId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<ReportedReview>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ReportedReview>>([.. Enumerable.Reverse(state.State.Reviews)]);
}

/// <summary>Which need a review belongs to (keyed by review id), so an admin can act on a review by its id alone.</summary>
public interface IReviewLocatorGrain : IGrainWithStringKey
{
    Task SetAsync(string needId);
    Task<string?> GetNeedIdAsync();
}

[GenerateSerializer, Alias("jazari.review-locator-state")]
public sealed class ReviewLocatorState
{
    [Id(0)] public string? NeedId { get; set; }
}

internal sealed class ReviewLocatorGrain(
    [PersistentState("review-locator", "marketplace")] IPersistentState<ReviewLocatorState> state) : Grain, IReviewLocatorGrain
{
    public async Task SetAsync(string needId)
    {
        if (state.State.NeedId == needId) return;
        if (state.State.NeedId is not null) throw MarketplaceException.Conflict("Review id already taken.");
        state.State.NeedId = needId;
        await state.SaveAsync();
    }

    public Task<string?> GetNeedIdAsync() => Task.FromResult(state.State.NeedId);
}
