using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Web.Application;

/// <summary>Bids on needs, for the API and the pages: a startup submits and withdraws; the need's SME accepts one.</summary>
public sealed class BidCommands(IGrainFactory grains, Audit.AuditTrail audit, NeedLimits limits)
{
    /// <summary>
    /// The caller's startup bids on a need. One write on the request: the startup's activity, its list of needs,
    /// the bidder's places and the SME's e-mail follow from the bid's event. The same bid sent again answers the same id.
    /// </summary>
    public async Task<string> SubmitAsync(Caller bidder, string needId, BidInput input)
    {
        var c = new Checks();
        var offer = input.ToOffer(c);
        c.ThrowIfFailed();
        var startupId = await grains.ProfileOfAsync(bidder, "startup");
        var startup = await grains.GetGrain<Grains.Profiles.IStartupGrain>(startupId).GetAsync(bidder);
        // The need joins the bidder's places before the bid exists, so an erasure right after finds the bid and withdraws
        // it (the bid's follow-up also writes it, later); only a need that exists and is published, not any id typed.
        var need = grains.GetGrain<INeedGrain>(needId);
        if (await need.GetListingAsync() is not null)
            await grains.GetGrain<Grains.Accounts.IAccountGrain>(bidder.AccountId).TookPartAsync(Grains.Accounts.PartyOf.Need, needId);
        var slot = await ReserveLiveBidAsync(bidder, startupId, needId);
        var liveBids = grains.GetGrain<ILiveBidsGrain>(startupId);
        string bidId;
        try
        {
            bidId = await need.SubmitBidAsync(bidder, startupId, startup.Details.Name, offer);
        }
        catch (Exception) when (slot?.Reserved == true)
        {
            await liveBids.ReleaseAsync(needId);
            throw;
        }
        if (slot?.Reserved == true) await liveBids.ConfirmAsync(needId); // counted in memory; the bid's follow-up stores it: one write on the request
        return bidId;
    }

    /// <summary>
    /// A startup has at most <see cref="NeedLimits.MaxLiveBidsPerAccount"/> live bids (submitted, on open needs) across
    /// needs; a bid on this need again (a retry) is not a new one. The slot is reserved in the startup's
    /// <see cref="ILiveBidsGrain"/>, the count's single writer, before the bid is written: of requests at the same
    /// instant with one slot left, one gets it. Only at the limit are the needs read, and the ones no longer holding a
    /// live bid forgotten (a withdrawn bid frees its slot there): a bid costs a call, not one read per need.
    /// </summary>
    private async Task<NeedSlot?> ReserveLiveBidAsync(Caller bidder, string startupId, string needId)
    {
        if (bidder.IsAdmin) return null;
        var liveBids = grains.GetGrain<ILiveBidsGrain>(startupId);
        var slot = await liveBids.ReserveAsync(needId, limits.MaxLiveBidsPerAccount);
        if (slot.Taken) return slot;
        var checkedNeeds = await Task.WhenAll(slot.Counted.Select(async id => (id, live: await HoldsLiveBidAsync(bidder, startupId, id))));
        var gone = checkedNeeds.Where(n => !n.live).Select(n => n.id).ToList();
        if (gone.Count > 0)
        {
            await liveBids.ForgetAsync(gone);
            slot = await liveBids.ReserveAsync(needId, limits.MaxLiveBidsPerAccount);
        }
        return slot.Taken ? slot
            : throw MarketplaceException.Conflict($"A startup may have at most {limits.MaxLiveBidsPerAccount} live bids at a time; withdraw one or wait for a decision before bidding again.");
    }

    private async Task<bool> HoldsLiveBidAsync(Caller bidder, string startupId, string needId)
    {
        try
        {
            var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(bidder);
            return need.Status == NeedStatus.Open && need.Bids.Any(b => b.StartupId == startupId && b.Status == BidStatus.Submitted);
        }
        catch (MarketplaceException refused) when (refused.Problem is Problem.NotFound) { return false; }
    }

    public async Task<NeedView> WithdrawAsync(Caller bidder, string needId, string bidId)
    {
        var need = grains.GetGrain<INeedGrain>(needId);
        await need.WithdrawBidAsync(bidder, bidId);
        return await need.GetAsync(bidder);
    }

    /// <summary>The SME awards the need to one bid (the others are rejected), recorded in the audit trail.</summary>
    public async Task<NeedView> AcceptAsync(Caller owner, string needId, string bidId)
    {
        var need = await grains.GetGrain<INeedGrain>(needId).AcceptBidAsync(owner, bidId);
        // Once per award, however often the request is repeated (a double click, a retry after a failure half-way).
        await audit.RecordOnceAsync(owner, $"aud-awarded-{bidId}", need.AwardedAt ?? need.CreatedAt,
            Audit.AuditActions.BidAccepted, needId, $"bid {bidId}");
        return need;
    }
}
