namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// Where a startup (or an SME, for its refunds) is paid by bank: the account holder and the RIB, keyed by the profile
/// id, apart from the profile. Only the profile's owner sets them; the owner and admins read them. A change of RIB is
/// recorded with its time (payouts created in the next <see cref="PayoutHolds.AfterRibChange"/> are held for an admin)
/// and with an event: the owner is e-mailed that the account changed.
/// </summary>
public interface IPayoutDetailsGrain : IGrainWithStringKey
{
    /// <summary>Sets the holder and the RIB (already checked and normalised). The same values again change nothing.</summary>
    Task<PayoutDetailsView> SetAsync(Caller caller, string ownerAccountId, string holder, string rib);
    /// <summary>The details for their owner and admins; null when none are recorded; else not found.</summary>
    Task<PayoutDetailsView?> GetAsync(Caller caller);
    Task<IReadOnlyList<PayoutDetailsEvent>> GetPendingEventsAsync();
    Task ConfirmEventAsync(string eventId);
    /// <summary>Hands the pending events to the follow-up again (the sweep, after a lost hand-over).</summary>
    Task RaisePendingEventsAsync();
    /// <summary>
    /// The owner says the account recorded is not theirs (someone who had their session gave it): it is forgotten, so
    /// nothing is paid to it, and the next one given counts as a change (its payouts held <see cref="PayoutHolds.AfterRibChange"/>).
    /// Returns the report: the one just made, or with no account recorded (a repeat after a failure) the last one, which
    /// changes nothing; null when none was ever made. Owner only, else not found.
    /// </summary>
    Task<PayoutDetailsReport?> ReportAsync(Caller caller, string ownerAccountId);
    /// <summary>The owner's account was erased: the holder and the RIB are forgotten (its payouts then wait for details). Repeating it changes nothing.</summary>
    Task EraseAsync(string ownerAccountId);
}

[GenerateSerializer, Alias("jazari.payout-details-view")]
public sealed record PayoutDetailsView(
    [property: Id(0)] string ProfileId,
    [property: Id(1)] string Holder,
    [property: Id(2)] string Rib,
    [property: Id(3)] string Bank,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] DateTimeOffset? RibChangedAt,
    [property: Id(6)] string? Replaced = null)
{
    public string RibMasked => Payments.Rib.Masked(Rib);
    /// <summary>Still a RIB of a known bank with a right key (the table of banks may have changed since).</summary>
    public bool Valid => Payments.Rib.Problem(Rib) is null;
}

/// <summary>The owner's report that an account was not theirs: when, and the account forgotten (masked RIB, bank, holder).</summary>
[GenerateSerializer, Alias("jazari.payout-details-report")]
public sealed record PayoutDetailsReport([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Account);

/// <summary>The details were set for the first time (<see cref="PreviousRib"/> null) or the RIB changed; the owner is told.</summary>
[GenerateSerializer, Alias("jazari.payout-details-event")]
public sealed record PayoutDetailsEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string OwnerAccountId,
    [property: Id(2)] string RibMasked,
    [property: Id(3)] string? PreviousRibMasked,
    [property: Id(4)] DateTimeOffset At);

/// <summary>Hands the events of payout details to their follow-up (the host's Hangfire job); raising one twice is harmless.</summary>
public interface IPayoutDetailsEvents
{
    Task RaiseAsync(string profileId, IReadOnlyList<PayoutDetailsEvent> events);
}

[GenerateSerializer, Alias("jazari.payout-details-state")]
public sealed class PayoutDetailsState
{
    [Id(0)] public string OwnerAccountId { get; set; } = "";
    [Id(1)] public string Holder { get; set; } = "";
    [Id(2)] public string Rib { get; set; } = "";
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>When a RIB last replaced another one (not the first one given).</summary>
    [Id(4)] public DateTimeOffset? RibChangedAt { get; set; }
    /// <summary>Written with the change; at most <see cref="PayoutDetailsGrain.MaxPendingEvents"/>.</summary>
    [Id(5)] public List<PayoutDetailsEvent> PendingEvents { get; set; } = [];
    /// <summary>When the owner last reported the account as not theirs (<see cref="Rib"/> then empty until they give one).</summary>
    [Id(6)] public DateTimeOffset? ReportedAt { get; set; }
    /// <summary>The account that report forgot (masked RIB, bank, holder), for its audit entry.</summary>
    [Id(7)] public string? ReportedAccount { get; set; }
    /// <summary>The account the last change replaced (masked RIB, holder), for its audit entry; null for a first one.</summary>
    [Id(8)] public string? Replaced { get; set; }
}

