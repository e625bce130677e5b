using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// What the SME, the startup, admins and mediator managers do with an engagement, for the API and the pages alike.
/// Each is one call to the engagement grain, which decides who may do it, writes the change with its event and hands
/// the event to the follow-up job (money moves, need status, KPIs, payout list, e-mails, auto-release): the answer
/// shows the state just written (an approval answers <c>approved</c>; the release follows).
/// </summary>
public sealed class EngagementCommands(IGrainFactory grains, PaymentMoves moves, AuditTrail audit, IServiceProvider services)
{
    public const int MaxNote = 2000;
    public const int MaxLinks = 5;
    public const int MaxReason = 1000;

    private IEngagementGrain Engagement(string needId) => grains.GetGrain<IEngagementGrain>(needId);

    /// <summary>The SME, the awarded startup, admins and the mediator managers of its disputes; anyone else: not found.</summary>
    public async Task<EngagementResponse> GetAsync(Caller caller, string needId) =>
        EngagementResponse.From(await Engagement(needId).GetAsync(caller), caller);

    /// <summary>The SME and admins; anyone else: not found.</summary>
    public async Task<LedgerResponse> LedgerAsync(Caller caller, string needId) =>
        LedgerResponse.From(await Engagement(needId).GetLedgerAsync(caller));

    /// <summary>Whether the SME can pay by card here (a rail with a card checkout is configured).</summary>
    public bool CardCheckout => moves.CardCheckout;

    /// <summary>The payment methods offered to the SME: one per rail configured here, as the rail declares its abilities.</summary>
    public IReadOnlyList<FundingOption> FundingOptions =>
        [.. moves.Rails.Select(r => new FundingOption(r.Method.Name(), r.Abilities.CardCheckout, r.Abilities.ConfirmedByAdmin))];

    /// <summary>The SME asks to pay a milestone: bank instructions with the reference, or the card checkout page.
    /// An unknown method is a 400; a method no rail here carries out (Stripe not configured) a 409, before anything is recorded.</summary>
    public async Task<FundResponse> FundAsync(Caller caller, string needId, int index, FundInput input)
    {
        var c = new Checks();
        var method = PaymentNames.ParseMethod(input.Method);
        if (method is null) c.Error("method", "Must be one of: bank-transfer, stripe.");
        c.ThrowIfFailed();
        var rail = moves.Rail(method!.Value);
        var before = (await Engagement(needId).GetAsync(caller)).Milestone(index)?.Method;
        var request = await Engagement(needId).RequestFundingAsync(caller, index, method.Value);
        if (request.Funded)
            return new FundResponse(request.PaymentId, method.Value.Name(), 0, request.ProgrammeMinor, request.Currency,
                null, "The programme pays the whole milestone: it is funded.", null, true);
        FundingStart start;
        try
        {
            start = await rail.StartFundingAsync(request, CancellationToken.None);
        }
        catch (Exception) when (before is { } chosen && chosen != method.Value)
        {
            // The card checkout could not open: the transfer the SME chose before stays the one awaited, its instructions shown.
            await Engagement(needId).RequestFundingAsync(caller, index, chosen);
            throw;
        }
        return new FundResponse(request.PaymentId, method.Value.Name(), request.SmeMinor, request.ProgrammeMinor, request.Currency,
            start.Reference, start.Instructions, start.CheckoutUrl, false);
    }

