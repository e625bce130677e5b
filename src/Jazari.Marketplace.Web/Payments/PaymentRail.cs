using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>How the SME pays a milestone: the reference to quote and what to do, or the page to pay on.</summary>
public sealed record FundingStart(string Reference, string Instructions, string? CheckoutUrl);

/// <summary>What a rail can do, declared by the rail itself (never guessed from its method's name).</summary>
/// <param name="CardCheckout">The SME pays on the processor's checkout page (a <see cref="FundingStart.CheckoutUrl"/>).</param>
/// <param name="ConfirmedByAdmin">An admin confirms each payment seen on the platform's account; the SME is e-mailed the instructions.</param>
/// <param name="ConnectedPayouts">Releases go straight to the startup's connected account; otherwise they become payout orders an admin pays.</param>
/// <param name="ProcessorRefunds">Refunds go back through the processor to the payer; otherwise they become payout orders to the SME.</param>
public sealed record RailAbilities(bool CardCheckout, bool ConfirmedByAdmin, bool ConnectedPayouts, bool ProcessorRefunds);

/// <summary>
/// A way money moves: bank transfer (the local default, reconciled by an admin) or Stripe (cards, Connect payouts).
/// The engagement grain decides and records; a rail carries out what it recorded, idempotently (a retry moves nothing twice).
/// </summary>
public interface IPaymentRail
{
    PaymentMethod Method { get; }

    RailAbilities Abilities { get; }

    /// <summary>What the SME does to pay its share of a milestone.</summary>
    Task<FundingStart> StartFundingAsync(FundingRequest request, CancellationToken cancellation);

    /// <summary>Carries out a release or a refund; returns the processor's id of it, or null when it becomes a payout order
    /// an admin pays by bank. Throws <see cref="MoveWaitsException"/> when the beneficiary must act first.</summary>
    Task<string?> MoveAsync(MoneyMove move, CancellationToken cancellation);

    /// <summary>The processor's id of a release made outside the move's record (a release replaced while its transfer
    /// was under way, its answer lost), or null when none was made. Creates nothing.</summary>
    Task<string?> FindReleaseAsync(MoneyMove move, CancellationToken cancellation);
}

/// <summary>A move that cannot be carried out until its beneficiary acts (a startup finishing its Stripe onboarding):
/// retrying it sooner is useless. The rail has recorded what wakes the move up again.</summary>
public sealed class MoveWaitsException(string reason) : Exception(reason);

/// <summary>Bank transfer: instructions with the payment's reference; releases and refunds become payout orders.</summary>
public sealed class BankTransferRail(PaymentSettings settings) : IPaymentRail
{
    public PaymentMethod Method => PaymentMethod.BankTransfer;

    public RailAbilities Abilities { get; } = new(CardCheckout: false, ConfirmedByAdmin: true, ConnectedPayouts: false, ProcessorRefunds: false);

    public static string Reference(string paymentId) => paymentId.ToUpperInvariant();

    public Task<FundingStart> StartFundingAsync(FundingRequest request, CancellationToken cancellation)
    {
        var bank = settings.Bank;
        var reference = Reference(request.PaymentId);
        var instructions = $"Transfer {Money.Format(request.SmeMinor)} {request.Currency} to {bank.AccountHolder}, {bank.Bank}, " +
            $"RIB {bank.Rib} (SWIFT {bank.Swift}), quoting the reference {reference}.";
        return Task.FromResult(new FundingStart(reference, instructions, null));
    }

    public Task<string?> MoveAsync(MoneyMove move, CancellationToken cancellation) => Task.FromResult<string?>(null);

    /// <summary>A bank release is an order in the engagement, paid by an admin: none goes out by itself.</summary>
    public Task<string?> FindReleaseAsync(MoneyMove move, CancellationToken cancellation) => Task.FromResult<string?>(null);
}

public static class Money
{
    /// <summary>Minor units as an amount with two decimals, e.g. 1500050 → "15000.50".</summary>
    public static string Format(long minor) => (minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
