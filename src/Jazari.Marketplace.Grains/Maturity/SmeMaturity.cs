using Jazari.Marketplace.Grains.Accounts;

namespace Jazari.Marketplace.Grains.Maturity;

/// <summary>
/// An SME's digital maturity (key: the SME id): its assessments, the needs drafted from their plans, its completed
/// engagements and the invitations to re-assess that follow them. Read by that SME's account and admins (404 for
/// others); it keeps the SME's line of the public figures (<see cref="IMaturityFiguresGrain"/>) up to date.
/// </summary>
public interface ISmeMaturityGrain : IGrainWithStringKey
{
    /// <summary>The same answers again within this time are the same assessment (a double tap, a form sent twice).</summary>
    static readonly TimeSpan SameAnswersAgainWithin = TimeSpan.FromMinutes(10);

    /// <summary>Stores a scored assessment (the same id again changes nothing) and updates the figures.</summary>
    Task<Assessment> RecordAsync(Caller caller, Assessment assessment, PeerGroup group);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Assessment>> ListAsync(Caller caller);
    /// <summary>The id of the need drafted from a plan's item: the same every time (<c>Reserved</c> true the first time).</summary>
    Task<(string NeedId, bool Reserved)> DraftNeedIdAsync(Caller caller, string assessmentId, int index);
    /// <summary>The needs drafted from the plans' items (their ids reserved; one whose creation failed may not exist).</summary>
    Task<IReadOnlyList<DraftedNeed>> DraftedAsync(Caller caller);
    /// <summary>An engagement completed: counted once in the figures; an invitation to re-assess is due six months later.</summary>
    Task<ReassessmentInvitation> EngagementCompletedAsync(CompletedEngagement engagement);
    /// <summary>Invitations due at <paramref name="now"/> and not sent yet.</summary>
    Task<IReadOnlyList<ReassessmentInvitation>> DueInvitationsAsync(DateTimeOffset now);
    Task InvitationSentAsync(string key, DateTimeOffset at);
    /// <summary>An admin or the SME asks for an invitation now (on demand); one per day at most.</summary>
    Task<ReassessmentInvitation> InviteNowAsync(string? accountId);
}

[GenerateSerializer, Alias("jazari.drafted-need")]
public sealed record DraftedNeed([property: Id(0)] string AssessmentId, [property: Id(1)] int Index, [property: Id(2)] string NeedId);

[GenerateSerializer, Alias("jazari.sme-maturity-state")]
public sealed class SmeMaturityState
{
    /// <summary>Oldest first; the first is always kept (the "before").</summary>
    [Id(0)] public List<Assessment> Assessments { get; set; } = [];
    [Id(1)] public List<DraftedNeed> Drafted { get; set; } = [];
    [Id(2)] public List<CompletedEngagement> Completed { get; set; } = [];
    [Id(3)] public List<ReassessmentInvitation> Invitations { get; set; } = [];
    [Id(4)] public PeerGroup? Group { get; set; }
}

