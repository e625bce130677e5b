using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>What the reviews partial shows on a need's page: the reviews the caller may see, whether they may still write
/// theirs, and a review the page refused: what was chosen and typed (<see cref="Typed"/>, the page's bound form) and each
/// field's refusal (<see cref="MarketplacePage.ErrorFor"/>).</summary>
public sealed record ReviewsSection(NeedReviewsView? View, bool CanWrite, string Action, ReviewInput Typed, Func<string, string?> ErrorFor)
{
    /// <summary>The side the reader writes for (its own review reads "Your review"); null for an admin.</summary>
    public ReviewAuthor? Mine { get; init; }

    /// <summary>A criterion's label for a review by <paramref name="author"/>: a startup rates its SME's need for clarity
    /// and its payments for their timeliness, where an SME rates the work's quality and its delivery's.</summary>
    public static string CriterionKey(string criterion, ReviewAuthor author) =>
        (author == ReviewAuthor.Startup ? "reviews.of-sme." : "reviews.") + criterion;

    /// <summary>The heading of a review: the reader's own, or the other side's.</summary>
    public string HeadingKey(ReviewAuthor author) =>
        author == Mine ? "reviews.yours" : author == ReviewAuthor.Sme ? "reviews.by-sme" : "reviews.by-startup";

    /// <summary>The rating chosen for a criterion ("quality", "timeliness", "communication") in the refused review.</summary>
    public int? Rating(string criterion) => criterion switch
    {
        "quality" => Typed.Quality,
        "timeliness" => Typed.Timeliness,
        "communication" => Typed.Communication,
        _ => null,
    };

    public static async Task<ReviewsSection> LoadAsync(IGrainFactory grains, string needId, Caller caller, string action, ReviewInput typed,
        Func<string, string?> errorFor)
    {
        try
        {
            var view = await grains.GetGrain<INeedReviewsGrain>(needId).ListAsync(caller);
            var mine = caller.Role == Roles.Sme ? ReviewAuthor.Sme : ReviewAuthor.Startup;
            return new(view, view.RevealedAt is null && !view.OtherErased && view.Reviews.All(r => r.Author != mine), action, typed, errorFor)
            {
                Mine = caller.Role is Roles.Sme or Roles.Startup ? mine : null,
            };
        }
        catch (MarketplaceException)
        {
            return new(null, false, action, typed, errorFor); // not awarded yet, or not a party
        }
    }
}
