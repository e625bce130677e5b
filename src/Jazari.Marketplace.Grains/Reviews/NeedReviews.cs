using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Reviews;

/// <summary>
/// The two reviews of the work on one need (keyed by need id): the SME reviews the startup and the startup
/// reviews the SME. Double-blind: neither side sees the other's review until both are in, or until
/// <see cref="NeedReviewsGrain.RevealAfter"/> after the first one. Reviews open when the engagement completes
/// (every milestone released or refunded), or when it is cancelled after work began (a milestone was funded).
/// </summary>
public interface INeedReviewsGrain : IGrainWithStringKey
{
    /// <summary>The caller's side writes its review, once: a second one (or an edit) is a conflict; repeating the same review is a no-op.</summary>
    Task<ReviewView> WriteAsync(Caller caller, ReviewRatings ratings, string comment);
    /// <summary>The two parties see their own review and, once revealed, the other's; admins see all; anyone else gets not found.</summary>
    Task<NeedReviewsView> ListAsync(Caller caller);
    /// <summary>The reviewed side answers a revealed review, once.</summary>
    Task<ReviewView> AnswerAsync(Caller caller, string reviewId, string answer);
    /// <summary>Anyone who can see the review reports it; true when it is the caller's first report.</summary>
    Task<bool> ReportAsync(Caller caller, string reviewId);
    /// <summary>An admin hides a review with a reason: it no longer shows in public nor counts in the reputation.</summary>
    Task<ReviewView> HideAsync(Caller caller, string reviewId, string reason);
    /// <summary>A revealed, visible review for the public listing of a startup's reviews; null otherwise.</summary>
    Task<ReviewView?> GetPublicAsync(string reviewId);
    /// <summary>Reveals the reviews when they are due and finishes the reputation updates of revealed ones; for the scheduled job.</summary>
    Task<DateTimeOffset?> RevealIfDueAsync();
    /// <summary>The account was erased: the comments and answers it wrote are blanked; ratings stay (under its pseudonym). Repeating it changes nothing.</summary>
    Task EraseAuthorAsync(string accountId);
}

