using Jazari.Marketplace.Grains.Incubation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Needs;

/// <summary>What the SME asks an opinion on: bids of an open need, or a delivered milestone of its engagement.</summary>
public enum ExpertReviewKind { Bids, Milestone }

public enum ExpertReviewStatus { Requested, Assigned, Answered, Expired }

public enum ExpertReviewEventKind { Requested, Assigned, Reminder, Answered, Expired }

/// <summary>A bid as it was when the opinion was asked (the mentor reads it even if the bid moves on).</summary>
[GenerateSerializer, Alias("jazari.reviewed-bid")]
public sealed record ReviewedBid(
    [property: Id(0)] string BidId,
    [property: Id(1)] string StartupId,
    [property: Id(2)] string StartupName,
    [property: Id(3)] long PriceMinor,
    [property: Id(4)] int DurationDays,
    [property: Id(5)] string Proposal);

/// <summary>The mentor's opinion on one bid: fit, price and risks from 1 (poor, or high risk) to 5 (good, or low risk).</summary>
[GenerateSerializer, Alias("jazari.bid-opinion")]
public sealed record BidOpinion(
    [property: Id(0)] string BidId,
    [property: Id(1)] int Fit,
    [property: Id(2)] int Price,
    [property: Id(3)] int Risks,
    [property: Id(4)] string Notes);

/// <summary>What the SME asked, checked by the application layer: its need, the bids (or the milestone), the institutes that handle it.</summary>
[GenerateSerializer, Alias("jazari.expert-review-request")]
public sealed record ExpertReviewRequest(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string NeedTitle,
    [property: Id(2)] string SmeAccountId,
    [property: Id(3)] ExpertReviewKind Kind,
    [property: Id(4)] int? MilestoneIndex,
    [property: Id(5)] IReadOnlyList<ReviewedBid> Bids,
    [property: Id(6)] string Question,
    [property: Id(7)] IReadOnlyList<string> InstituteIds,
    [property: Id(8)] string Currency);

[GenerateSerializer, Alias("jazari.expert-review-view")]
public sealed record ExpertReviewView(
    [property: Id(0)] string Id,
    [property: Id(1)] ExpertReviewRequest Request,
    [property: Id(2)] ExpertReviewStatus Status,
    [property: Id(3)] DateTimeOffset RequestedAt,
    [property: Id(4)] string? MentorId,
    [property: Id(5)] string? MentorName,
    [property: Id(6)] string? MentorAccountId,
    [property: Id(7)] DateTimeOffset? AssignedAt,
    [property: Id(8)] DateTimeOffset? DueAt,
    [property: Id(9)] DateTimeOffset? AnsweredAt,
    [property: Id(10)] IReadOnlyList<BidOpinion> Opinions);

[GenerateSerializer, Alias("jazari.expert-review-event")]
public sealed record ExpertReviewEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] ExpertReviewEventKind Kind,
    [property: Id(2)] DateTimeOffset At);

[GenerateSerializer, Alias("jazari.expert-review-state")]
public sealed class ExpertReviewState
{
    [Id(0)] public ExpertReviewRequest Request { get; set; } = default!;
    [Id(1)] public ExpertReviewStatus Status { get; set; }
    [Id(2)] public DateTimeOffset RequestedAt { get; set; }
    [Id(3)] public string? MentorId { get; set; }
    [Id(4)] public string? MentorName { get; set; }
    [Id(5)] public string? MentorAccountId { get; set; }
    [Id(6)] public DateTimeOffset? AssignedAt { get; set; }
    [Id(7)] public DateTimeOffset? DueAt { get; set; }
    [Id(8)] public DateTimeOffset? AnsweredAt { get; set; }
    /// <summary>When the assigned mentor was reminded (once per assignment).</summary>
    [Id(9)] public DateTimeOffset? RemindedAt { get; set; }
    [Id(10)] public List<BidOpinion> Opinions { get; set; } = [];
    /// <summary>Events not yet confirmed by their follow-up; at most <see cref="ExpertReviewGrain.MaxPendingEvents"/>.</summary>
    [Id(11)] public List<ExpertReviewEvent> PendingEvents { get; set; } = [];
}