internal sealed class SmeMaturityGrain(
    [PersistentState("sme-maturity", "marketplace")] IPersistentState<SmeMaturityState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISmeMaturityGrain
{
    /// <summary>About 1.5 KiB each: 40 assessments, 200 drafts, 200 engagements and invitations stay far under the state bound.</summary>
    public const int MaxAssessments = 40, MaxDrafted = 200, MaxCompleted = 200, MaxInvitations = 200;
    public static readonly TimeSpan ReassessAfter = TimeSpan.FromDays(182);

    private SmeMaturityState S => state.State;
    private string SmeId => this.GetPrimaryKeyString();

    private async Task EnsureMayReadAsync(Caller caller)
    {
        if (caller.IsAdmin) return;
        if (caller.Role == Roles.Sme && (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId == SmeId) return;
        throw MarketplaceException.NotFound("SME");
    }

    public async Task<Assessment> RecordAsync(Caller caller, Assessment assessment, PeerGroup group)
    {
        await EnsureMayReadAsync(caller);
        if (S.Assessments.Find(a => a.Id == assessment.Id) is { } done) return done;
        // The same answers sent again within minutes (a double tap, the form sent twice): the assessment taken then. A
        // second copy would count the SME as re-assessed, its "after" a copy of its "before".
        if (S.Assessments.Count > 0 && S.Assessments[^1] is { } last && last.Version == assessment.Version
            && last.Answers.SequenceEqual(assessment.Answers) && assessment.TakenAt - last.TakenAt < ISmeMaturityGrain.SameAnswersAgainWithin)
            return last;
        S.Assessments.Add(assessment);
        if (S.Assessments.Count > MaxAssessments) S.Assessments.RemoveAt(1); // keep the first: it is the "before"
        var previous = S.Group;
        S.Group = group;
        await state.SaveAsync();
        await PutLineAsync(previous);
        return assessment;
    }

    public async Task<IReadOnlyList<Assessment>> ListAsync(Caller caller)
    {
        await EnsureMayReadAsync(caller);
        return [.. Enumerable.Reverse(S.Assessments)];
    }

    public async Task<(string NeedId, bool Reserved)> DraftNeedIdAsync(Caller caller, string assessmentId, int index)
    {
        await EnsureMayReadAsync(caller);
        if (S.Assessments.Find(a => a.Id == assessmentId) is not { } a) throw MarketplaceException.NotFound("Assessment");
        if (index < 0 || index >= a.Plan.Count) throw MarketplaceException.NotFound("Recommendation");
        if (S.Drafted.Find(d => d.AssessmentId == assessmentId && d.Index == index) is { } drafted) return (drafted.NeedId, false);
        if (S.Drafted.Count >= MaxDrafted) S.Drafted.RemoveAt(0);
        var needId = Ids.New("need");
        S.Drafted.Add(new DraftedNeed(assessmentId, index, needId));
        await state.SaveAsync();
        return (needId, true);
    }

    public async Task<IReadOnlyList<DraftedNeed>> DraftedAsync(Caller caller)
    {
        await EnsureMayReadAsync(caller);
        return [.. S.Drafted];
    }

    public async Task<ReassessmentInvitation> EngagementCompletedAsync(CompletedEngagement engagement)
    {
        var key = $"engagement:{engagement.NeedId}";
        if (S.Completed.Any(c => c.NeedId == engagement.NeedId))
        {
            await PutLineAsync(S.Group); // a repeat after a failure half-way: the line is written again
            return S.Invitations.Find(i => i.Key == key) ?? new ReassessmentInvitation(key, engagement.SmeAccountId, engagement.CompletedAt + ReassessAfter, null);
        }
        S.Completed.Add(engagement);
        if (S.Completed.Count > MaxCompleted) S.Completed.RemoveAt(0);
        var invitation = new ReassessmentInvitation(key, engagement.SmeAccountId, engagement.CompletedAt + ReassessAfter, null);
        AddInvitation(invitation);
        await state.SaveAsync();
        await PutLineAsync(S.Group);
        return invitation;
    }

    private void AddInvitation(ReassessmentInvitation invitation)
    {
        S.Invitations.Add(invitation);
        if (S.Invitations.Count > MaxInvitations) S.Invitations.RemoveAt(0);
    }

    public Task<IReadOnlyList<ReassessmentInvitation>> DueInvitationsAsync(DateTimeOffset now) =>
        Task.FromResult<IReadOnlyList<ReassessmentInvitation>>([.. S.Invitations.Where(i => i.SentAt is null && i.DueAt <= now)]);

    public async Task InvitationSentAsync(string key, DateTimeOffset at)
    {
        var i = S.Invitations.FindIndex(x => x.Key == key);
        if (i < 0 || S.Invitations[i].SentAt is not null) return;
        S.Invitations[i] = S.Invitations[i] with { SentAt = at };
        await state.SaveAsync();
    }

    public async Task<ReassessmentInvitation> InviteNowAsync(string? accountId)
    {
        var now = time.GetUtcNow();
        var key = $"on-demand:{now:yyyy-MM-dd}";
        if (S.Invitations.Find(i => i.Key == key) is { } today) return today;
        var invitation = new ReassessmentInvitation(key, accountId, now, null);
        AddInvitation(invitation);
        await state.SaveAsync();
        return invitation;
    }

    /// <summary>The SME's line in the figures of its region (moved when its region changed).</summary>
    private async Task PutLineAsync(PeerGroup? previous)
    {
        if (S.Group is not { } group || S.Assessments.Count == 0) return;
        if (previous is not null && previous.Region != group.Region)
            await grains.GetGrain<IMaturityFiguresGrain>(IMaturityFiguresGrain.KeyOf(previous.Region, SmeId)).RemoveAsync(SmeId);
        var first = S.Assessments[0];
        var latest = S.Assessments[^1];
        var completed = S.Completed.GroupBy(c => c.ProgrammeId ?? "")
            .Select(g => new ImpactSums(g.Key, g.Count(), g.Sum(c => c.ReleasedMinor), g.Sum(c => c.CoFundedMinor))).ToList();
        await grains.GetGrain<IMaturityFiguresGrain>(IMaturityFiguresGrain.KeyOf(group.Region, SmeId)).PutAsync(new MaturityLine(
            SmeId, group, WithOverall(first), S.Assessments.Count > 1 ? WithOverall(latest) : null, completed));
    }

    private static IReadOnlyList<DimensionScore> WithOverall(Assessment a) => [.. a.Scores, new DimensionScore(MaturityLine.Overall, a.OverallTenths)];
}