internal sealed class NeedReviewsGrain(
    [PersistentState("need-reviews", "marketplace")] IPersistentState<NeedReviewsState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<NeedReviewsGrain> logger) : Grain, INeedReviewsGrain
{
    public static readonly TimeSpan RevealAfter = ReviewRules.RevealAfter;
    public const int MaxReporters = ReviewRules.MaxReporters;
    public const int MaxComment = ReviewRules.MaxComment;

    private NeedReviewsState S => state.State;
    private string NeedId => this.GetPrimaryKeyString();

    public async Task<ReviewView> WriteAsync(Caller caller, ReviewRatings ratings, string comment)
    {
        if (!ratings.IsValid) throw MarketplaceException.Invalid("ratings", "Each rating must be between 1 and 5.");
        var engagement = await EngagementForAsync(caller);
        var side = SideOf(caller, engagement) ?? throw NotFound();
        await RevealWhenDueAsync();
        var existing = S.Reviews.Find(r => r.Author == side);
        if (existing is not null)
        {
            if (existing.Ratings == ratings && existing.Comment == comment) return View(existing, caller);
            throw MarketplaceException.Conflict(S.RevealedAt is null
                ? "Your review is written; it cannot be changed."
                : "The reviews are revealed; yours cannot be changed.");
        }
        if (S.RevealedAt is not null)
            throw MarketplaceException.Conflict("The reviews were revealed without yours; it is too late to write one.");
        if (await OtherErasedAsync(engagement, side))
            throw MarketplaceException.Conflict("The other party erased its account; there is nobody left to review.");
        var review = new Review(Ids.New("rev"), side, caller.AccountId, ratings, comment, time.GetUtcNow(), null, null, null, null, [], false);
        await grains.GetGrain<IReviewLocatorGrain>(review.Id).SetAsync(NeedId);
        S.Reviews.Add(review);
        if (S.Reviews.Count == 2) S.RevealedAt = review.WrittenAt;
        await state.SaveAsync();
        await CountRevealedAsync();
        return View(S.Reviews.Find(r => r.Id == review.Id)!, caller);
    }

    public async Task<NeedReviewsView> ListAsync(Caller caller)
    {
        var engagement = await EngagementForAsync(caller);
        var side = SideOf(caller, engagement);
        if (side is null && !caller.IsAdmin) throw NotFound();
        await RevealWhenDueAsync();
        var visible = S.Reviews.Where(r => caller.IsAdmin || r.Author == side || S.RevealedAt is not null);
        return new NeedReviewsView(NeedId, S.RevealedAt, RevealDueAt(), [.. visible.Select(r => View(r, caller))],
            side is { } mine && await OtherErasedAsync(engagement, mine));
    }

    /// <summary>Whether the side's counterpart erased its account (its reputation and profile are gone with it).</summary>
    private async Task<bool> OtherErasedAsync(Engagement engagement, ReviewAuthor side) =>
        (side == ReviewAuthor.Sme ? engagement.StartupAccountId : engagement.SmeAccountId) is { } other
        && (await grains.GetGrain<IAccountGrain>(other).GetAsync())?.ErasedAt is not null;

    public async Task<ReviewView> AnswerAsync(Caller caller, string reviewId, string answer)
    {
        var engagement = await EngagementForAsync(caller);
        var side = SideOf(caller, engagement);
        await RevealWhenDueAsync();
        var review = Find(reviewId);
        if (review is null || side is null || !CanSee(review, caller, side)) throw MarketplaceException.NotFound("Review");
        if (review.Author == side) throw MarketplaceException.Conflict("Only the reviewed side answers a review.");
        if (review.Answer is not null)
        {
            if (review.Answer == answer) return View(review, caller);
            throw MarketplaceException.Conflict("This review was already answered; an answer is given once.");
        }
        Replace(review with { Answer = answer, AnsweredAt = time.GetUtcNow() });
        await state.SaveAsync();
        return View(Find(reviewId)!, caller);
    }

    public async Task<bool> ReportAsync(Caller caller, string reviewId)
    {
        var engagement = state.RecordExists ? S.Engagement : null;
        var side = engagement is null ? null : SideOf(caller, engagement);
        await RevealWhenDueAsync();
        var review = Find(reviewId);
        if (review is null || !CanSee(review, caller, side)) throw MarketplaceException.NotFound("Review");
        if (review.ReportedBy.Contains(caller.AccountId)) return false;
        if (review.ReportedBy.Count >= MaxReporters) return false; // enough to be looked at; the state stays bounded
        Replace(review with { ReportedBy = [.. review.ReportedBy, caller.AccountId] });
        await state.SaveAsync();
        await grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).ReportedAsync(NeedId, reviewId, time.GetUtcNow());
        return true;
    }

    public async Task<ReviewView> HideAsync(Caller caller, string reviewId, string reason)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Review");
        var review = Find(reviewId) ?? throw MarketplaceException.NotFound("Review");
        if (review.HiddenAt is null)
        {
            review = review with { HiddenReason = reason, HiddenAt = time.GetUtcNow() };
            Replace(review);
            await state.SaveAsync();
        }
        await UncountAsync(review);
        await grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).HandledAsync(reviewId);
        return View(Find(reviewId)!, caller);
    }

    public async Task<ReviewView?> GetPublicAsync(string reviewId)
    {
        await RevealWhenDueAsync();
        var review = Find(reviewId);
        return review is null || S.RevealedAt is null || review.HiddenAt is not null ? null : View(review, null);
    }

    public async Task<DateTimeOffset?> RevealIfDueAsync()
    {
        await RevealWhenDueAsync();
        return state.RecordExists ? S.RevealedAt : null;
    }

    private async Task RevealWhenDueAsync()
    {
        if (!state.RecordExists) return;
        if (S.RevealedAt is null && RevealDueAt() is { } due && time.GetUtcNow() >= due)
        {
            S.RevealedAt = due;
            await state.SaveAsync();
        }
        await CountRevealedAsync();
    }

    /// <summary>Revealed, visible SME reviews count in the startup's reputation and KPIs and are listed under it; each step is idempotent by review id.</summary>
    private async Task CountRevealedAsync()
    {
        if (S.RevealedAt is null || S.Engagement is not { } e) return;
        foreach (var review in S.Reviews.Where(r => r.Author == ReviewAuthor.Sme && !r.Counted && r.HiddenAt is null).ToList())
        {
            try
            {
                await grains.GetGrain<Profiles.IStartupGrain>(e.StartupId).ReviewRevealedAsync(review.Id, review.Ratings.Overall);
                await grains.GetGrain<Incubation.IStartupActivityGrain>(e.StartupId).ReviewedAsync(review.Id, review.Ratings.Overall);
                await grains.GetGrain<IStartupReviewsGrain>(e.StartupId).AddAsync(new ReviewRef(review.Id, NeedId, S.RevealedAt.Value));
            }
            catch (Exception failure) when (failure is not MarketplaceException)
            {
                // The reveal is stored; the next read or the scheduled job counts it.
                logger.LogWarning(failure, "Review {ReviewId} of need {NeedId}: reputation not updated yet", review.Id, NeedId);
                return;
            }
            Replace(review with { Counted = true });
            await state.SaveAsync();
        }
    }

    private async Task UncountAsync(Review review)
    {
        if (review.Author != ReviewAuthor.Sme || S.Engagement is not { } e) return;
        await grains.GetGrain<Profiles.IStartupGrain>(e.StartupId).ReviewHiddenAsync(review.Id, review.Ratings.Overall);
        await grains.GetGrain<Incubation.IStartupActivityGrain>(e.StartupId).ReviewHiddenAsync(review.Id, review.Ratings.Overall);
        await grains.GetGrain<IStartupReviewsGrain>(e.StartupId).RemoveAsync(review.Id);
    }

    public async Task EraseAuthorAsync(string accountId)
    {
        if (!state.RecordExists || S.Engagement is not { } e) return;
        var side = SideOf(new Caller(accountId, ""), e);
        if (side is null) return;
        var changed = false;
        foreach (var review in S.Reviews.ToList())
        {
            var erased = review.Author == side ? review with { Comment = "" }
                : review.Answer is not null ? review with { Answer = "" }
                : review;
            if (erased == review) continue;
            Replace(erased);
            changed = true;
        }
        if (changed) await state.SaveAsync();
    }

    /// <summary>The parties, read from the need once it is awarded and kept: they never change after.</summary>
    private async Task<Engagement> EngagementForAsync(Caller caller)
    {
        if (state.RecordExists && S.Engagement is { } known) return known;
        var need = grains.GetGrain<INeedGrain>(NeedId);
        var view = await need.GetAsync(caller); // not found when the caller may not see the need
        var engagement = await need.GetEngagementAsync();
        if (engagement is null)
            throw MarketplaceException.Conflict($"The need is {view.Status.Name()}; reviews open once the engagement is completed (or cancelled after work began).");
        if (SideOf(caller, engagement) is null && !caller.IsAdmin) throw NotFound();
        S.Engagement = engagement;
        await state.SaveAsync();
        return engagement;
    }

    private static ReviewAuthor? SideOf(Caller caller, Engagement e) =>
        caller.AccountId == e.SmeAccountId ? ReviewAuthor.Sme
        : caller.AccountId == e.StartupAccountId ? ReviewAuthor.Startup
        : null;

    private bool CanSee(Review review, Caller caller, ReviewAuthor? side) =>
        caller.IsAdmin || review.Author == side || (S.RevealedAt is not null && (side is not null || review.HiddenAt is null));

    private DateTimeOffset? RevealDueAt() => S.Reviews.Count == 0 ? null : S.Reviews.Min(r => r.WrittenAt) + RevealAfter;

    private Review? Find(string reviewId) => state.RecordExists ? S.Reviews.Find(r => r.Id == reviewId) : null;

    private void Replace(Review review) => S.Reviews[S.Reviews.FindIndex(r => r.Id == review.Id)] = review;

    private ReviewView View(Review r, Caller? caller)
    {
        var e = S.Engagement!;
        var party = caller is not null && (caller.IsAdmin || SideOf(caller, e) is not null);
        return new ReviewView(r.Id, NeedId, r.Author, r.Author == ReviewAuthor.Sme ? e.StartupId : e.SmeId, r.Ratings, r.Comment,
            r.WrittenAt, S.RevealedAt is not null, r.Answer, r.AnsweredAt, r.HiddenAt is not null,
            party ? r.HiddenReason : null, caller?.IsAdmin == true ? r.ReportedBy.Count : 0);
    }

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Need");
}
