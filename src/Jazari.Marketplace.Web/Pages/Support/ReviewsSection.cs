using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>What the reviews partial shows on a need's page: the reviews the caller may see, whether they may still write
/// theirs, and the page's refusal of a field of the review sent (<see cref="MarketplacePage.ErrorFor"/>).</summary>
public sealed record ReviewsSection(NeedReviewsView? View, bool CanWrite, string Action, Func<string, string?> ErrorFor)
{
    public static async Task<ReviewsSection> LoadAsync(IGrainFactory grains, string needId, Caller caller, string action, Func<string, string?> errorFor)
    {
        try
        {
            var view = await grains.GetGrain<INeedReviewsGrain>(needId).ListAsync(caller);
            var mine = caller.Role == Roles.Sme ? ReviewAuthor.Sme : ReviewAuthor.Startup;
            return new(view, view.RevealedAt is null && view.Reviews.All(r => r.Author != mine), action, errorFor);
        }
        catch (MarketplaceException)
        {
            return new(null, false, action, errorFor); // not awarded yet, or not a party
        }
    }
}
