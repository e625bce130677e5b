using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>
/// The rails configured here, and the money moves an engagement recorded, carried out by the follow-up job through the
/// rail of each milestone's payment method, then reported back to the grain. A move killed between the processor's
/// answer and the grain's write is carried out again with the same idempotency key (its operation id), so the money moves once.
/// </summary>
public sealed class PaymentMoves(IGrainFactory grains, IEnumerable<IPaymentRail> rails, ILogger<PaymentMoves> log)
{
    /// <summary>The rail of a method; a 409 when no rail here carries it out (Stripe not configured).</summary>
    public IPaymentRail Rail(PaymentMethod method) => rails.FirstOrDefault(r => r.Method == method)
        ?? throw MarketplaceException.Conflict(method switch
        {
            PaymentMethod.Stripe => "Card payments are not available: Stripe is not configured on this marketplace. Pay by bank transfer.",
            PaymentMethod.BankTransfer => "Bank transfers are not available on this marketplace.",
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown payment method."),
        });

    /// <summary>The rails configured here.</summary>
    public IEnumerable<IPaymentRail> Rails => rails;

    /// <summary>The rail whose payments an admin confirms by hand (bank transfers).</summary>
    public IPaymentRail ConfirmedByAdmin => rails.FirstOrDefault(r => r.Abilities.ConfirmedByAdmin)
        ?? throw MarketplaceException.Conflict("No payment method here is confirmed by an admin.");

    /// <summary>Whether a rail here takes card payments on a checkout page.</summary>
    public bool CardCheckout => rails.Any(r => r.Abilities.CardCheckout);

    /// <summary>Whether the SME is e-mailed instructions for a payment by this method (an admin confirms it when it arrives).</summary>
    public bool MailsInstructions(PaymentMethod method) => rails.FirstOrDefault(r => r.Method == method)?.Abilities.ConfirmedByAdmin == true;

    /// <summary>
    /// Carries out every pending move of the engagement, each on its own: a move that fails or waits for its
    /// beneficiary holds back no other move. The failures are returned (the caller throws once it has told the people
    /// concerned, so the job is retried), the waiting moves too (nothing retries them; their rail wakes them up).
    /// </summary>
    public async Task<Settlement> SettleAsync(string needId, CancellationToken cancellation = default)
    {
        var grain = grains.GetGrain<IEngagementGrain>(needId);
        var engagement = await grain.GetAsync(PaymentJobs.System);
        List<MoneyMove> waiting = [];
        List<Exception> failures = [];
        // The release of a milestone under an open dispute is held (a chargeback came while it waited): the resolution
        // decides. One that was under way when the dispute came (in doubt) is looked for, never made, so that the decision
        // knows whether the money went.
        foreach (var (move, milestone) in engagement.Milestones.SelectMany(m => m.PendingMoves.Select(p => (p, m)))
            .Where(x => x.m.Dispute is not { ResolvedAt: null } || x.m.ReleasesToLookUp.Contains(x.p.OperationId)).ToList())
        {
            try
            {
                // A release in doubt while a refund in Stripe waits to be booked is looked for, never made again: found, it
                // completes; not found, the refund takes its place (the follow-up's SyncAsync), and the card alone is paid.
                if (milestone.ReleasesToLookUp.Contains(move.OperationId))
                {
                    if (await Rail(move.Method).FindReleaseAsync(move, cancellation) is { } made) await grain.CompleteMoveAsync(move.OperationId, made);
                    else await grain.MoveNotMadeAsync(move.OperationId);
                    continue;
                }
                if (!await grain.StartMoveAsync(move.OperationId)) continue; // replaced meanwhile (a refund in Stripe)
                var externalId = await Rail(move.Method).MoveAsync(move, cancellation);
                await grain.CompleteMoveAsync(move.OperationId, externalId);
                log.LogInformation("Engagement {NeedId}: {Kind} of milestone {Index} done ({ExternalId})", needId, move.Kind, move.Index, externalId ?? "payout order");
            }
            catch (MoveWaitsException wait)
            {
                waiting.Add(move);
                await grain.MoveNotMadeAsync(move.OperationId);
                log.LogWarning("Engagement {NeedId}: {Kind} of milestone {Index} waits: {Reason}", needId, move.Kind, move.Index, wait.Message);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                failures.Add(failure); // a release stays in doubt: no refund in Stripe outruns it until the retry tells
                log.LogWarning(failure, "Engagement {NeedId}: {Kind} of milestone {Index} failed; retried", needId, move.Kind, move.Index);
            }
        }
        // Read once after the moves: the replaced releases to look for, and the engagement the settlement reports (the
        // follow-up reads it again after its SyncAsync, which may book more).
        engagement = await grain.GetAsync(PaymentJobs.System);
        await FindReplacedReleasesAsync(grain, engagement, cancellation);
        return new Settlement(engagement, waiting, failures);
    }

    /// <summary>
    /// A release replaced while its transfer was under way (the job died, or its answer was lost) may have gone out all the
    /// same: found at the processor, it is booked (from the platform's funds: the money went out twice, and the ledger says
    /// so); not found a day after its replacement, it is looked for no more. A failed lookup holds back nothing else.
    /// </summary>
    private async Task FindReplacedReleasesAsync(IEngagementGrain grain, EngagementView engagement, CancellationToken cancellation)
    {
        foreach (var move in engagement.Milestones.SelectMany(m => m.ReplacedReleases))
        {
            try
            {
                if (await Rail(move.Method).FindReleaseAsync(move, cancellation) is { } externalId) await grain.CompleteMoveAsync(move.OperationId, externalId);
                else await grain.ReplacedReleaseNotFoundAsync(move.OperationId);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                log.LogWarning(failure, "Engagement {NeedId}: looking up replaced release {OperationId} failed; looked up again at the next follow-up",
                    move.NeedId, move.OperationId);
            }
        }
    }
}

/// <summary>What a settlement left: the engagement as it now stands, the moves waiting for their beneficiary, the failures.</summary>
public sealed record Settlement(EngagementView Engagement, IReadOnlyList<MoneyMove> Waiting, IReadOnlyList<Exception> Failures);
