using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;

namespace Jazari.Marketplace.Web.Pages.ExpertReviews;

/// <summary>The open expert opinions the reader acts on: managers and admins assign a mentor, a mentor answers.</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class IndexModel(IGrainFactory grains, Text text, ExpertReviewCommands reviews) : MarketplacePage(grains, text)
{
    public IReadOnlyList<ExpertReviewResponse> Open { get; private set; } = [];

    public async Task OnGetAsync() => Open = await reviews.QueueAsync(Me);
}
