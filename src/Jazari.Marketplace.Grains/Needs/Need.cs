using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Matchmaking;
using Orleans.Concurrency;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains.Needs;

/// <summary>A digitalisation need of an SME, with the bids startups made on it.</summary>
public interface INeedGrain : IGrainWithStringKey
{
    /// <summary>A draft need of the SME; <paramref name="programmeId"/> names the co-funding programme it joins, if any.</summary>
    Task<NeedView> CreateAsync(Caller owner, string smeId, NeedDetails details, string? programmeId = null);
    Task<NeedView> GetAsync(Caller caller);
    Task<NeedView> PublishAsync(Caller caller);
    /// <summary>The owner rewrites a draft's details (an admin never edits in the SME's place: 404); a need once published is no longer edited (409).</summary>
    Task<NeedView> UpdateDraftAsync(Caller caller, NeedDetails details);
    /// <summary>The owner puts a draft or open need in a co-funding programme (that its SME is approved for: checked by the
    /// caller) before a bid is accepted; a need joins one programme for good. Repeating it changes nothing.</summary>
    Task<NeedView> JoinProgrammeAsync(Caller caller, string programmeId);
    Task<NeedView> CancelAsync(Caller caller);
    /// <summary>Upsert by an admin import: the need is open. True when it was created.</summary>
    Task<bool> ImportAsync(string smeId, NeedDetails details);
    /// <summary>The account that took the imported SME <paramref name="smeId"/> over takes its needs too: from then on it
    /// chooses their bids and is written to about them. Repeating it changes nothing, nor does a need of another SME;
    /// another account finds no need.</summary>
    Task ClaimAsync(string smeId, string accountId);
    Task<string> SubmitBidAsync(Caller caller, string startupId, string startupName, BidOffer offer);
    Task WithdrawBidAsync(Caller caller, string bidId);
    /// <summary>Awards the need to one bid and rejects the others; exactly one accept ever succeeds.</summary>
    Task<NeedView> AcceptBidAsync(Caller caller, string bidId);
    /// <summary>The public view (no bids) when the need is not a draft; null otherwise. For browsing and
    /// matchmaking; interleaves, so a shard being activated by this need's own update can read it.</summary>
    [AlwaysInterleave]
    Task<NeedView?> GetListingAsync();
    /// <summary>Closes an open need nobody was awarded (past its deadline or open too long); no-op otherwise.</summary>
    Task<NeedView> ExpireAsync();
    /// <summary>
    /// Carries out what a pending event changes in other grains (the open-needs list and the matching index; for a
    /// bid, the startup's activity and list of needs and the bidder's places; for an award, the startup's projects and
    /// activity). Every step is safe to repeat; a failing step throws and the caller retries. False when the event is
    /// no longer pending (its follow-up was confirmed).
    /// </summary>
    Task<bool> FollowUpAsync(string eventId);
    /// <summary>The follow-up of an event is done: it is no longer pending.</summary>
    Task ConfirmEventAsync(string eventId);
    /// <summary>The events whose follow-up is not confirmed yet, oldest first (for the sweep's checks and the tests).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<NeedEvent>> GetPendingEventsAsync();
    /// <summary>Hands the pending events to the follow-ups again (after a failure between the write and the hand-over).</summary>
    Task RaisePendingEventsAsync();
    /// <summary>The two parties of the work once it is over: the engagement completed, or was cancelled after work
    /// began (a milestone was funded); null otherwise. For reviews.</summary>
    Task<Engagement?> GetEngagementAsync();
    /// <summary>
    /// The account was erased. As the SME's owner: a draft or open need is cancelled, its title becomes
    /// <paramref name="pseudonym"/>'s and its description is blanked. As a bidder: the startup's name becomes the
    /// pseudonym, the proposal is blanked, a submitted bid is withdrawn. Amounts, milestones and ids stay (engagements,
    /// ledger, invoices). Repeating it changes nothing.
    /// </summary>
    Task EraseParticipantAsync(string accountId, string pseudonym);
    /// <summary>What was awarded (parties, the accepted bid, the programme); null before the award. For the engagement.</summary>
    Task<Award?> GetAwardAsync();
    /// <summary>The engagement's first milestone was funded: awarded → in-progress. Repeating it changes nothing.</summary>
    Task EngagementStartedAsync();
    /// <summary>The engagement is over: every milestone released or refunded (completed), or it was cancelled.</summary>
    Task EngagementClosedAsync(bool completed);
}