/// <summary>
/// A neutral opinion an SME asks its institute for, before accepting a bid (up to three bids) or on a delivered
/// milestone. Seen by the SME, the assigned mentor, the managers of the institutes that handle it and admins; never by
/// the bidding startups. Its e-mails, reminder and expiry are events stored with each change (<see cref="IExpertReviewEvents"/>).
/// </summary>
public interface IExpertReviewGrain : IGrainWithStringKey
{
    /// <summary>Stores the request (checked by the caller: the need's SME, the bids live); asking again changes nothing.</summary>
    Task<ExpertReviewView> RequestAsync(ExpertReviewRequest request);
    /// <summary>The SME, the assigned mentor, the handling institutes' managers, admins; 404 for anyone else.</summary>
    Task<ExpertReviewView> GetAsync(Caller caller);
    /// <summary>The handling institutes' managers and admins.</summary>
    Task<bool> MayAssignAsync(Caller caller);
    /// <summary>A manager (of a handling institute) or an admin assigns a mentor (checked untied by the caller) until it is answered.</summary>
    Task<ExpertReviewView> AssignAsync(Caller caller, string mentorId, string mentorName, string mentorAccountId, DateTimeOffset dueAt);
    /// <summary>The assigned mentor gives the opinion, one per bid, before it is due; the same answer again changes nothing.</summary>
    Task<ExpertReviewView> AnswerAsync(Caller caller, IReadOnlyList<BidOpinion> opinions);
    /// <summary>A startup, the mentor or the SME of the opinion was erased: its name becomes the pseudonym, and what it
    /// wrote (the bid's proposal, the mentor's notes, the SME's question and need title) is blanked or replaced as the
    /// need's is; the prices and scores stay. Repeating it changes nothing.</summary>
    Task EraseAsync(string accountId, string? profileId, string pseudonym);
    /// <summary>Due for a reminder: one Reminder event (once per assignment); past due: expired. Safe to repeat.</summary>
    Task<ExpertReviewStatus> TickAsync(TimeSpan remindBefore);
    Task ConfirmEventAsync(string eventId);
    [AlwaysInterleave]
    Task<IReadOnlyList<ExpertReviewEvent>> GetPendingEventsAsync();
    Task RaisePendingEventsAsync();
}

/// <summary>Hands an expert review's events to whoever follows them up (the web host queues Hangfire jobs); raising twice is harmless.</summary>
public interface IExpertReviewEvents
{
    Task RaiseAsync(string reviewId, IReadOnlyList<ExpertReviewEvent> events);
}

