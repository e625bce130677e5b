using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Application;

/// <summary>A startup's (or an SME's, for its refunds) bank account for payouts: the holder and the RIB.</summary>
public sealed class PayoutDetailsInput
{
    public string? Holder { get; init; }
    /// <summary>24 digits; spaces and dashes allowed.</summary>
    public string? Rib { get; init; }
}

public sealed record PayoutDetailsResponse(string Holder, string RibMasked, string Bank, DateTimeOffset UpdatedAt, DateTimeOffset? RibChangedAt)
{
    public static PayoutDetailsResponse From(PayoutDetailsView d) => new(d.Holder, d.RibMasked, d.Bank, d.UpdatedAt, d.RibChangedAt);
}

/// <summary>
/// Payout details, for the API and the payout details page: only the profile's owner sets them (not even an admin:
/// an account's RIB is its owner's word). The RIB is checked (24 digits, key, known bank) and stored apart from the
/// profile; a change is audited, e-mailed to the owner (the grain's event) and holds the payouts of the next 48 hours.
/// </summary>
public sealed class PayoutCommands(IGrainFactory grains, AuditTrail audit)
{
    /// <summary>A letter of the Latin script, accented ones included (Basic Latin to Latin Extended-B, Latin Extended Additional).</summary>
    private static bool Latin(char c) => c < '\u0250' || c is >= '\u1E00' and <= '\u1EFF';

    public async Task<PayoutDetailsResponse> SetAsync(Caller caller, string profileKind, string profileId, PayoutDetailsInput input)
    {
        var owner = await OwnerAsync(caller, profileKind, profileId);
        var c = new Checks();
        var holder = c.Text("holder", input.Holder, 140);
        // The name goes into the bank's payment file, which takes Latin letters only (Pain001.Text): as the bank writes it.
        if (holder.Any(ch => char.IsLetter(ch) && !Latin(ch)))
            c.Error("holder", "Write the holder's name as the bank writes it, in Latin letters (as on the RIB certificate).");
        if (Rib.Problem(input.Rib) is { } problem) c.Error("rib", problem);
        c.ThrowIfFailed();
        var rib = Rib.Normalise(input.Rib)!;
        var details = grains.GetGrain<IPayoutDetailsGrain>(profileId);
        var after = await details.SetAsync(caller, owner, holder, rib);
        // Once per change, named by its time, with the account it replaced as the grain wrote it: the same details sent
        // again after a failure half-way, or racing this request, write the same entry.
        var was = after.Replaced is null ? "" : $"; was {after.Replaced}";
        await audit.RecordOnceAsync(caller, $"aud-rib-{profileId}-{after.UpdatedAt.UtcTicks}", after.UpdatedAt, AuditActions.PayoutDetailsChanged, profileId,
            $"{after.RibMasked} ({after.Bank}), holder {after.Holder}" + was);
        return PayoutDetailsResponse.From(after);
    }

    /// <summary>
    /// The owner says the bank account recorded is not theirs: it is forgotten (nothing is paid to it; payouts wait for
    /// the next one, itself held 48 hours like a change) and every session of the account is signed out, the caller's
    /// too, since whoever gave it may hold one. Audited. With no account recorded it only signs out.
    /// </summary>
    public async Task ReportAsync(Caller caller, string profileKind, string profileId)
    {
        var owner = await OwnerAsync(caller, profileKind, profileId);
        // Signed out first: whoever gave the account cannot give another between its removal and the sign-out.
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(owner).SignOutEverywhereAsync();
        // Keyed by the report's time: a repeat after a failure between the removal and the audit writes the entry, once.
        if (await grains.GetGrain<IPayoutDetailsGrain>(profileId).ReportAsync(caller, owner) is { } report)
            await audit.RecordOnceAsync(caller, $"aud-reported-{profileId}-{report.At.UtcTicks}", report.At, AuditActions.PayoutDetailsReported, profileId,
                $"{report.Account}, reported by the owner");
    }

    /// <summary>The details of the caller's own profile; null when none are recorded.</summary>
    public async Task<PayoutDetailsResponse?> GetAsync(Caller caller, string profileKind, string profileId)
    {
        await OwnerAsync(caller, profileKind, profileId);
        return await grains.GetGrain<IPayoutDetailsGrain>(profileId).GetAsync(caller) is { } d ? PayoutDetailsResponse.From(d) : null;
    }

    /// <summary>The profile's owner when it is the caller; else the profile does not exist for them.</summary>
    private async Task<string> OwnerAsync(Caller caller, string profileKind, string profileId)
    {
        if (!Ids.IsValid(profileId) || caller.Role != profileKind) throw MarketplaceException.NotFound("Payout details");
        var owner = profileKind switch
        {
            Roles.Startup => (await grains.GetGrain<IStartupGrain>(profileId).GetAsync(Caller.Marketplace)).OwnerAccountId,
            Roles.Sme => (await grains.GetGrain<ISmeGrain>(profileId).GetAsync(Caller.Marketplace)).OwnerAccountId,
            _ => null,
        };
        return owner is not null && owner == caller.AccountId ? owner : throw MarketplaceException.NotFound("Payout details");
    }
}
