using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Receipts of confirmed fundings and of payouts, for the receipt page: the parties with their ICE, the programme's
/// share, the platform fee and its VAT (the fee taken includes it, at <see cref="PaymentSettings.FeeVatPercent"/>),
/// the references, and the receipt's number (JZ-year-sequence, without gaps per year), allocated by the engagement's
/// follow-up when the funding is confirmed or the payout created. Only the engagement's SME, its startup and admins see one.
/// </summary>
public sealed class ReceiptCommands(IGrainFactory grains, PaymentSettings settings)
{
    public const string Funding = "funding";

    /// <summary>The receipt page of a confirmed funding (its payment id) or a payout (its id).</summary>
    public static string Path(string id) => $"/receipts/{id}";

    /// <summary>Numbers every confirmed funding and every payout of the engagement that has no number yet (repeat-safe:
    /// a receipt keeps its number). Called by the engagement's follow-up.</summary>
    public static async Task IssueAsync(IGrainFactory grains, EngagementView e)
    {
        foreach (var m in e.Milestones)
            if (m.FundedAt is { } fundedAt) await grains.GetGrain<IReceiptGrain>(m.PaymentId).IssueAsync(Formats.Local(fundedAt).Year);
        foreach (var p in e.Payouts)
            await grains.GetGrain<IReceiptGrain>(p.Id).IssueAsync(Formats.Local(p.CreatedAt).Year);
    }

    public async Task<ReceiptResponse> GetAsync(Caller caller, string id)
    {
        var receiptId = (id ?? "").Trim().ToLowerInvariant();
        var target = (Ids.IsValid(receiptId) ? await grains.GetGrain<IPaymentLookupGrain>(receiptId).GetAsync() : null) ?? throw MarketplaceException.NotFound("Receipt");
        var e = await grains.GetGrain<IEngagementGrain>(target.NeedId).GetAsync(Caller.Marketplace);
        if (!caller.IsAdmin && caller.AccountId != e.SmeAccountId && caller.AccountId != e.StartupAccountId) throw MarketplaceException.NotFound("Receipt");
        var m = e.Milestone(target.Index) ?? throw MarketplaceException.NotFound("Receipt");
        // Numbered by the follow-up moments after the confirmation: until then there is no receipt yet.
        var number = await grains.GetGrain<IReceiptGrain>(receiptId).GetAsync() ?? throw MarketplaceException.NotFound("Receipt");
        var sme = await grains.GetGrain<ISmeGrain>(e.SmeId).GetAsync(Caller.Marketplace);
        var startup = await grains.GetGrain<IStartupGrain>(e.StartupId).GetAsync(Caller.Marketplace);
        var programme = e.ProgrammeId is { } programmeId ? (await grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync())?.Terms.Name : null;
        ReceiptAmounts amounts;
        string kind, reference;
        string? bankReference, method;
        DateTimeOffset date;
        DateTimeOffset? paidAt;
        string? payoutStatus = null;
        if (m.PaymentId == receiptId && m.FundedAt is { } fundedAt)
        {
            // The fee is taken at the release; the funding's receipt shows what it will be on the whole milestone.
            amounts = Amounts(m.AmountMinor, m.SmeShare, m.ProgrammeShare, PaymentRules.Fee(m.AmountMinor, e.FeeBasisPoints), 0);
            (kind, reference, bankReference, method, date, paidAt) = (Funding, BankTransferRail.Reference(m.PaymentId), m.PaymentExternalId, m.Method?.Name(), fundedAt, fundedAt);
        }
        else if (e.Payouts.FirstOrDefault(p => p.Id == receiptId) is { } payout)
        {
            // What the payout's move took from escrow; payouts written before it was kept: what the milestone's moves of
            // its kind took (less what Stripe's dashboard gave back), less what its other payouts of that kind say they took.
            var others = e.Payouts.Where(p => p.Index == m.Index && p.Kind == payout.Kind && p.Id != payout.Id).Sum(p => p.GrossMinor);
            var gross = payout.GrossMinor > 0 ? payout.GrossMinor
                : (payout.Kind == MoveKind.Release ? m.ReleasedMinor : m.RefundedMinor - m.CardRefundedFromEscrowMinor) - others;
            var programmeShare = payout.ProgrammeMinor ?? PaymentRules.ProgrammePart(gross, m.ProgrammeShare, m.AmountMinor - m.CardRefundedFromEscrowMinor);
            amounts = payout.Kind == MoveKind.Release
                ? Amounts(gross, gross - programmeShare, programmeShare, gross - payout.AmountMinor, payout.AmountMinor)
                : Amounts(gross, payout.AmountMinor, gross - payout.AmountMinor, 0, payout.AmountMinor);
            (kind, reference, bankReference, method, date, paidAt) = (payout.Kind.Name(), payout.Id.ToUpperInvariant(), payout.BankReference, null, payout.CreatedAt, payout.PaidAt);
            payoutStatus = payout.Status.Name();
        }
        else throw MarketplaceException.NotFound("Receipt");
        return new ReceiptResponse(receiptId, number.Text, kind, date, e.NeedId, e.Title, m.Index, m.Title,
            new ReceiptParty(sme.Details.Name, sme.Details.Ice), new ReceiptParty(startup.Details.Name, startup.Details.Ice),
            programme, e.SubsidyPercent, amounts, settings.FeeVatPercent, e.Currency, reference, bankReference, method, paidAt, payoutStatus);
    }

    private ReceiptAmounts Amounts(long amount, long smeShare, long programmeShare, long fee, long net)
    {
        var vat = (long)Math.Round(fee * settings.FeeVatPercent / (100 + settings.FeeVatPercent), MidpointRounding.AwayFromZero);
        return new ReceiptAmounts(amount, smeShare, programmeShare, fee, fee - vat, vat, net);
    }
}

public sealed record ReceiptParty(string Name, string? Ice);

/// <summary>Minor units: the milestone's amount (or what a payout settles), the SME's and the programme's shares of it,
/// the platform fee (VAT included), its part without VAT and the VAT, and what the beneficiary receives (payouts).</summary>
public sealed record ReceiptAmounts(long AmountMinor, long SmeShareMinor, long ProgrammeShareMinor, long FeeMinor, long FeeExclVatMinor, long VatMinor, long NetMinor);

/// <summary>A receipt: <see cref="Kind"/> is funding (the SME's payment into escrow), release (to the startup) or refund (to the SME).</summary>
public sealed record ReceiptResponse(string Id, string Number, string Kind, DateTimeOffset Date, string NeedId, string Title, int Index, string MilestoneTitle,
    ReceiptParty Sme, ReceiptParty Startup, string? ProgrammeName, int SubsidyPercent, ReceiptAmounts Amounts, decimal VatPercent, string Currency,
    string Reference, string? BankReference, string? Method, DateTimeOffset? PaidAt,
    /// <summary>A payout's status (pending, held, paid, declined): why one not paid yet is not; null for a funding.</summary>
    string? PayoutStatus = null);