internal sealed class ExpertReviewGrain(
    [PersistentState("expert-review", "marketplace")] IPersistentState<ExpertReviewState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IExpertReviewEvents events,
    ILogger<ExpertReviewGrain> logger) : Grain, IExpertReviewGrain
{
    public const int MaxPendingEvents = 16;

    private ExpertReviewState R => state.State;
    private string Id => this.GetPrimaryKeyString();

    public async Task<ExpertReviewView> RequestAsync(ExpertReviewRequest request)
    {
        if (state.RecordExists)
        {
            // The same ask again (a race of identical requests, a retry after a crash): listed where it belongs, once.
            if (R.Request.SmeAccountId != request.SmeAccountId) throw NotFound();
            await ListAsync();
            return View();
        }
        state.State = new ExpertReviewState { Request = request, Status = ExpertReviewStatus.Requested, RequestedAt = time.GetUtcNow() };
        var raised = AddEvent(ExpertReviewEventKind.Requested);
        await state.SaveAsync();
        await ListAsync();
        HandOver(raised);
        return View();
    }

    public async Task<ExpertReviewView> GetAsync(Caller caller)
    {
        if (!state.RecordExists) throw NotFound();
        if (caller.AccountId == R.Request.SmeAccountId || (R.MentorAccountId is not null && caller.AccountId == R.MentorAccountId) || await MayAssignAsync(caller))
            return View();
        throw NotFound();
    }

    public async Task<bool> MayAssignAsync(Caller caller)
    {
        if (!state.RecordExists) return false;
        if (caller.IsAdmin) return true;
        if (caller.Role != Roles.Manager) return false;
        foreach (var instituteId in R.Request.InstituteIds)
            if ((await grains.GetGrain<IInstituteGrain>(instituteId).GetAsync())?.ManagerAccountIds.Contains(caller.AccountId) == true) return true;
        return false;
    }

    public async Task<ExpertReviewView> AssignAsync(Caller caller, string mentorId, string mentorName, string mentorAccountId, DateTimeOffset dueAt)
    {
        if (!await MayAssignAsync(caller)) throw NotFound();
        if (R.Status == ExpertReviewStatus.Assigned && R.MentorId == mentorId) return View();
        if (R.Status is not (ExpertReviewStatus.Requested or ExpertReviewStatus.Assigned))
            throw MarketplaceException.Conflict("This expert opinion is answered or expired already.");
        R.Status = ExpertReviewStatus.Assigned;
        (R.MentorId, R.MentorName, R.MentorAccountId) = (mentorId, mentorName, mentorAccountId);
        R.AssignedAt = time.GetUtcNow();
        R.DueAt = dueAt;
        R.RemindedAt = null;
        var raised = AddEvent(ExpertReviewEventKind.Assigned);
        await state.SaveAsync();
        await ListAsync();
        HandOver(raised);
        return View();
    }

    public async Task<ExpertReviewView> AnswerAsync(Caller caller, IReadOnlyList<BidOpinion> opinions)
    {
        if (!state.RecordExists || R.MentorAccountId is null || caller.AccountId != R.MentorAccountId) throw NotFound();
        if (R.Status == ExpertReviewStatus.Answered && R.Opinions.SequenceEqual(opinions)) return View();
        if (R.Status != ExpertReviewStatus.Assigned) throw MarketplaceException.Conflict("This expert opinion is answered or expired already.");
        if (time.GetUtcNow() >= R.DueAt) throw MarketplaceException.Conflict("The time set for this opinion is over.");
        var asked = R.Request.Bids.Select(b => b.BidId).Order(StringComparer.Ordinal);
        if (!opinions.Select(o => o.BidId).Order(StringComparer.Ordinal).SequenceEqual(asked))
            throw MarketplaceException.Invalid("bids", "Give one opinion for each bid asked about, and no other.");
        R.Opinions = [.. opinions];
        R.Status = ExpertReviewStatus.Answered;
        R.AnsweredAt = time.GetUtcNow();
        var raised = AddEvent(ExpertReviewEventKind.Answered);
        await state.SaveAsync();
        await ListAsync();
        HandOver(raised);
        return View();
    }

    public async Task EraseAsync(string accountId, string? profileId, string pseudonym)
    {
        if (!state.RecordExists) return;
        var bids = R.Request.Bids.Select(b => profileId is not null && b.StartupId == profileId ? b with { StartupName = pseudonym, Proposal = "" } : b).ToList();
        var mentor = profileId is not null && R.MentorId == profileId;
        var sme = R.Request.SmeAccountId == accountId && (R.Request.Question.Length > 0 || R.Request.NeedTitle != ErasedNeed.Title(pseudonym));
        if (bids.SequenceEqual(R.Request.Bids) && !sme && !(mentor && (R.MentorName != pseudonym || R.Opinions.Any(o => o.Notes.Length > 0)))) return;
        R.Request = R.Request with { Bids = bids };
        if (sme) R.Request = R.Request with { Question = "", NeedTitle = ErasedNeed.Title(pseudonym) };
        if (mentor)
        {
            R.MentorName = pseudonym;
            R.Opinions = [.. R.Opinions.Select(o => o with { Notes = "" })];
        }
        await state.SaveAsync();
    }

    public async Task<ExpertReviewStatus> TickAsync(TimeSpan remindBefore)
    {
        if (!state.RecordExists || R.Status != ExpertReviewStatus.Assigned || R.DueAt is not { } due) return state.RecordExists ? R.Status : ExpertReviewStatus.Expired;
        var now = time.GetUtcNow();
        ExpertReviewEvent raised;
        if (now >= due)
        {
            R.Status = ExpertReviewStatus.Expired;
            raised = AddEvent(ExpertReviewEventKind.Expired);
        }
        else if (now >= due - remindBefore && R.RemindedAt is null)
        {
            R.RemindedAt = now;
            raised = AddEvent(ExpertReviewEventKind.Reminder);
        }
        else return R.Status;
        await state.SaveAsync();
        await ListAsync();
        HandOver(raised);
        return R.Status;
    }

    public async Task ConfirmEventAsync(string eventId)
    {
        if (R.PendingEvents.RemoveAll(e => e.Id == eventId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<ExpertReviewEvent>> GetPendingEventsAsync() =>
        Task.FromResult<IReadOnlyList<ExpertReviewEvent>>(state.RecordExists ? [.. R.PendingEvents] : []);

    public Task RaisePendingEventsAsync()
    {
        if (state.RecordExists) HandOver([.. R.PendingEvents]);
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) => RaisePendingEventsAsync();

    /// <summary>The lists it appears in: its need's, and the queue of open requests. Both are sets: safe to repeat.</summary>
    private async Task ListAsync()
    {
        await grains.GetGrain<INeedExpertReviewsGrain>(R.Request.NeedId).AddAsync(Id);
        await grains.GetGrain<IExpertReviewQueueGrain>(IExpertReviewQueueGrain.Key).PutAsync(
            new ExpertReviewEntry(Id, R.Request.NeedId, R.Status, [.. R.Request.InstituteIds], R.MentorAccountId, R.RequestedAt, R.DueAt));
    }

    private ExpertReviewEvent AddEvent(ExpertReviewEventKind kind)
    {
        if (R.PendingEvents.Count >= MaxPendingEvents)
        {
            logger.LogError("Expert review {Id}: {Count} events unconfirmed; dropping the oldest", Id, R.PendingEvents.Count);
            R.PendingEvents.RemoveAt(0);
        }
        var added = new ExpertReviewEvent(Ids.New("evt"), kind, time.GetUtcNow());
        R.PendingEvents.Add(added);
        return added;
    }

    private void HandOver(params IReadOnlyList<ExpertReviewEvent> raised)
    {
        if (raised.Count == 0) return;
        var id = Id;
        EventHandOver.Start(() => events.RaiseAsync(id, raised), logger, $"Expert review {id}");
    }

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Expert opinion");

    private ExpertReviewView View() => new(Id, R.Request, R.Status, R.RequestedAt, R.MentorId, R.MentorName, R.MentorAccountId,
        R.AssignedAt, R.DueAt, R.AnsweredAt, [.. R.Opinions]);
}

/// <summary>The expert opinions asked on one need (key: the need id), for the need's page.</summary>
public interface INeedExpertReviewsGrain : IGrainWithStringKey
{
    const int MaxPerNeed = 10;
    /// <summary>At most <see cref="MaxPerNeed"/> (409 beyond).</summary>
    Task AddAsync(string reviewId);
    Task<IReadOnlyList<string>> ListAsync();
}

[GenerateSerializer, Alias("jazari.need-expert-reviews-state")]
public sealed class NeedExpertReviewsState
{
    [Id(0)] public List<string> ReviewIds { get; set; } = [];
}

internal sealed class NeedExpertReviewsGrain(
    [PersistentState("need-expert-reviews", "marketplace")] IPersistentState<NeedExpertReviewsState> state) : Grain, INeedExpertReviewsGrain
{
    private const int MaxPerNeed = INeedExpertReviewsGrain.MaxPerNeed;

    public async Task AddAsync(string reviewId)
    {
        if (state.State.ReviewIds.Contains(reviewId)) return;
        if (state.State.ReviewIds.Count >= MaxPerNeed) throw MarketplaceException.Conflict($"At most {MaxPerNeed} expert opinions per need.");
        state.State.ReviewIds.Add(reviewId);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.ReviewIds]);
}

/// <summary>One request waiting for a mentor or for its opinion (the queue keeps no names: they live with the review).</summary>
[GenerateSerializer, Alias("jazari.expert-review-entry")]
public sealed record ExpertReviewEntry(
    [property: Id(0)] string Id,
    [property: Id(1)] string NeedId,
    [property: Id(2)] ExpertReviewStatus Status,
    [property: Id(3)] IReadOnlyList<string> InstituteIds,
    [property: Id(4)] string? MentorAccountId,
    [property: Id(5)] DateTimeOffset RequestedAt,
    [property: Id(6)] DateTimeOffset? DueAt);

/// <summary>The open expert opinions of the network (requested or assigned): the managers' queue, the mentors' list, the
/// reminder sweep. An answered or expired one leaves it.</summary>
public interface IExpertReviewQueueGrain : IGrainWithStringKey
{
    const string Key = "jazari";
    Task PutAsync(ExpertReviewEntry entry);
    Task<IReadOnlyList<ExpertReviewEntry>> ListAsync();
}

[GenerateSerializer, Alias("jazari.expert-review-queue-state")]
public sealed class ExpertReviewQueueState
{
    [Id(0)] public List<ExpertReviewEntry> Entries { get; set; } = [];
}

internal sealed class ExpertReviewQueueGrain(
    [PersistentState("expert-review-queue", "marketplace")] IPersistentState<ExpertReviewQueueState> state) : Grain, IExpertReviewQueueGrain
{
    /// <summary>About 200 bytes an entry: far under the state bound.</summary>
    public const int MaxOpen = 1000;

    public async Task PutAsync(ExpertReviewEntry entry)
    {
        var entries = state.State.Entries;
        var i = entries.FindIndex(e => e.Id == entry.Id);
        var open = entry.Status is ExpertReviewStatus.Requested or ExpertReviewStatus.Assigned;
        if (!open)
        {
            if (i < 0) return;
            entries.RemoveAt(i);
        }
        else if (i >= 0)
        {
            if (entries[i] == entry || (entries[i].Status == entry.Status && entries[i].MentorAccountId == entry.MentorAccountId && entries[i].DueAt == entry.DueAt)) return;
            entries[i] = entry;
        }
        else
        {
            if (entries.Count >= MaxOpen) throw MarketplaceException.Conflict($"At most {MaxOpen} expert opinions wait at once; try again later.");
            entries.Add(entry);
        }
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<ExpertReviewEntry>> ListAsync() => Task.FromResult<IReadOnlyList<ExpertReviewEntry>>([.. state.State.Entries]);
}

public static class ExpertReviewNames
{
    public static string Name(this ExpertReviewStatus status) => status.ToString().ToLowerInvariant();
    public static string Name(this ExpertReviewKind kind) => kind.ToString().ToLowerInvariant();
}