    public async Task<EngagementResponse> DeliverAsync(Caller caller, string needId, int index, DeliverInput input)
    {
        var c = new Checks();
        var note = c.Text("note", input.Note, MaxNote, multiLine: true);
        var links = c.List("links", input.Links, MaxLinks, 300);
        for (var i = 0; i < links.Count; i++)
            if (!Uri.TryCreate(links[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) c.Error($"links[{i}]", "Must be an http(s) address.");
        c.ThrowIfFailed();
        return EngagementResponse.From(await Engagement(needId).DeliverAsync(caller, index, note, links), caller);
    }

    public async Task<EngagementResponse> ApproveAsync(Caller caller, string needId, int index) =>
        EngagementResponse.From(await Engagement(needId).ApproveAsync(caller, index), caller);

    public async Task<EngagementResponse> DisputeAsync(Caller caller, string needId, int index, DisputeInput input)
    {
        var c = new Checks();
        var reason = c.Text("reason", input.Reason, MaxReason, minLength: 10, multiLine: true);
        c.ThrowIfFailed();
        var e = await Engagement(needId).OpenDisputeAsync(caller, index, reason);
        var dispute = e.Milestones[index].Dispute!;
        // Named by the dispute and its opening: a repeat after a crash between the two writes adds the entry it lacks.
        await audit.RecordOnceAsync(caller, $"aud-opened-{dispute.Id}", dispute.OpenedAt, AuditActions.DisputeOpened, dispute.Id,
            $"need {needId} milestone {index}; mediators {string.Join(' ', dispute.MediatorInstitutes)}");
        return EngagementResponse.From(e, caller);
    }

    public async Task<EngagementResponse> CancelAsync(Caller caller, string needId) =>
        EngagementResponse.From(await Engagement(needId).CancelAsync(caller), caller);

    /// <summary>Whether <see cref="CancelAsync"/> would end the engagement for the caller now.</summary>
    public Task<bool> CanCancelAsync(Caller caller, string needId) => Engagement(needId).CanCancelAsync(caller);

    /// <summary>The SME accepts the institutes its dispute proposes as mediators (audited once).</summary>
    public async Task<EngagementResponse> AcceptMediatorsAsync(Caller caller, string disputeId)
    {
        var target = (Ids.IsValid(disputeId) ? await grains.GetGrain<IPaymentLookupGrain>(disputeId).GetAsync() : null) is { } found
            && PaymentIds.Dispute(found.NeedId, found.Index) == disputeId ? found : throw MarketplaceException.NotFound("Dispute");
        var e = await Engagement(target.NeedId).AcceptMediatorsAsync(caller, target.Index);
        var dispute = e.Milestones[target.Index].Dispute!;
        // Named by the dispute itself (the lookup also knows the milestone's payment id): one entry, however it was reached.
        await audit.RecordOnceAsync(caller, $"aud-mediators-{dispute.Id}", dispute.MediatorsAcceptedAt!.Value, AuditActions.DisputeMediatorsAccepted,
            dispute.Id, string.Join(", ", dispute.MediatorInstitutes));
        return EngagementResponse.From(e, caller);
    }

    /// <summary>An admin, or a manager of an institute the dispute names as its mediator (accepted by the SME), splits the milestone's escrow.</summary>
    public async Task<EngagementResponse> ResolveAsync(Caller caller, string disputeId, ResolveInput input)
    {
        var c = new Checks();
        if (input.ReleaseMinor is null or < 0) c.Error("releaseMinor", "Required, not negative.");
        if (input.RefundMinor is null or < 0) c.Error("refundMinor", "Required, not negative.");
        var note = c.Text("note", input.Note, MaxReason, multiLine: true);
        c.ThrowIfFailed();
        var target = (Ids.IsValid(disputeId) ? await grains.GetGrain<IPaymentLookupGrain>(disputeId).GetAsync() : null)
            ?? throw MarketplaceException.NotFound("Dispute");
        await LookUpChargebacksAsync(caller, target.NeedId);
        var e = await Engagement(target.NeedId).ResolveDisputeAsync(caller, target.Index, input.ReleaseMinor!.Value, input.RefundMinor!.Value, note);
        await audit.RecordOnceAsync(caller, $"aud-resolved-{disputeId}", e.Milestones[target.Index].Dispute!.ResolvedAt!.Value, AuditActions.DisputeResolved,
            disputeId, $"release {Payments.Money.Format(input.ReleaseMinor.Value)} {e.Currency}; refund {Payments.Money.Format(input.RefundMinor.Value)} {e.Currency}");
        return EngagementResponse.From(e, caller);
    }

    /// <summary>A chargeback whose closing never reached the marketplace (an event lost, or sent before it was followed)
    /// is looked up at Stripe when an admin decides, or opens the engagement: closed, its outcome is applied first, as its
    /// event would have. Asks Stripe nothing when no chargeback waits for its bank.</summary>
    public async Task LookUpChargebacksAsync(Caller caller, string needId, CancellationToken cancellation = default)
    {
        if (!caller.IsAdmin || services.GetService<StripeRail>() is not { } stripe) return;
        var engagement = Engagement(needId);
        foreach (var m in (await engagement.GetAsync(caller)).Milestones)
        {
            if (m is not { Dispute: { OpenedBy: "card", ResolvedAt: null, BankOutcome: null }, PaymentExternalId: { } intent } || !intent.StartsWith("pi_", StringComparison.Ordinal))
                continue;
            if (await stripe.ClosedChargebackAsync(intent, cancellation) is not { } closed) continue;
            if (closed.Inquiry) await engagement.InquiryClosedAsync(m.PaymentId, intent);
            else await engagement.ChargebackClosedAsync(m.PaymentId, intent, closed.Lost, closed.AmountMinor);
        }
    }
}