internal sealed class NeedGrain(
    [PersistentState("need", "marketplace")] IPersistentState<NeedState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    INeedEvents events,
    ILogger<NeedGrain> logger) : Grain, INeedGrain
{
    /// <summary>Bids that count (withdrawn ones do not); also the most stored: a new bidder takes the place of the oldest withdrawn bid.</summary>
    public const int MaxBids = 20;
    public const int MaxPendingEvents = 64;

    private NeedState Need => state.State;

    public async Task<NeedView> CreateAsync(Caller owner, string smeId, NeedDetails details, string? programmeId = null)
    {
        if (state.RecordExists) throw MarketplaceException.Conflict("Need id already taken.");
        // Recorded first among the owner's places, so export and erasure reach the need even if the write below fails.
        await TookPartAsync(owner.AccountId);
        state.State = new NeedState
        {
            SmeId = smeId, OwnerAccountId = owner.AccountId, Details = details,
            Status = NeedStatus.Draft, CreatedAt = time.GetUtcNow(), ProgrammeId = programmeId,
        };
        await state.SaveAsync();
        await grains.GetGrain<IProfileNeedsGrain>(smeId).AddAsync(this.GetPrimaryKeyString());
        return View(owner);
    }

    public Task<NeedView> GetAsync(Caller caller)
    {
        EnsureExists();
        if (Need.Status == NeedStatus.Draft && !IsOwnerOrAdmin(caller)) throw NotFound();
        return Task.FromResult(View(caller));
    }

    public Task<NeedView?> GetListingAsync() =>
        Task.FromResult(state.RecordExists && Need.Status != NeedStatus.Draft ? ListingView() : null);

    public async Task<NeedView> PublishAsync(Caller caller)
    {
        EnsureOwner(caller);
        if (Need.Status == NeedStatus.Draft)
        {
            if (Need.Details.Deadline < Today())
                throw MarketplaceException.Conflict("The deadline has passed; set a new one before publishing.");
            Need.Status = NeedStatus.Open;
            Need.PublishedAt = time.GetUtcNow();
            var published = AddEvent(NeedEventKind.Published);
            await state.SaveAsync();
            HandOver(published);
            return View(caller);
        }
        if (Need.Status != NeedStatus.Open)
            throw MarketplaceException.Conflict($"A need that is {Need.Status.Name()} cannot be published.");
        HandOver([.. Need.PendingEvents]); // published already (a retried request): its follow-ups may still be due
        return View(caller);
    }

    public async Task<NeedView> UpdateDraftAsync(Caller caller, NeedDetails details)
    {
        EnsureOwner(caller);
        if (Need.Status != NeedStatus.Draft)
            throw MarketplaceException.Conflict($"Only a draft can be edited; this need is {Need.Status.Name()}.");
        if (Need.Details != details)
        {
            Need.Details = details;
            await state.SaveAsync();
        }
        return View(caller);
    }

    public async Task<NeedView> JoinProgrammeAsync(Caller caller, string programmeId)
    {
        EnsureOwner(caller);
        if (Need.ProgrammeId == programmeId) return View(caller);
        if (Need.ProgrammeId is not null)
            throw MarketplaceException.Conflict("This need is already in another co-funding programme; a need joins one programme.");
        if (Need.Status is not (NeedStatus.Draft or NeedStatus.Open))
            throw MarketplaceException.Conflict($"Only a draft or open need can join a programme; this need is {Need.Status.Name()}.");
        Need.ProgrammeId = programmeId;
        await state.SaveAsync();
        return View(caller);
    }

    /// <summary>The SME withdraws its need; an admin may too, to take an improper need off the marketplace (no money is involved before an award).</summary>
    public async Task<NeedView> CancelAsync(Caller caller)
    {
        EnsureExists();
        if (!IsOwnerOrAdmin(caller)) throw NotFound();
        if (Need.Status is not (NeedStatus.Draft or NeedStatus.Open or NeedStatus.Cancelled))
            throw MarketplaceException.Conflict($"A need that is {Need.Status.Name()} cannot be cancelled.");
        if (Need.Status != NeedStatus.Cancelled)
        {
            var now = time.GetUtcNow();
            Need.Status = NeedStatus.Cancelled;
            Need.ClosedAt = now;
            Need.Bids = [.. Need.Bids.Select(b => b.Status == BidStatus.Submitted ? b with { Status = BidStatus.Rejected, DecidedAt = now } : b)];
            await state.SaveAsync();
        }
        await Catalogue().RemoveAsync(this.GetPrimaryKeyString());
        await UnindexForMatchingAsync();
        return View(caller);
    }

    public async Task<bool> ImportAsync(string smeId, NeedDetails details)
    {
        var created = !state.RecordExists;
        // An import brings another system's catalogue: it never takes over a need an SME posted here (its draft would be
        // published for it), nor gives a need to another SME (the engagement's refunds would go to that SME's account).
        if (!created && Need.OwnerAccountId is not null)
            throw MarketplaceException.Conflict("The need was posted by its SME on the marketplace; an import cannot change it.");
        if (!created && Need.SmeId != smeId)
            throw MarketplaceException.Conflict("The need belongs to another SME; an import cannot move it.");
        if (!created && Need.Status != NeedStatus.Open)
            throw MarketplaceException.Conflict($"The need is {Need.Status.Name()}; an import can no longer change it.");
        var now = time.GetUtcNow();
        if (created) state.State = new NeedState { CreatedAt = now };
        var previousCategory = created ? null : Need.Details.Category;
        Need.SmeId = smeId;
        Need.Details = details;
        Need.Status = NeedStatus.Open;
        Need.PublishedAt ??= now;
        var published = created ? AddEvent(NeedEventKind.Published) : null;
        await state.SaveAsync();
        // Listed among its SME's needs, as a need posted here is: the account that takes the SME's profile over finds it there.
        await grains.GetGrain<IProfileNeedsGrain>(smeId).AddAsync(this.GetPrimaryKeyString());
        // Its SME taken over meanwhile (the takeover read that list before this need was on it): the need is the owner's too.
        if (await OwnerOfAsync(smeId) is { } owner) await ClaimAsync(smeId, owner);
        if (previousCategory is not null && previousCategory != details.Category)
            await grains.GetGrain<IOpenNeedsGrain>(previousCategory).RemoveAsync(this.GetPrimaryKeyString());
        await Catalogue().AddAsync(Listing());
        await IndexForMatchingAsync();
        if (published is not null) HandOver(published);
        return created;
    }

    public async Task ClaimAsync(string smeId, string accountId)
    {
        EnsureExists();
        if (Need.SmeId != smeId || Need.OwnerAccountId == accountId) return;
        if (Need.OwnerAccountId is not null || await OwnerOfAsync(smeId) != accountId) throw NotFound();
        await TookPartAsync(accountId); // as at a creation: export and erasure reach the need
        Need.OwnerAccountId = accountId;
        await state.SaveAsync();
    }

    /// <summary>The account holding the SME's profile; null while none does (an imported SME, or none of that id).</summary>
    private async Task<string?> OwnerOfAsync(string smeId)
    {
        try { return (await grains.GetGrain<ISmeGrain>(smeId).GetAsync(Caller.Marketplace)).OwnerAccountId; }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { return null; }
    }

    public async Task<string> SubmitBidAsync(Caller caller, string startupId, string startupName, BidOffer offer)
    {
        EnsureExists();
        if (Need.Status == NeedStatus.Draft) throw NotFound();
        if (Need.Status != NeedStatus.Open)
            throw MarketplaceException.Conflict($"The need is {Need.Status.Name()}; it takes no more bids.");
        if (offer.Milestones.Count == 0 || offer.Milestones.Sum(m => m.AmountMinor) != offer.PriceMinor)
            throw MarketplaceException.Invalid("milestones", "Milestone amounts must add up to the price.");
        var previous = Need.Bids.FindIndex(b => b.StartupId == startupId);
        if (previous >= 0 && Need.Bids[previous] is { Status: BidStatus.Submitted } same && same.BidderAccountId == caller.AccountId && SameOffer(same.Offer, offer))
            return same.Id; // the same bid sent again (a retried request): it is already stored
        if (previous >= 0 && Need.Bids[previous].Status != BidStatus.Withdrawn)
            throw MarketplaceException.Conflict("This startup already has a bid on this need; withdraw it to bid again.");
        if (previous < 0 && Need.Bids.Count(b => b.Status != BidStatus.Withdrawn) >= MaxBids)
            throw MarketplaceException.Conflict($"This need has received the maximum of {MaxBids} bids.");

        var bid = new Bid(Ids.New("bid"), startupId, startupName, caller.AccountId, offer, BidStatus.Submitted, time.GetUtcNow(), null);
        if (previous >= 0) Need.Bids.RemoveAt(previous);
        else if (Need.Bids.Count >= MaxBids) Need.Bids.RemoveAt(Need.Bids.FindIndex(b => b.Status == BidStatus.Withdrawn)); // a withdrawn bid makes room
        Need.Bids.Add(bid);
        var submitted = AddEvent(NeedEventKind.BidSubmitted, bid.Id);
        await state.SaveAsync();
        HandOver(submitted);
        return bid.Id;
    }

    public async Task WithdrawBidAsync(Caller caller, string bidId)
    {
        EnsureExists();
        var index = Need.Bids.FindIndex(b => b.Id == bidId && b.BidderAccountId == caller.AccountId); // the bidder's decision alone
        if (index < 0) throw MarketplaceException.NotFound("Bid");
        var bid = Need.Bids[index];
        if (bid.Status == BidStatus.Withdrawn) return;
        if (bid.Status != BidStatus.Submitted)
            throw MarketplaceException.Conflict($"The bid is {bid.Status.Name()}; it can no longer be withdrawn.");
        Need.Bids[index] = bid with { Status = BidStatus.Withdrawn, DecidedAt = time.GetUtcNow() };
        await state.SaveAsync();
    }

    public async Task<NeedView> AcceptBidAsync(Caller caller, string bidId)
    {
        EnsureOwner(caller);
        var bid = Need.Bids.Find(b => b.Id == bidId) ?? throw MarketplaceException.NotFound("Bid");
        if (Need.AwardedBidId == bidId) return View(caller); // accepted already (a retried request)
        if (Need.Status != NeedStatus.Open)
            throw MarketplaceException.Conflict($"The need is {Need.Status.Name()}; no bid can be accepted now.");
        if (bid.Status != BidStatus.Submitted)
            throw MarketplaceException.Conflict($"The bid is {bid.Status.Name()}; it cannot be accepted.");
        // A bid sent while its startup's account was being erased escaped the erasure's list: nobody would deliver it.
        if ((await grains.GetGrain<Accounts.IAccountGrain>(bid.BidderAccountId).GetAsync())?.ErasedAt is not null)
            throw MarketplaceException.Conflict("The startup of this bid has left the marketplace; the bid cannot be accepted.");

        var now = time.GetUtcNow();
        Need.Bids = [.. Need.Bids.Select(b =>
            b.Id == bidId ? b with { Status = BidStatus.Accepted, DecidedAt = now }
            : b.Status == BidStatus.Submitted ? b with { Status = BidStatus.Rejected, DecidedAt = now }
            : b)];
        Need.Status = NeedStatus.Awarded;
        Need.AwardedAt = now;
        Need.AwardedBidId = bidId;
        var accepted = AddEvent(NeedEventKind.BidAccepted, bidId);
        await state.SaveAsync();
        HandOver(accepted);
        return View(caller);
    }

    public async Task<NeedView> ExpireAsync()
    {
        EnsureExists();
        if (Need.Status == NeedStatus.Open)
        {
            var now = time.GetUtcNow();
            Need.Status = NeedStatus.Expired;
            Need.ClosedAt = now;
            Need.Bids = [.. Need.Bids.Select(b => b.Status == BidStatus.Submitted ? b with { Status = BidStatus.Rejected, DecidedAt = now } : b)];
            var expired = AddEvent(NeedEventKind.Expired);
            await state.SaveAsync();
            HandOver(expired);
        }
        if (Need.Status == NeedStatus.Expired)
        {
            await Catalogue().RemoveAsync(this.GetPrimaryKeyString());
            await UnindexForMatchingAsync();
        }
        return ViewWith(Need.Bids);
    }

    public async Task<bool> FollowUpAsync(string eventId)
    {
        var pending = state.RecordExists ? Need.PendingEvents.Find(e => e.Id == eventId) : null;
        if (pending is null) return false;
        var id = this.GetPrimaryKeyString();
        var bid = Need.Bids.Find(b => b.Id == pending.BidId);
        switch (pending.Kind)
        {
            case NeedEventKind.Published:
                await ListForStatusAsync();
                // Its slot is counted while the need is open; closed before this ran, its reservation is given back.
                var openNeeds = grains.GetGrain<ISmeOpenNeedsGrain>(Need.SmeId);
                await (Need.Status == NeedStatus.Open ? openNeeds.AddAsync(id) : openNeeds.ReleaseAsync(id));
                break;
            case NeedEventKind.Expired:
                await ListForStatusAsync();
                break;
            case NeedEventKind.BidSubmitted:
                if (bid is null) break; // replaced since by a new bid of the same startup, which has its own event
                await grains.GetGrain<Incubation.IStartupActivityGrain>(bid.StartupId).BidSubmittedAsync(bid.Id, bid.SubmittedAt);
                await grains.GetGrain<IProfileNeedsGrain>(bid.StartupId).AddAsync(id);
                var liveBids = grains.GetGrain<ILiveBidsGrain>(bid.StartupId); // counted while live, given back if not
                await (Need.Status == NeedStatus.Open && bid.Status == BidStatus.Submitted ? liveBids.AddAsync(id) : liveBids.ReleaseAsync(id));
                await TookPartAsync(bid.BidderAccountId);
                break;
            case NeedEventKind.BidAccepted:
                if (bid is null) break;
                await grains.GetGrain<Profiles.IStartupGrain>(bid.StartupId).ProjectAwardedAsync(id);
                await grains.GetGrain<Incubation.IStartupActivityGrain>(bid.StartupId).BidWonAsync(bid.Id, Need.SmeId, bid.Offer.PriceMinor, Need.AwardedAt ?? pending.At);
                await ListForStatusAsync();
                break;
            default:
                throw new InvalidOperationException($"Unknown need event kind {pending.Kind}.");
        }
        return true;
    }

    public async Task ConfirmEventAsync(string eventId)
    {
        if (state.RecordExists && Need.PendingEvents.RemoveAll(e => e.Id == eventId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<NeedEvent>> GetPendingEventsAsync() =>
        Task.FromResult<IReadOnlyList<NeedEvent>>(state.RecordExists ? [.. Need.PendingEvents] : []);

    public Task RaisePendingEventsAsync()
    {
        if (state.RecordExists) HandOver([.. Need.PendingEvents]);
        return Task.CompletedTask;
    }

    public Task<Engagement?> GetEngagementAsync()
    {
        var over = state.RecordExists && (Need.Status == NeedStatus.Completed || (Need.Status == NeedStatus.Cancelled && Need.WorkBegan));
        return Task.FromResult(over ? Parties() : null);
    }

    public Task<Award?> GetAwardAsync()
    {
        var bid = state.RecordExists ? Need.Bids.Find(b => b.Id == Need.AwardedBidId) : null;
        if (Parties() is not { } parties || bid is null) return Task.FromResult<Award?>(null);
        return Task.FromResult<Award?>(new Award(parties, bid.StartupName, bid.Offer, Need.Details.Title, Need.Details.Currency, Need.ProgrammeId));
    }

    public async Task EngagementStartedAsync()
    {
        EnsureExists();
        if (Need.Status != NeedStatus.Awarded) return;
        Need.Status = NeedStatus.InProgress;
        Need.WorkBegan = true;
        await state.SaveAsync();
    }

    public async Task EngagementClosedAsync(bool completed)
    {
        EnsureExists();
        if (Need.Status is not (NeedStatus.Awarded or NeedStatus.InProgress)) return;
        Need.Status = completed ? NeedStatus.Completed : NeedStatus.Cancelled;
        Need.ClosedAt = time.GetUtcNow();
        await state.SaveAsync();
    }

    private Engagement? Parties()
    {
        if (!state.RecordExists || Need.AwardedBidId is null || Need.AwardedAt is null) return null;
        var bid = Need.Bids.Find(b => b.Id == Need.AwardedBidId);
        return bid is null ? null : new Engagement(this.GetPrimaryKeyString(), Need.SmeId, Need.OwnerAccountId,
            bid.StartupId, bid.BidderAccountId, Need.AwardedAt.Value);
    }

    public async Task EraseParticipantAsync(string accountId, string pseudonym)
    {
        if (!state.RecordExists) return;
        // The award and the erasure meet here, one after the other: a party to a mission under way is not erased (a bid
        // accepted a moment before wins), and a bid withdrawn here can no longer be accepted.
        if (Need.Status is NeedStatus.Awarded or NeedStatus.InProgress
            && (Need.OwnerAccountId == accountId || Need.Bids.Exists(b => b.Id == Need.AwardedBidId && b.BidderAccountId == accountId)))
            throw ErasedNeed.MissionUnderWay(Need.Details.Title);
        var now = time.GetUtcNow();
        var changed = false;
        var closed = false;
        if (Need.OwnerAccountId == accountId && Need.Details.Title != ErasedNeed.Title(pseudonym))
        {
            if (Need.Status is NeedStatus.Draft or NeedStatus.Open)
            {
                Need.Status = NeedStatus.Cancelled;
                Need.ClosedAt = now;
                Need.Bids = [.. Need.Bids.Select(b => b.Status == BidStatus.Submitted ? b with { Status = BidStatus.Rejected, DecidedAt = now } : b)];
                closed = true;
            }
            Need.Details = Need.Details with { Title = ErasedNeed.Title(pseudonym), Description = "" };
            changed = true;
        }
        for (var i = 0; i < Need.Bids.Count; i++)
        {
            var bid = Need.Bids[i];
            if (bid.BidderAccountId != accountId || (bid.StartupName == pseudonym && bid.Offer.Proposal.Length == 0)) continue;
            Need.Bids[i] = bid with
            {
                StartupName = pseudonym,
                Offer = bid.Offer with { Proposal = "" },
                Status = bid.Status == BidStatus.Submitted ? BidStatus.Withdrawn : bid.Status,
                DecidedAt = bid.Status == BidStatus.Submitted ? now : bid.DecidedAt,
            };
            changed = true;
        }
        if (changed) await state.SaveAsync();
        if (closed || Need.Status is not NeedStatus.Open)
        {
            await Catalogue().RemoveAsync(this.GetPrimaryKeyString());
            await UnindexForMatchingAsync();
        }
        else if (changed) await IndexForMatchingAsync();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) => RaisePendingEventsAsync();

    /// <summary>Written with the change that causes it, so a crash before the hand-over loses nothing.</summary>
    private NeedEvent AddEvent(NeedEventKind kind, string? bidId = null)
    {
        if (Need.PendingEvents.Count >= MaxPendingEvents)
        {
            logger.LogError("Need {NeedId}: {Count} events unconfirmed; dropping the oldest, {Event}", this.GetPrimaryKeyString(), Need.PendingEvents.Count, Need.PendingEvents[0]);
            Need.PendingEvents.RemoveAt(0);
        }
        var added = new NeedEvent(Ids.New("evt"), kind, bidId, time.GetUtcNow());
        Need.PendingEvents.Add(added);
        return added;
    }

    /// <summary>
    /// Hands events to their follow-ups without waiting: the change and its events are stored already, so the request
    /// is answered after one write. Never fails the caller: an event not handed over stays pending, and is raised again
    /// on the need's next activation and by the follow-up sweep.
    /// </summary>
    private void HandOver(params IReadOnlyList<NeedEvent> raised)
    {
        if (raised.Count == 0) return;
        var id = this.GetPrimaryKeyString();
        EventHandOver.Start(() => events.RaiseAsync(id, raised), logger, $"Need {id}");
    }

    /// <summary>
    /// An open need is in its category's open-needs list and in its matching shards; any other is in neither. The list
    /// comes last both ways, so a need listed (or no longer listed) is matched (or no longer) already.
    /// </summary>
    private async Task ListForStatusAsync()
    {
        if (Need.Status == NeedStatus.Open)
        {
            await IndexForMatchingAsync();
            await Catalogue().AddAsync(Listing());
        }
        else
        {
            await UnindexForMatchingAsync();
            await Catalogue().RemoveAsync(this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// The need among the places of an account's data (export, erasure). A caller with no account (the built-in admin)
    /// has no places (logged, not retried forever).
    /// </summary>
    private async Task TookPartAsync(string accountId)
    {
        try
        {
            await grains.GetGrain<Accounts.IAccountGrain>(accountId).TookPartAsync(Accounts.PartyOf.Need, this.GetPrimaryKeyString());
        }
        catch (MarketplaceException refused) when (refused.Problem is Problem.NotFound)
        {
            logger.LogError(refused, "Need {NeedId}: not recorded among the places of account {AccountId}", this.GetPrimaryKeyString(), accountId);
        }
    }

    private static bool SameOffer(BidOffer a, BidOffer b) =>
        a.PriceMinor == b.PriceMinor && a.DurationDays == b.DurationDays && a.Proposal == b.Proposal && a.Milestones.SequenceEqual(b.Milestones);

    /// <summary>An open need is in the matchmaking shards of its category and of the categories its text names.</summary>
    private async Task IndexForMatchingAsync()
    {
        var id = this.GetPrimaryKeyString();
        var shards = MatchCards.Shards(Need.Details);
        foreach (var left in Need.MatchShards.Except(shards))
            await grains.GetGrain<INeedMatchmakingGrain>(left).RemoveAsync(id);
        await Task.WhenAll(shards.Select(shard => grains.GetGrain<INeedMatchmakingGrain>(shard).UpsertAsync(id, Need.Details)));
        if (!shards.SequenceEqual(Need.MatchShards))
        {
            Need.MatchShards = [.. shards];
            await state.SaveAsync();
        }
    }

    private async Task UnindexForMatchingAsync()
    {
        var id = this.GetPrimaryKeyString();
        await Task.WhenAll(Need.MatchShards.Select(shard => grains.GetGrain<INeedMatchmakingGrain>(shard).RemoveAsync(id)));
        if (Need.MatchShards.Count > 0)
        {
            Need.MatchShards = [];
            await state.SaveAsync();
        }
    }

    private IOpenNeedsGrain Catalogue() => grains.GetGrain<IOpenNeedsGrain>(Need.Details.Category);

    private OpenNeed Listing() =>
        new(this.GetPrimaryKeyString(), Need.Details.Region, Need.PublishedAt ?? Need.CreatedAt);

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private bool IsOwner(Caller caller) => Need.OwnerAccountId is not null && caller.AccountId == Need.OwnerAccountId;

    /// <summary>Who reads a draft and every bid: the SME and admins.</summary>
    private bool IsOwnerOrAdmin(Caller caller) => caller.IsAdmin || IsOwner(caller);

    private void EnsureExists()
    {
        if (!state.RecordExists) throw NotFound();
    }

    /// <summary>The SME's own decisions (edit, publish, join a programme, accept a bid): never an admin's in its place.</summary>
    private void EnsureOwner(Caller caller)
    {
        EnsureExists();
        if (!IsOwner(caller)) throw NotFound();
    }

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Need");

    private NeedView View(Caller caller)
    {
        var bids = IsOwnerOrAdmin(caller) ? Need.Bids : Need.Bids.Where(b => b.BidderAccountId == caller.AccountId).ToList();
        return ViewWith(bids);
    }

    private NeedView ListingView() => ViewWith([]);

    private NeedView ViewWith(IReadOnlyList<Bid> bids) => new(
        this.GetPrimaryKeyString(), Need.SmeId, Need.Status, Need.Details, Need.CreatedAt, Need.PublishedAt,
        Need.AwardedAt, Need.AwardedBidId, Need.Bids.Count(b => b.Status != BidStatus.Withdrawn), [.. bids], Need.ProgrammeId);
}