internal sealed class PayoutDetailsGrain(
    [PersistentState("payout-details", "marketplace")] IPersistentState<PayoutDetailsState> state,
    IPayoutDetailsEvents events,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IPayoutDetailsGrain
{
    public const int MaxPendingEvents = 16;

    private PayoutDetailsState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.RecordExists && S.PendingEvents.Count > 0 ? RaiseAsync([.. S.PendingEvents]) : Task.CompletedTask;

    public async Task<PayoutDetailsView> SetAsync(Caller caller, string ownerAccountId, string holder, string rib)
    {
        if (caller.AccountId != ownerAccountId || (state.RecordExists && S.OwnerAccountId != ownerAccountId)) throw NotFound();
        if (Rib.Problem(rib) is { } problem) throw MarketplaceException.Invalid("rib", problem);
        if (Recorded && S.Holder == holder && S.Rib == rib) return View();
        var now = time.GetUtcNow();
        var previous = Recorded ? S.Rib : null;
        // Written with the change: a request sent again, or racing this one, audits what this change replaced.
        S.Replaced = previous is null ? null : $"{Rib.Masked(previous)}, holder {S.Holder}";
        S.OwnerAccountId = ownerAccountId;
        S.Holder = holder;
        S.UpdatedAt = now;
        PayoutDetailsEvent? raised = null;
        if (previous != rib)
        {
            // After a report, the first account given is a change too: whoever reported may not be the last to give one.
            if (previous is not null || S.ReportedAt is not null) S.RibChangedAt = now;
            S.Rib = rib;
            raised = new PayoutDetailsEvent(Ids.New("pde"), ownerAccountId, Rib.Masked(rib), previous is null ? null : Rib.Masked(previous), now);
            if (S.PendingEvents.Count >= MaxPendingEvents) S.PendingEvents.RemoveAt(0);
            S.PendingEvents.Add(raised);
        }
        await state.SaveAsync();
        if (raised is not null) await RaiseAsync([raised]);
        return View();
    }

    public Task<PayoutDetailsView?> GetAsync(Caller caller)
    {
        if (state.RecordExists && !caller.IsAdmin && caller.AccountId != S.OwnerAccountId) throw NotFound();
        return Task.FromResult(Recorded ? View() : null);
    }

    public async Task<PayoutDetailsReport?> ReportAsync(Caller caller, string ownerAccountId)
    {
        if (caller.AccountId != ownerAccountId || (state.RecordExists && S.OwnerAccountId != ownerAccountId)) throw NotFound();
        if (!Recorded) return S.ReportedAt is { } at ? new PayoutDetailsReport(at, S.ReportedAccount ?? "") : null;
        var removed = View();
        var now = time.GetUtcNow();
        (S.Holder, S.Rib, S.UpdatedAt, S.RibChangedAt, S.ReportedAt) = ("", "", now, now, now);
        S.ReportedAccount = $"{removed.RibMasked} ({removed.Bank}), holder {removed.Holder}";
        await state.SaveAsync();
        return new PayoutDetailsReport(now, S.ReportedAccount);
    }

    /// <summary>An account is recorded: given, and neither reported nor erased since.</summary>
    private bool Recorded => state.RecordExists && S.Rib.Length > 0;

    public Task<IReadOnlyList<PayoutDetailsEvent>> GetPendingEventsAsync() =>
        Task.FromResult<IReadOnlyList<PayoutDetailsEvent>>(state.RecordExists ? [.. S.PendingEvents] : []);

    public async Task ConfirmEventAsync(string eventId)
    {
        if (state.RecordExists && S.PendingEvents.RemoveAll(e => e.Id == eventId) > 0) await state.SaveAsync();
    }

    public async Task EraseAsync(string ownerAccountId)
    {
        if (state.RecordExists && S.OwnerAccountId == ownerAccountId) await state.ClearStateAsync();
    }

    public Task RaisePendingEventsAsync() => state.RecordExists && S.PendingEvents.Count > 0 ? RaiseAsync([.. S.PendingEvents]) : Task.CompletedTask;

    private async Task RaiseAsync(IReadOnlyList<PayoutDetailsEvent> raised)
    {
        try
        {
            await events.RaiseAsync(this.GetPrimaryKeyString(), raised);
        }
        catch (Exception)
        {
            // Stored with the change: raised again at the next activation.
        }
    }

    private PayoutDetailsView View() => new(this.GetPrimaryKeyString(), S.Holder, S.Rib, Rib.BankOf(S.Rib) ?? "", S.UpdatedAt, S.RibChangedAt, S.Replaced);

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Payout details");
}

/// <summary>
/// Why a new bank payout waits for an admin: its beneficiary's RIB changed in the last <see cref="AfterRibChange"/>
/// (a classic fraud path: take over an account, change the RIB, collect), or the SME and the startup look like one
/// party (their accounts share an e-mail domain that is not a webmail's, or they gave the same RIB; or, its own reason,
/// both accounts were created from the same network, compared by keyed hash: accounts without one are never held by it).
/// </summary>
public static class PayoutHolds
{
    public static readonly TimeSpan AfterRibChange = TimeSpan.FromHours(48);

    /// <summary>
    /// Until when a payout ordered at <paramref name="orderedAt"/> stays out of the bank files because its beneficiary's RIB
    /// changed after it (<see cref="AfterRibChange"/> from the change, while the owner's notice can be answered); null when
    /// it does not wait. It then goes by itself: nothing is stored, nothing is released.
    /// </summary>
    public static DateTimeOffset? WaitsUntil(DateTimeOffset orderedAt, PayoutDetailsView? details, DateTimeOffset now) =>
        details?.RibChangedAt is { } changed && changed > orderedAt && now < changed + AfterRibChange ? changed + AfterRibChange : null;
    public const string RibChanged = "rib-changed";
    public const string RelatedParty = "related-party";
    public const string SameNetwork = "same-sign-up-network";
    /// <summary>The bank sent the SME's transfer for the milestone back: its escrow may not hold the money.</summary>
    public const string FundingReversed = "funding-reversed";

    public static async Task<IReadOnlyList<string>> ReasonsAsync(IGrainFactory grains, string beneficiaryKind, string beneficiaryId,
        string? smeId, string? smeAccountId, string startupId, string startupAccountId, DateTimeOffset now)
    {
        var reasons = new List<string>();
        var details = await grains.GetGrain<IPayoutDetailsGrain>(beneficiaryId).GetAsync(Caller.Marketplace);
        if (details?.RibChangedAt is { } changed && now - changed < AfterRibChange) reasons.Add(RibChanged);
        if (beneficiaryKind == "startup" && await RelatedAsync(grains, smeId, smeAccountId, startupId, startupAccountId, details)) reasons.Add(RelatedParty);
        if (beneficiaryKind == "startup" && await SameNetworkAsync(grains, smeAccountId, startupAccountId)) reasons.Add(SameNetwork);
        // A refund to the SME that would land in the startup's own account: the money would reach the startup without a release.
        if (beneficiaryKind == "sme" && await SameRibAsync(grains, smeId, startupId)) reasons.Add(RelatedParty);
        return reasons;
    }

    private static async Task<bool> SameNetworkAsync(IGrainFactory grains, string? smeAccountId, string startupAccountId)
    {
        if (smeAccountId is null || smeAccountId == startupAccountId) return false;
        var sme = await grains.GetGrain<Accounts.IAccountGrain>(smeAccountId).GetSignUpNetworkAsync();
        return sme is not null && sme == await grains.GetGrain<Accounts.IAccountGrain>(startupAccountId).GetSignUpNetworkAsync();
    }

    private static async Task<bool> RelatedAsync(IGrainFactory grains, string? smeId, string? smeAccountId, string startupId, string startupAccountId,
        PayoutDetailsView? startupDetails)
    {
        if (smeAccountId is not null)
        {
            var sme = SharedEmailDomains.DomainOf((await grains.GetGrain<Accounts.IAccountGrain>(smeAccountId).GetAsync())?.Email);
            var startup = SharedEmailDomains.DomainOf((await grains.GetGrain<Accounts.IAccountGrain>(startupAccountId).GetAsync())?.Email);
            // One domain, or one a subdomain of the other (contact@atlas.ma and gerant@mail.atlas.ma): the parent is not a webmail's.
            if (sme is not null && startup is not null && (sme == startup || startup.EndsWith("." + sme, StringComparison.Ordinal)
                || sme.EndsWith("." + startup, StringComparison.Ordinal)) && !SharedEmailDomains.Contains(sme.Length <= startup.Length ? sme : startup))
                return true;
        }
        return startupDetails is not null && await SameRibAsync(grains, smeId, startupId);
    }

    /// <summary>Whether the SME's payout account (for its refunds) is the startup's.</summary>
    private static async Task<bool> SameRibAsync(IGrainFactory grains, string? smeId, string startupId)
    {
        if (smeId is null || smeId == startupId) return false;
        var sme = await grains.GetGrain<IPayoutDetailsGrain>(smeId).GetAsync(Caller.Marketplace);
        return sme is not null && sme.Rib == (await grains.GetGrain<IPayoutDetailsGrain>(startupId).GetAsync(Caller.Marketplace))?.Rib;
    }
}
