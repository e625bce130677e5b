using Orleans.Concurrency;
using Microsoft.Extensions.Logging;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>
/// A named, dated group of startups in an institute: its call for applications, its members with their
/// KPI rows (pushed by each startup's <see cref="IStartupActivityGrain"/>), its mentors and its trend.
/// Only the managers of its institute and admins see it; startups see the call for applications.
/// </summary>
public interface ICohortGrain : IGrainWithStringKey
{
    Task<CohortView> CreateAsync(Caller caller, NewCohort cohort);
    Task<CohortView> GetAsync(Caller caller);
    Task<string> ApplyAsync(Caller caller, string startupId, string startupName, IReadOnlyList<string> answers);
    /// <summary>The call while it is open (before the cohort starts), with the startup's own application; null once closed.</summary>
    Task<OpenCall?> OpenCallAsync(string? startupId);
    /// <summary>The cohort as one of its members sees it, with the mentors assigned to that startup; null for a non-member.</summary>
    /// <summary>Reads only: interleaved, so that a mentor's grain may ask while this cohort is calling it (an assignment).</summary>
    [AlwaysInterleave]
    Task<CohortMembership?> MembershipAsync(string startupId);
    /// <summary>Whether the cohort's managers follow the startup now: a member, in a cohort not ended more than
    /// <see cref="IMentoringGrain.GraceDays"/> ago (as its mentors).</summary>
    Task<bool> FollowsAsync(string startupId);

    /// <summary>A cohort's startups are followed (by its managers, its mentors and its dashboard) until this many days after
    /// its end, to wrap up; then what they do is theirs again.</summary>
    static bool FollowedOn(DateOnly endsOn, DateOnly today) => today <= endsOn.AddDays(IMentoringGrain.GraceDays);
    /// <summary>
    /// Invites the owner of this address to score the cohort's applications (a manager of the cohort). Nothing is created
    /// for the address and nothing tells whether it has an account: its owner becomes an evaluator by accepting
    /// (<see cref="AnswerEvaluatorAsync"/>). Inviting again returns the invitation as it stands, with Created false.
    /// </summary>
    Task<(EvaluatorInvitation Invitation, bool Created)> InviteEvaluatorAsync(Caller caller, string email);
    /// <summary>
    /// The answer of the caller, a mentor or manager whose account has this address. Accepting makes the account an
    /// evaluator; answering the same way again changes nothing; the other way afterwards is a 409.
    /// </summary>
    Task<EvaluatorInvitation> AnswerEvaluatorAsync(Caller caller, string email, bool accept);
    /// <summary>The evaluator invitations sent, newest first; for the cohort's managers.</summary>
    Task<IReadOnlyList<EvaluatorInvitation>> EvaluatorInvitationsAsync(Caller caller);
    /// <summary>The owner of this address erased their account: the invitation names the pseudonym, and the account no longer evaluates.</summary>
    Task EraseEvaluatorAsync(string email, string accountId, string pseudonym);
    /// <summary>The applications, best weighted score first; for managers and the cohort's evaluators.</summary>
    Task<IReadOnlyList<ApplicationSummary>> RankAsync(Caller caller);
    Task<ApplicationView> GetApplicationAsync(Caller caller, string applicationId);
    Task<ApplicationSummary> ScoreAsync(Caller caller, string applicationId, IReadOnlyList<int> scores);
    Task<ApplicationDecision> DecideAsync(Caller caller, string applicationId, bool admit);
    /// <summary>
    /// Invites a startup (a manager of the cohort's institute): it becomes a member only when it accepts
    /// (<see cref="AnswerInvitationAsync"/>). Inviting again while the invitation waits returns it, with Created false.
    /// </summary>
    Task<(CohortInvitation Invitation, bool Created)> InviteAsync(Caller caller, string startupId);
    /// <summary>
    /// The startup's answer, for the startup whose owner the caller of this grain checked. Accepting adds the
    /// startup's row; answering the same way again changes nothing; a different answer afterwards is a 409.
    /// </summary>
    Task<(CohortInvitation Invitation, bool Changed)> AnswerInvitationAsync(string startupId, string invitationId, bool accept);
    /// <summary>The invitations sent, newest first; for the cohort's managers.</summary>
    Task<IReadOnlyList<CohortInvitation>> InvitationsAsync(Caller caller);
    /// <summary>
    /// The startup leaves (its owner withdraws its consent): its row goes from the dashboard, with its figures (its
    /// managers follow it no more), and <see cref="CohortEventKind.Left"/> events end its link to the cohort and each of
    /// its mentors' following here. Returns the departure (an earlier one when it had left already: leaving again changes
    /// nothing), or null for a startup that never was a member. It may be invited again.
    /// </summary>
    Task<CohortDeparture?> LeaveAsync(string startupId);
    Task AssignMentorAsync(Caller caller, string mentorId, string startupId);
    Task<IReadOnlyList<CohortEvent>> GetPendingEventsAsync();
    Task ConfirmEventAsync(string eventId);
    /// <summary>Hands the pending events to the follow-up again (the sweep, after a lost hand-over).</summary>
    Task RaisePendingEventsAsync();
    Task<CohortDashboard> GetDashboardAsync(Caller caller);
    /// <summary>A member's newest figures; an older snapshot than the row's is ignored, and so is any once the cohort is
    /// no longer followed (<see cref="FollowedOn"/>).</summary>
    Task RefreshRowAsync(string startupId, StartupKpis kpis);
    Task<bool> HasToldAsync(string key);
    Task MarkToldAsync(string key);
    /// <summary>The applications this account made (for its data export), as their applicant sees them: without the scorecards.</summary>
    Task<IReadOnlyList<ApplicationView>> ApplicationsOfAsync(string accountId);
    /// <summary>
    /// The startup's owner was erased: its name in rows, applications and its mentors' lists becomes the pseudonym,
    /// and the answers of the applications this account made are blanked. Repeating it changes nothing.
    /// </summary>
    Task EraseStartupAsync(string accountId, string startupId, string pseudonym);
    /// <summary>The startup renamed itself: its row and its mentors' lists show the new name (the dashboard, exports and
    /// mentor pages). Applications and invitations keep the name they were made under.</summary>
    Task RenameStartupAsync(string startupId, string name);
}

