using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>What the reviews partial shows on a need's page: the reviews the caller may see, and whether they may still write theirs.</summary>
public sealed record ReviewsSection(NeedReviewsView? View, bool CanWrite, string Action)
{
    public static async Task<ReviewsSection> LoadAsync(IGrainFactory grains, string needId, Caller caller, string action)
    {
        try
        {
            var view = await grains.GetGrain<INeedReviewsGrain>(needId).ListAsync(caller);
            var mine = caller.Role == Roles.Sme ? ReviewAuthor.Sme : ReviewAuthor.Startup;
            return new(view, view.RevealedAt is null && view.Reviews.All(r => r.Author != mine), action);
        }
        catch (MarketplaceException)
        {
            return new(null, false, action); // not awarded yet, or not a party
        }
    }
}
