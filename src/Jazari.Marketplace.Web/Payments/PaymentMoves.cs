using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>
/// Carries out the money moves an engagement recorded, through the rail of each milestone's payment method, then
/// reports each back to the grain. A move killed between the processor's answer and the grain's write is carried
/// out again with the same idempotency key (its operation id), so the money moves once.
/// </summary>
public sealed class PaymentMoves(IGrainFactory grains, IEnumerable<IPaymentRail> rails, ILogger<PaymentMoves> log)
{
    public IPaymentRail Rail(PaymentMethod method) => rails.FirstOrDefault(r => r.Method == method)
        ?? throw MarketplaceException.Conflict(method == PaymentMethod.Stripe
            ? "Card payments are not available: Stripe is not configured on this marketplace. Pay by bank transfer."
            : $"The payment method {method.Name()} is not available.");

    /// <summary>Carries out every pending move of the engagement; true when none is left.</summary>
    public async Task<EngagementState> SettleAsync(string needId, CancellationToken cancellation = default)
    {
        var grain = grains.GetGrain<IEngagementGrain>(needId);
        var engagement = await grain.GetAsync();
        foreach (var move in engagement.Milestones.SelectMany(m => m.PendingMoves).ToList())
        {
            var externalId = await Rail(move.Method).MoveAsync(move, cancellation);
            engagement = await grain.CompleteMoveAsync(move.OperationId, externalId);
            log.LogInformation("Engagement {NeedId}: {Kind} of milestone {Index} done ({ExternalId})", needId, move.Kind, move.Index, externalId ?? "payout order");
        }
        return engagement;
    }

    /// <summary>Settles now if it can; a failure is left to the follow-up job (the moves stay recorded).</summary>
    public async Task<EngagementState> TrySettleAsync(string needId)
    {
        try
        {
            return await SettleAsync(needId);
        }
        catch (Exception failure) when (failure is not MarketplaceException { Problem: Problem.NotFound })
        {
            log.LogWarning(failure, "Engagement {NeedId}: moves not carried out yet; the follow-up job retries", needId);
            return await grains.GetGrain<IEngagementGrain>(needId).GetAsync();
        }
    }
}
