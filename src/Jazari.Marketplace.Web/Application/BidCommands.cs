using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Web.Application;

/// <summary>Bids on needs, for the API and the pages: a startup submits and withdraws; the need's SME accepts one.</summary>
public sealed class BidCommands(IGrainFactory grains, Audit.AuditTrail audit)
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
        return await grains.GetGrain<INeedGrain>(needId).SubmitBidAsync(bidder, startupId, startup.Details.Name, offer);
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
        await audit.RecordAsync(owner, Audit.AuditActions.BidAccepted, needId, $"bid {bidId}");
        return need;
    }
}
