using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The SME asks its institute for a neutral expert opinion on up to three live bids of its open need.</summary>
public sealed class ExpertReviewModel(IGrainFactory grains, Text text, NeedCommands needs, ExpertReviewCommands reviews) : MarketplacePage(grains, text)
{
    public NeedView Need { get; private set; } = null!;
    public IReadOnlyList<Bid> Live { get; private set; } = [];
    /// <summary>What the SME sent, shown back when it was refused: the bids ticked and the question typed.</summary>
    public IReadOnlyList<string> Ticked { get; private set; } = [];
    public string? Question { get; private set; }

    public async Task OnGetAsync(string id) => await LoadAsync(id);

    public async Task<IActionResult> OnPostAsync(string id, List<string>? bidIds, string? question)
    {
        (Ticked, Question) = (bidIds ?? [], question);
        ExpertReviewCreated? created = null;
        if (await TryAsync(async () => created = await reviews.RequestAsync(Me, id, new ExpertReviewInput { BidIds = bidIds?.Cast<string?>().ToList() ?? [], Question = question })))
            return Redirect($"/expert-reviews/{created!.Id}");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Need = await needs.GetAsync(Me, id);
        if (Need.SmeId != await ProfileIdAsync()) throw MarketplaceException.NotFound("Need");
        Live = [.. Need.Bids.Where(b => b.Status == BidStatus.Submitted).OrderBy(b => b.Offer.PriceMinor)];
    }
}