internal sealed class CohortGrain(
    [PersistentState("cohort", "marketplace")] IPersistentState<CohortState> state,
    IGrainFactory grains,
    ICohortEvents events,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<CohortGrain> logger) : Grain, ICohortGrain
{
    public const int MaxPendingEvents = 100;
    public const int MaxMembers = 200;
    public const int MaxApplications = 200;
    public const int MaxMentorAssignments = 400;
    public const int MaxTrendMonths = 60;
    public const int RememberedTold = 300;
    public const int MaxEvaluators = 20;
    public const int MaxInvitations = 400;
    /// <summary>Startup names are copied into rows and applications for display, cut to this length to keep the state bounded.</summary>
    public const int DisplayNameLength = 100;

    private CohortState C => state.State;
    private string Id => this.GetPrimaryKeyString();

    /// <summary>
    /// Evaluators added before they were invited by consent have no invitation: each gets an accepted one, written once,
    /// so the cohort shows on their Evaluations page and in the manager's list of evaluators like the others.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists) return;
        HandOver([.. C.PendingEvents]);
        foreach (var accountId in C.Evaluators.Where(id => !C.EvaluatorInvitations.Any(i => i.AccountId == id)).ToList())
        {
            if (await grains.GetGrain<IAccountGrain>(accountId).GetAsync() is not { Email.Length: > 0 } account) continue;
            var index = C.EvaluatorInvitations.FindIndex(i => i.Email == account.Email && i.Status == InvitationStatus.Invited);
            var accepted = index >= 0 ? C.EvaluatorInvitations[index] with { Status = InvitationStatus.Accepted, AnsweredAt = C.CreatedAt, AccountId = accountId }
                : new EvaluatorInvitation(Id, C.Name, account.Email, InvitationStatus.Accepted, C.CreatedAt, C.CreatedAt, accountId);
            if (index >= 0) C.EvaluatorInvitations[index] = accepted;
            else if (C.EvaluatorInvitations.Any(i => i.Email == account.Email)) continue; // answered already, by another account of the address
            else C.EvaluatorInvitations.Add(accepted);
            await grains.GetGrain<IEvaluatorInvitationsGrain>(account.Email).SaveAsync(accepted);
            await state.SaveAsync();
        }
    }

    public async Task<CohortView> CreateAsync(Caller caller, NewCohort cohort)
    {
        if (state.RecordExists) throw MarketplaceException.Conflict("Cohort id already taken.");
        await EnsureManagerAsync(caller, cohort.InstituteId);
        var institute = grains.GetGrain<IInstituteGrain>(cohort.InstituteId);
        if (await institute.GetAsync() is null) throw MarketplaceException.NotFound("Institute");
        state.State = new CohortState
        {
            InstituteId = cohort.InstituteId, Name = cohort.Name, StartsOn = cohort.StartsOn, EndsOn = cohort.EndsOn,
            Questions = [.. cohort.Questions], Rubric = [.. cohort.Rubric], Goals = [.. cohort.Goals], CreatedAt = time.GetUtcNow(),
        };
        await state.SaveAsync();
        await institute.AddCohortAsync(Id);
        return View(withMentors: true);
    }

    public async Task<CohortView> GetAsync(Caller caller)
    {
        EnsureExists();
        // A startup reads a call through OpenCallAsync or MembershipAsync, which know its startup.
        if (caller.Role == Roles.Startup) throw NotFound();
        if (IsEvaluator(caller)) return View(withMentors: false);
        await EnsureManagerAsync(caller, C.InstituteId);
        return View(withMentors: true);
    }

    public async Task<string> ApplyAsync(Caller caller, string startupId, string startupName, IReadOnlyList<string> answers)
    {
        EnsureExists();
        if (caller.Role != Roles.Startup) throw NotFound();
        if (Today() >= C.StartsOn) throw MarketplaceException.Conflict("The cohort has started; the call for applications is closed.");
        if (answers.Count != C.Questions.Count)
            throw MarketplaceException.Invalid("answers", $"Answer each of the {C.Questions.Count} questions, in order.");
        // Left: only a new invitation, which it accepts, brings it back (a cohort decides one application a startup).
        if (Left(startupId)) throw MarketplaceException.Conflict("This startup left the cohort; only a new invitation brings it back.");
        var previous = C.Applications.Find(a => a.StartupId == startupId);
        if (previous is not null) return previous.Id;
        // A member (it accepted an invitation) has nothing to apply for: the managers would score an application for nothing.
        if (C.Rows.Any(r => r.StartupId == startupId)) throw MarketplaceException.Conflict("This startup is already a member of the cohort.");
        if (C.Applications.Count >= MaxApplications) throw MarketplaceException.Conflict("The cohort has received the most applications it takes.");
        var id = Ids.New("app");
        var now = time.GetUtcNow();
        await grains.GetGrain<IApplicationGrain>(id).CreateAsync(Id, startupId, answers, now);
        C.Applications.Add(new ApplicationSummary(id, startupId, Display(startupName), caller.AccountId, ApplicationStatus.Submitted, null, 0, now));
        await state.SaveAsync();
        return id;
    }

    public Task<OpenCall?> OpenCallAsync(string? startupId)
    {
        if (!state.RecordExists || Today() >= C.StartsOn) return Task.FromResult<OpenCall?>(null);
        var mine = startupId is null ? null : C.Applications.Find(a => a.StartupId == startupId);
        return Task.FromResult<OpenCall?>(new OpenCall(View(withMentors: false), mine?.Id, mine?.Status,
            startupId is not null && C.Rows.Any(r => r.StartupId == startupId), startupId is not null && Left(startupId)));
    }

    public Task<CohortMembership?> MembershipAsync(string startupId) => Task.FromResult(
        state.RecordExists && C.Rows.Any(r => r.StartupId == startupId)
            ? new CohortMembership(View(withMentors: false), [.. C.Mentors.Where(m => m.StartupId == startupId).Select(m => m.MentorId).Distinct()])
            : null);

    /// <summary>Left the cohort and not a member again.</summary>
    private bool Left(string startupId) => C.Departures.Any(d => d.StartupId == startupId) && C.Rows.All(r => r.StartupId != startupId);

    public Task<bool> FollowsAsync(string startupId) =>
        Task.FromResult(state.RecordExists && C.Rows.Any(r => r.StartupId == startupId) && ICohortGrain.FollowedOn(C.EndsOn, Today()));

    public async Task<(EvaluatorInvitation Invitation, bool Created)> InviteEvaluatorAsync(Caller caller, string email)
    {
        await EnsureManagerAsync(caller);
        var copies = grains.GetGrain<IEvaluatorInvitationsGrain>(email);
        if (C.EvaluatorInvitations.Find(i => i.Email == email) is { } sent)
        {
            await copies.SaveAsync(sent); // repeats a copy a failure may have lost
            return (sent, false);
        }
        if (C.EvaluatorInvitations.Count(i => i.Status != InvitationStatus.Declined) >= MaxEvaluators)
            throw MarketplaceException.Conflict($"A cohort has at most {MaxEvaluators} evaluators.");
        var invitation = new EvaluatorInvitation(Id, C.Name, email, InvitationStatus.Invited, time.GetUtcNow(), null, null);
        C.EvaluatorInvitations.Add(invitation);
        // Declined invitations make room for new ones beyond twice the bound, the oldest first.
        while (C.EvaluatorInvitations.Count > 2 * MaxEvaluators) C.EvaluatorInvitations.Remove(C.EvaluatorInvitations.First(i => i.Status == InvitationStatus.Declined));
        await state.SaveAsync();
        await copies.SaveAsync(invitation);
        return (invitation, true);
    }

    public async Task<EvaluatorInvitation> AnswerEvaluatorAsync(Caller caller, string email, bool accept)
    {
        var index = state.RecordExists && caller.Role is Roles.Mentor or Roles.Manager ? C.EvaluatorInvitations.FindIndex(i => i.Email == email) : -1;
        if (index < 0) throw MarketplaceException.NotFound("Invitation");
        var invitation = C.EvaluatorInvitations[index];
        var wanted = accept ? InvitationStatus.Accepted : InvitationStatus.Declined;
        if (invitation.Status != wanted)
        {
            if (invitation.Status != InvitationStatus.Invited) throw MarketplaceException.Conflict($"The invitation was already {invitation.Status.Name()}.");
            if (accept && !C.Evaluators.Contains(caller.AccountId)) C.Evaluators.Add(caller.AccountId);
            invitation = invitation with { Status = wanted, AnsweredAt = time.GetUtcNow(), AccountId = caller.AccountId };
            C.EvaluatorInvitations[index] = invitation;
            await state.SaveAsync();
        }
        await grains.GetGrain<IEvaluatorInvitationsGrain>(email).SaveAsync(invitation);
        return invitation;
    }

    public async Task EraseEvaluatorAsync(string email, string accountId, string pseudonym)
    {
        if (!state.RecordExists) return;
        var index = C.EvaluatorInvitations.FindIndex(i => i.Email == email);
        if (index < 0 && !C.Evaluators.Contains(accountId)) return;
        if (index >= 0) C.EvaluatorInvitations[index] = C.EvaluatorInvitations[index] with { Email = pseudonym };
        C.Evaluators.Remove(accountId);
        await state.SaveAsync();
    }

    public async Task<IReadOnlyList<EvaluatorInvitation>> EvaluatorInvitationsAsync(Caller caller)
    {
        await EnsureManagerAsync(caller);
        return [.. C.EvaluatorInvitations.AsEnumerable().Reverse()];
    }

    public async Task<IReadOnlyList<ApplicationSummary>> RankAsync(Caller caller)
    {
        await EnsureScorerAsync(caller);
        // Evaluators score on their own: the average of the scorecards (and an order by it) would tell them the others'
        // scores, from their own and the count. They read the applications in the order they came (a manager of the
        // cohort who is an evaluator too reads it as a manager).
        if (IsEvaluator(caller) && !await ManagesAsync(caller)) return [.. C.Applications.OrderBy(a => a.SubmittedAt).Select(a => a with { Score = null })];
        return [.. C.Applications.OrderByDescending(a => a.Score ?? -1).ThenBy(a => a.SubmittedAt)];
    }

    public async Task<ApplicationView> GetApplicationAsync(Caller caller, string applicationId)
    {
        EnsureExists();
        var summary = C.Applications.Find(a => a.Id == applicationId) ?? throw MarketplaceException.NotFound("Application");
        if (summary.ApplicantAccountId != caller.AccountId) await EnsureScorerAsync(caller);
        var application = await grains.GetGrain<IApplicationGrain>(applicationId).GetAsync();
        // Evaluators score on their own: they see their scorecard, not the others'; the applicant sees none.
        if (summary.ApplicantAccountId == caller.AccountId && !caller.IsAdmin) return application with { Scorecards = [] };
        return IsEvaluator(caller) ? application with { Scorecards = [.. application.Scorecards.Where(s => s.ScorerAccountId == caller.AccountId)] }
            : application;
    }

    public async Task<ApplicationSummary> ScoreAsync(Caller caller, string applicationId, IReadOnlyList<int> scores)
    {
        await EnsureScorerAsync(caller);
        var index = C.Applications.FindIndex(a => a.Id == applicationId);
        if (index < 0) throw MarketplaceException.NotFound("Application");
        if (C.Rubric.Count == 0) throw MarketplaceException.Conflict("The cohort has no rubric to score with.");
        // A score given after the decision would reorder a ranking the decision was made on.
        if (C.Applications[index].Status != ApplicationStatus.Submitted)
            throw MarketplaceException.Conflict($"The application was already {C.Applications[index].Status.Name()}; it is no longer scored.");
        if (scores.Count != C.Rubric.Count) throw MarketplaceException.Invalid("scores", $"Give one score per criterion ({C.Rubric.Count}), in order.");
        var (score, cards) = await grains.GetGrain<IApplicationGrain>(applicationId).ScoreAsync(caller.AccountId, scores, C.Rubric, time.GetUtcNow());
        C.Applications[index] = C.Applications[index] with { Score = score, Scorecards = cards };
        await state.SaveAsync();
        return IsEvaluator(caller) && !await ManagesAsync(caller) ? C.Applications[index] with { Score = null } : C.Applications[index];
    }

    public async Task<ApplicationDecision> DecideAsync(Caller caller, string applicationId, bool admit)
    {
        await EnsureManagerAsync(caller);
        var index = C.Applications.FindIndex(a => a.Id == applicationId);
        if (index < 0) throw MarketplaceException.NotFound("Application");
        var application = C.Applications[index];
        var wanted = admit ? ApplicationStatus.Admitted : ApplicationStatus.Declined;
        if (application.Status == wanted)
        {
            // A repeat after a failure half-way: the startup's copy of an invitation the admission answered is written again.
            if (admit && C.Invitations.FindLast(i => i.StartupId == application.StartupId) is { Status: InvitationStatus.Accepted } answered)
                await grains.GetGrain<IStartupInvitationsGrain>(application.StartupId).SaveAsync(answered);
            return new ApplicationDecision(false, wanted, application.ApplicantAccountId, application.StartupName, C.Name, application.StartupId);
        }
        if (application.Status != ApplicationStatus.Submitted)
            throw MarketplaceException.Conflict($"The application was already {application.Status.Name()}.");
        if (admit) EnsureNotEnded();
        if (admit) await JoinAsync(application.StartupId, application.StartupName);
        C.Applications[index] = application with { Status = wanted };
        // Admitted on its own application: an invitation still waiting is answered by it (accepted), not left to decline.
        var waiting = admit ? C.Invitations.FindIndex(i => i.StartupId == application.StartupId && i.Status == InvitationStatus.Invited) : -1;
        if (waiting >= 0) C.Invitations[waiting] = C.Invitations[waiting] with { Status = InvitationStatus.Accepted, AnsweredAt = time.GetUtcNow() };
        var raised = AddEvent(admit ? CohortEventKind.Admitted : CohortEventKind.Declined, application.StartupId, applicationId: applicationId);
        await state.SaveAsync();
        HandOver(raised);
        if (waiting >= 0) await grains.GetGrain<IStartupInvitationsGrain>(application.StartupId).SaveAsync(C.Invitations[waiting]);
        return new ApplicationDecision(true, wanted, application.ApplicantAccountId, application.StartupName, C.Name, application.StartupId);
    }

    public async Task<(CohortInvitation Invitation, bool Created)> InviteAsync(Caller caller, string startupId)
    {
        await EnsureManagerAsync(caller);
        if (C.Rows.Any(r => r.StartupId == startupId)) throw MarketplaceException.Conflict("This startup is already a member of the cohort.");
        var waiting = C.Invitations.Find(i => i.StartupId == startupId && i.Status == InvitationStatus.Invited);
        if (waiting is not null)
        {
            await grains.GetGrain<IStartupInvitationsGrain>(startupId).SaveAsync(waiting); // repeats a copy a failure may have lost
            return (waiting, false);
        }
        EnsureNotEnded();
        if (C.Invitations.Count >= MaxInvitations) throw MarketplaceException.Conflict($"A cohort sends at most {MaxInvitations} invitations.");
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(caller);
        var invitation = new CohortInvitation(Ids.New("invite"), Id, C.Name, C.InstituteId, startupId, Display(startup.Details.Name),
            InvitationStatus.Invited, time.GetUtcNow(), null, C.StartsOn, C.EndsOn);
        C.Invitations.Add(invitation);
        var raised = AddEvent(CohortEventKind.Invited, startupId, invitationId: invitation.Id); // its e-mail, stored with it
        await state.SaveAsync();
        // The startup's copy first: the e-mail's link opens the page that lists it.
        await grains.GetGrain<IStartupInvitationsGrain>(startupId).SaveAsync(invitation);
        HandOver(raised);
        return (invitation, true);
    }

    public async Task<(CohortInvitation Invitation, bool Changed)> AnswerInvitationAsync(string startupId, string invitationId, bool accept)
    {
        EnsureExists();
        var index = C.Invitations.FindIndex(i => i.Id == invitationId && i.StartupId == startupId);
        if (index < 0) throw MarketplaceException.NotFound("Invitation");
        var invitation = C.Invitations[index];
        var wanted = accept ? InvitationStatus.Accepted : InvitationStatus.Declined;
        var changed = invitation.Status != wanted;
        if (changed)
        {
            if (invitation.Status != InvitationStatus.Invited)
                throw MarketplaceException.Conflict($"The invitation was already {invitation.Status.Name()}.");
            if (!accept && C.Rows.Any(r => r.StartupId == startupId)) throw MarketplaceException.Conflict("This startup is already a member of the cohort.");
            if (accept) EnsureNotEnded();
            if (accept) await JoinAsync(startupId, invitation.StartupName);
            invitation = invitation with { Status = wanted, AnsweredAt = time.GetUtcNow() };
            C.Invitations[index] = invitation;
            // Joined by the invitation: its application still waiting is answered by it (admitted), not left to score.
            var waiting = accept ? C.Applications.FindIndex(a => a.StartupId == startupId && a.Status == ApplicationStatus.Submitted) : -1;
            if (waiting >= 0) C.Applications[waiting] = C.Applications[waiting] with { Status = ApplicationStatus.Admitted };
            var raised = accept ? AddEvent(CohortEventKind.Joined, startupId) : null;
            await state.SaveAsync();
            if (raised is not null) HandOver(raised);
        }
        await grains.GetGrain<IStartupInvitationsGrain>(startupId).SaveAsync(invitation);
        return (invitation, changed);
    }

    public async Task<IReadOnlyList<CohortInvitation>> InvitationsAsync(Caller caller)
    {
        await EnsureManagerAsync(caller);
        return [.. C.Invitations.AsEnumerable().Reverse()];
    }

    public async Task<CohortDeparture?> LeaveAsync(string startupId)
    {
        if (!state.RecordExists) return null;
        if (C.Rows.Find(r => r.StartupId == startupId) is not { } row) return C.Departures.LastOrDefault(d => d.StartupId == startupId);
        C.Rows.Remove(row);
        RecordTrend();
        var departure = new CohortDeparture(startupId, row.Name, time.GetUtcNow());
        C.Departures.Add(departure);
        if (C.Departures.Count > MaxMembers) C.Departures.RemoveAt(0);
        var mentors = C.Mentors.Where(m => m.StartupId == startupId).Select(m => m.MentorId).Distinct().ToList();
        C.Mentors.RemoveAll(m => m.StartupId == startupId);
        // Its link to the cohort (what its figures follow) and each mentor's following end in the follow-up, stored here.
        List<CohortEvent> raised = [AddEvent(CohortEventKind.Left, startupId), .. mentors.Select(mentorId => AddEvent(CohortEventKind.Left, startupId, mentorId: mentorId))];
        await state.SaveAsync();
        HandOver(raised);
        return departure;
    }

    public async Task AssignMentorAsync(Caller caller, string mentorId, string startupId)
    {
        await EnsureManagerAsync(caller);
        var row = C.Rows.Find(r => r.StartupId == startupId) ?? throw MarketplaceException.NotFound("Startup in this cohort");
        if (C.Mentors.Any(m => m.MentorId == mentorId && m.StartupId == startupId)) return;
        EnsureNotEnded();
        if (C.Mentors.Count >= MaxMentorAssignments) throw MarketplaceException.Conflict("The cohort has the most mentor assignments it takes.");
        var mentor = await grains.GetGrain<IMentorGrain>(mentorId).GetAsync(Caller.Marketplace); // the cohort's manager, checked above
        await grains.GetGrain<IMentoringGrain>(mentorId).AssignAsync(new MentoredStartup(startupId, row.Name, Id, C.InstituteId, C.EndsOn), mentor.Details.Capacity);
        C.Mentors.Add(new MentorAssignment(mentorId, startupId, time.GetUtcNow()));
        var raised = AddEvent(CohortEventKind.MentorAssigned, startupId, mentorId: mentorId);
        await state.SaveAsync();
        HandOver(raised);
    }

    /// <summary>An ended cohort takes no new member and no new mentor: joining it would open a startup's figures to its
    /// managers, and a mentor's place, for a programme that is over.</summary>
    private void EnsureNotEnded()
    {
        if (Today() > C.EndsOn) throw MarketplaceException.Conflict("The cohort has ended; it takes no new members or mentors.");
    }

    public Task<IReadOnlyList<CohortEvent>> GetPendingEventsAsync() =>
        Task.FromResult<IReadOnlyList<CohortEvent>>(state.RecordExists ? [.. C.PendingEvents] : []);

    public async Task ConfirmEventAsync(string eventId)
    {
        if (state.RecordExists && C.PendingEvents.RemoveAll(e => e.Id == eventId) > 0) await state.SaveAsync();
    }

    public Task RaisePendingEventsAsync()
    {
        if (state.RecordExists) HandOver([.. C.PendingEvents]);
        return Task.CompletedTask;
    }

    private CohortEvent AddEvent(CohortEventKind kind, string startupId, string? applicationId = null, string? mentorId = null, string? invitationId = null)
    {
        if (C.PendingEvents.Count >= MaxPendingEvents)
        {
            logger.LogError("Cohort {Id}: {Count} events unconfirmed; dropping the oldest", Id, C.PendingEvents.Count);
            C.PendingEvents.RemoveAt(0);
        }
        var added = new CohortEvent(Ids.New("evt"), kind, startupId, applicationId, mentorId, time.GetUtcNow(), invitationId);
        C.PendingEvents.Add(added);
        return added;
    }

    /// <summary>Hands events over without waiting: a failure leaves them pending, for the next activation or the sweep.</summary>
    private void HandOver(params IReadOnlyList<CohortEvent> raised)
    {
        if (raised.Count == 0) return;
        var id = Id;
        EventHandOver.Start(() => events.RaiseAsync(id, raised), logger, $"Cohort {id}");
    }

    public async Task<CohortDashboard> GetDashboardAsync(Caller caller)
    {
        await EnsureManagerAsync(caller);
        return new CohortDashboard(Id, C.Name, C.InstituteId, [.. C.Rows], [.. C.Trends], [.. C.Departures]);
    }

    public async Task RefreshRowAsync(string startupId, StartupKpis kpis)
    {
        // A month after the cohort's end its dashboard stops following: what the startup does next is no longer shared.
        if (!state.RecordExists || !ICohortGrain.FollowedOn(C.EndsOn, Today())) return;
        var index = C.Rows.FindIndex(r => r.StartupId == startupId);
        if (index < 0 || C.Rows[index].Kpis.Version >= kpis.Version) return;
        C.Rows[index] = C.Rows[index] with { Kpis = kpis };
        RecordTrend();
        await state.SaveAsync();
    }

    public Task<bool> HasToldAsync(string key) => Task.FromResult(C.Told.Contains(key));

    public async Task MarkToldAsync(string key)
    {
        if (C.Told.Contains(key)) return;
        C.Told.Add(key);
        if (C.Told.Count > RememberedTold) C.Told.RemoveAt(0);
        await state.SaveAsync();
    }

    public async Task<IReadOnlyList<ApplicationView>> ApplicationsOfAsync(string accountId)
    {
        if (!state.RecordExists) return [];
        var mine = C.Applications.Where(a => a.ApplicantAccountId == accountId).Select(a => a.Id);
        // The scorers' scorecards are theirs: the applicant sees none (as on its application's page).
        return [.. (await Task.WhenAll(mine.Select(id => grains.GetGrain<IApplicationGrain>(id).GetAsync()))).Select(a => a with { Scorecards = [] })];
    }

    public async Task RenameStartupAsync(string startupId, string name)
    {
        if (!state.RecordExists) return;
        name = Display(name);
        var index = C.Rows.FindIndex(r => r.StartupId == startupId);
        var changed = index >= 0 && C.Rows[index].Name != name;
        if (changed) C.Rows[index] = C.Rows[index] with { Name = name };
        for (var i = 0; i < C.Departures.Count; i++)
            if (C.Departures[i].StartupId == startupId && C.Departures[i].Name != name) { C.Departures[i] = C.Departures[i] with { Name = name }; changed = true; }
        if (changed) await state.SaveAsync();
        await Task.WhenAll(C.Mentors.Where(m => m.StartupId == startupId).Select(m => m.MentorId).Distinct()
            .Select(mentorId => grains.GetGrain<IMentoringGrain>(mentorId).RenameStartupAsync(startupId, name)));
    }

    public async Task EraseStartupAsync(string accountId, string startupId, string pseudonym)
    {
        if (!state.RecordExists) return;
        await RenameStartupAsync(startupId, pseudonym);
        var changed = false;
        for (var i = 0; i < C.Applications.Count; i++)
            if (C.Applications[i].StartupId == startupId && C.Applications[i].StartupName != pseudonym) { C.Applications[i] = C.Applications[i] with { StartupName = pseudonym }; changed = true; }
        for (var i = 0; i < C.Invitations.Count; i++)
            if (C.Invitations[i].StartupId == startupId && C.Invitations[i].StartupName != pseudonym) { C.Invitations[i] = C.Invitations[i] with { StartupName = pseudonym }; changed = true; }
        if (changed) await state.SaveAsync();
        await Task.WhenAll(C.Invitations.Where(i => i.StartupId == startupId)
            .Select(i => grains.GetGrain<IStartupInvitationsGrain>(startupId).SaveAsync(i)));
        await Task.WhenAll(C.Applications.Where(a => a.ApplicantAccountId == accountId || a.StartupId == startupId)
            .Select(a => grains.GetGrain<IApplicationGrain>(a.Id).EraseAnswersAsync()));
    }

    /// <summary>
    /// Adds the startup to the rows (not yet saved) and gives it the cohort's goals. Its figures arrive once
    /// <see cref="IStartupActivityGrain.JoinCohortAsync"/> is called after this: the cohort never calls the
    /// activity grain itself, which calls the cohort, so the two can never wait on each other.
    /// </summary>
    private async Task JoinAsync(string startupId, string name)
    {
        if (C.Rows.Any(r => r.StartupId == startupId)) return;
        if (C.Rows.Count >= MaxMembers) throw MarketplaceException.Conflict($"A cohort has at most {MaxMembers} startups.");
        if (C.Goals.Count > 0) await grains.GetGrain<IStartupGoalsGrain>(startupId).AddFromCohortAsync(Id, C.EndsOn, C.Goals);
        C.Rows.Add(new CohortRow(startupId, Display(name), StartupKpis.None, time.GetUtcNow()));
        RecordTrend();
    }

    private void RecordTrend()
    {
        var month = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM");
        var k = C.Rows.Select(r => r.Kpis).ToList();
        var point = new TrendPoint(month, k.Sum(x => x.BidsSubmitted), k.Sum(x => x.BidsWon), k.Sum(x => x.RevenueContractedMinor),
            k.Sum(x => x.RevenueReleasedMinor), k.Sum(x => x.MilestonesDelivered), k.Sum(x => x.MentorSessions));
        var index = C.Trends.FindIndex(t => t.Month == month);
        if (index >= 0) C.Trends[index] = point;
        else C.Trends.Add(point);
        if (C.Trends.Count > MaxTrendMonths) C.Trends.RemoveAt(0);
    }

    private static string Display(string name) => name.Length <= DisplayNameLength ? name : Texts.Cut(name, DisplayNameLength - 1) + "…";

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private void EnsureExists()
    {
        if (!state.RecordExists) throw NotFound();
    }

    private Task EnsureManagerAsync(Caller caller)
    {
        EnsureExists();
        return EnsureManagerAsync(caller, C.InstituteId);
    }

    private bool IsEvaluator(Caller caller) => state.RecordExists && C.Evaluators.Contains(caller.AccountId);

    /// <summary>The cohort's evaluators, then as <see cref="EnsureManagerAsync(Caller)"/>.</summary>
    private Task EnsureScorerAsync(Caller caller)
    {
        EnsureExists();
        return IsEvaluator(caller) ? Task.CompletedTask : EnsureManagerAsync(caller);
    }

    /// <summary>Admins, and managers of the institute; anyone else is told the cohort does not exist.</summary>
    private async Task<bool> ManagesAsync(Caller caller)
    {
        try { await EnsureManagerAsync(caller, C.InstituteId); return true; }
        catch (MarketplaceException) { return false; }
    }

    private async Task EnsureManagerAsync(Caller caller, string instituteId)
    {
        if (caller.IsAdmin) return;
        if (caller.Role == Roles.Manager)
        {
            var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
            if (account?.Institutes.Contains(instituteId) == true) return;
        }
        throw NotFound();
    }

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Cohort");

    private CohortView View(bool withMentors) => new(Id, C.InstituteId, C.Name, C.StartsOn, C.EndsOn, [.. C.Questions], [.. C.Rubric],
        [.. C.Goals], C.Rows.Count, C.Applications.Count, withMentors ? [.. C.Mentors] : [], withMentors ? [.. C.Evaluators] : []);
}
