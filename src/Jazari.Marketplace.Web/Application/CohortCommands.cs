using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Cohorts of an institute: the call for applications and its scoring, invitations (a startup joins only when it
/// accepts, or through an admitted application), mentors, and the managers' dashboard.
/// </summary>
public sealed class CohortCommands(IGrainFactory grains, AuditTrail audit, Notifier notifier, Jobs.CohortFollowUps followUps,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public async Task<string> CreateAsync(Caller caller, CohortInput input)
    {
        var cohort = Checks.Valid(c => input.ToCohort(c, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)));
        var id = Ids.New("cohort");
        await grains.GetGrain<ICohortGrain>(id).CreateAsync(caller, cohort);
        return id;
    }

    /// <summary>The cohorts of the caller's institutes (every institute for admins), latest start first.</summary>
    public async Task<List<CohortResponse>> ListAsync(Caller caller)
    {
        var institutes = caller.IsAdmin
            ? await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync()
            : (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Institutes ?? [];
        var views = await Task.WhenAll(institutes.Select(i => grains.GetGrain<IInstituteGrain>(i).GetAsync()));
        var cohorts = await Task.WhenAll(views.SelectMany(v => v?.CohortIds ?? []).Select(id => grains.GetGrain<ICohortGrain>(id).GetAsync(caller)));
        return [.. cohorts.Select(CohortResponse.From).OrderByDescending(x => x.StartsOn)];
    }

    /// <summary>
    /// A cohort as the caller may read it. A startup reads a call while it is open, and afterwards only a cohort it belongs
    /// to: a closed call's questions, rubric weights and counts are no business of every startup.
    /// </summary>
    public async Task<CohortResponse> GetAsync(Caller caller, string id)
    {
        var cohort = grains.GetGrain<ICohortGrain>(id);
        if (caller.Role != Roles.Startup) return CohortResponse.From(await cohort.GetAsync(caller));
        var startupId = await OwnStartupIdAsync(caller);
        if (await cohort.OpenCallAsync(startupId) is { } call) return CohortResponse.From(call.Cohort);
        if (startupId is not null && await cohort.MembershipAsync(startupId) is { } membership) return CohortResponse.From(membership.Cohort);
        throw MarketplaceException.NotFound("Cohort");
    }

    /// <summary>The caller's startup applies; the cohort is remembered among the account's places (export, erasure).</summary>
    public async Task<string> ApplyAsync(Caller caller, string id, ApplicationInput input)
    {
        var answers = Checks.Valid(c =>
        {
            if (input.Answers is { Count: > 10 }) c.Error("answers", "At most 10 answers.");
            return (input.Answers ?? []).Take(10).Select((a, i) => c.Text($"answers[{i}]", a, 2000, multiLine: true)).ToList();
        });
        var startupId = await OwnStartupIdAsync(caller) ?? throw MarketplaceException.Conflict("Create your startup profile first.");
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(caller);
        var cohort = grains.GetGrain<ICohortGrain>(id);
        // The place is written before the application, so an erasure finds it; only for a cohort that takes applications
        // (no row for every id a startup makes up). For any other, the application answers why (404, or 409 once started).
        var call = await cohort.OpenCallAsync(startupId);
        if (call is not null) await grains.GetGrain<IAccountGrain>(caller.AccountId).TookPartAsync(PartyOf.Cohort, id);
        var applicationId = await cohort.ApplyAsync(caller, startupId, startup.Details.Name, answers);
        // A new application is news, and so is one sent again while undecided (a retry after a failure half-way tells the
        // managers not told yet; the day's key tells each once). Once decided, applying again tells nobody.
        if (call is { Status: null or ApplicationStatus.Submitted }) await TellManagersAsync(call.Cohort, startup.Details.Name);
        return applicationId;
    }

    /// <summary>
    /// The institute's managers hear of the first new application of each day (UTC) to a cohort, once each: a busy call
    /// makes one e-mail a day, and its page lists them all.
    /// </summary>
    private async Task TellManagersAsync(CohortView cohort, string startupName)
    {
        var institute = await grains.GetGrain<IInstituteGrain>(cohort.InstituteId).GetAsync();
        var day = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var managerId in institute?.ManagerAccountIds ?? [])
            await notifier.NotifyAsync(managerId, NotificationKinds.ApplicationReceived, $"cohort:{cohort.Id}:applications:{day}", new Dictionary<string, string>
            {
                ["startup"] = startupName, ["cohort"] = cohort.Name, ["link"] = notifier.Link($"/manager/cohorts/{cohort.Id}"),
            });
    }

    /// <summary>
    /// The calls for applications still open (cohorts that have not started) in every institute, soonest start first,
    /// each with the caller's own application when its startup applied: where a startup finds a cohort to apply to.
    /// </summary>
    public async Task<List<OpenCallResponse>> OpenCallsAsync(Caller caller)
    {
        var startupId = await OwnStartupIdAsync(caller);
        var institutes = await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync();
        var views = (await Task.WhenAll(institutes.Select(i => grains.GetGrain<IInstituteGrain>(i).GetAsync()))).OfType<InstituteView>();
        var calls = await Task.WhenAll(views.SelectMany(v => v.CohortIds.Select(async id =>
            (Institute: v, Call: await grains.GetGrain<ICohortGrain>(id).OpenCallAsync(startupId)))));
        return [.. calls.Where(x => x.Call is not null).Select(x => OpenCallResponse.From(x.Call!, x.Institute.Name))
            .OrderBy(x => x.StartsOn, StringComparer.Ordinal).ThenBy(x => x.Name, StringComparer.Ordinal)];
    }

    /// <summary>One call while it is open, with the caller's own application; null once the cohort has started.</summary>
    public async Task<OpenCallResponse?> OpenCallAsync(Caller caller, string id)
    {
        if (await grains.GetGrain<ICohortGrain>(id).OpenCallAsync(await OwnStartupIdAsync(caller)) is not { } call) return null;
        var institute = await grains.GetGrain<IInstituteGrain>(call.Cohort.InstituteId).GetAsync();
        return OpenCallResponse.From(call, institute?.Name ?? "");
    }

    /// <summary>
    /// Startups whose name contains the text, for a manager of the cohort to invite: from the matching index (every
    /// startup that offers a category), public fields only, each marked when already invited or a member.
    /// </summary>
    public async Task<List<StartupCandidate>> FindStartupsAsync(Caller caller, string id, string? name)
    {
        var text = Checks.Valid(c =>
        {
            var typed = c.Text("name", name?.Trim(), 100, minLength: 2);
            // Accents alone (which the comparison ignores) would match every name.
            if (typed.Length >= 2 && (typed.Count(char.IsLetterOrDigit) < 2 || Names.Contains("", typed))) c.Error("name", "Must hold at least 2 letters or digits.");
            return typed;
        });
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var invitations = await cohort.InvitationsAsync(caller); // managers of the cohort only
        var members = (await cohort.GetDashboardAsync(caller)).Rows.Select(r => r.StartupId).ToHashSet();
        var found = await Task.WhenAll(Reference.Categories.Select(c => grains.GetGrain<IStartupMatchmakingGrain>(c).FindByNameAsync(text, MaxFound)));
        return [.. found.SelectMany(f => f).DistinctBy(s => s.Id).OrderBy(s => s.Name, StringComparer.Ordinal).Take(MaxFound)
            .Select(s => new StartupCandidate(s.Id, s.Name, s.City, s.Region, s.Categories,
                members.Contains(s.Id) ? "member" : invitations.FirstOrDefault(i => i.StartupId == s.Id && i.Status == InvitationStatus.Invited) is null ? null : "invited"))];
    }

    /// <summary>How many startups a search by name shows at most.</summary>
    public const int MaxFound = 20;

    public async Task<List<ApplicationResponse>> RankAsync(Caller caller, string id) =>
        [.. (await grains.GetGrain<ICohortGrain>(id).RankAsync(caller)).Select(ApplicationResponse.From)];

    /// <summary>An application as its page shows it to a manager or an evaluator: the call, the answers with the
    /// scorecards the reader may see, and its line in the ranking.</summary>
    public async Task<ApplicationPage> ApplicationPageAsync(Caller caller, string id, string appId)
    {
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var call = await cohort.GetAsync(caller);
        var application = await cohort.GetApplicationAsync(caller, appId);
        return new ApplicationPage(call, application, (await cohort.RankAsync(caller)).Single(a => a.Id == appId));
    }

    public Task<ApplicationView> GetApplicationAsync(Caller caller, string id, string appId) =>
        grains.GetGrain<ICohortGrain>(id).GetApplicationAsync(caller, appId);

    public async Task<ApplicationResponse> ScoreAsync(Caller caller, string id, string appId, ScoreInput input)
    {
        var scores = Checks.Valid(c =>
        {
            var scores = (input.Scores ?? []).Select((s, i) => c.Whole($"scores[{i}]", s, 0, 5)).ToList();
            if (scores.Count is 0 or > 10) c.Error("scores", "Give one score (0 to 5) per criterion of the rubric.");
            return scores;
        });
        return ApplicationResponse.From(await grains.GetGrain<ICohortGrain>(id).ScoreAsync(caller, appId, scores));
    }

    /// <summary>Admitting makes the startup a member (it applied: that is its consent); the applicant is e-mailed once.</summary>
    public async Task<DecisionResponse> DecideAsync(Caller caller, string id, string appId, DecisionInput input)
    {
        if (input.Admit is not { } admit) throw new InvalidInputException(new Dictionary<string, string[]> { ["admit"] = ["Required."] });
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var decision = await cohort.DecideAsync(caller, appId, admit);
        // The member's link and the applicant's e-mail: stored with the decision, done now (or by a job if this request dies).
        await followUps.HandlePendingAsync(id, decision.StartupId);
        return new DecisionResponse(appId, decision.Status.Name(), decision.Changed);
    }

    /// <summary>
    /// Invites a startup: nothing private of it opens to the cohort's managers until it accepts. Its owner is
    /// e-mailed once per invitation, and the cohort joins the owner's places (export, erasure).
    /// </summary>
    public async Task<InvitationSent> InviteAsync(Caller caller, string id, MemberInput input)
    {
        var startupId = Checks.Valid(c => c.Id("startupId", input.StartupId));
        var startup = grains.GetGrain<IStartupGrain>(startupId);
        if (await startup.GetCardAsync() is null) throw MarketplaceException.NotFound("Startup");
        var (invitation, _) = await grains.GetGrain<ICohortGrain>(id).InviteAsync(caller, startupId);
        await followUps.HandlePendingAsync(id, startupId); // the e-mail, at once (or by its job, after a crash)
        // And here, whatever the event's job did: a host of the previous version, during a deploy, knows no such event.
        await followUps.InvitedAsync(id, startupId, invitation.Id);
        // Once per invitation, also when a request repeated after a failure half-way is the one that gets this far.
        await audit.RecordOnceAsync(caller, $"aud-invited-{invitation.Id}", invitation.InvitedAt, AuditActions.CohortInvitationSent, id,
            $"startup {startupId}; invitation {invitation.Id}");
        return new InvitationSent(invitation.Id, invitation.Status.Name());
    }

    /// <summary>The invitations the caller's startup received, newest first (none before it has a profile).</summary>
    public async Task<List<InvitationResponse>> MyInvitationsAsync(Caller caller)
    {
        if (await OwnStartupIdAsync(caller) is not { } startupId) return [];
        var invitations = await grains.GetGrain<IStartupInvitationsGrain>(startupId).ListAsync();
        return [.. invitations.Reverse().Select(InvitationResponse.From)];
    }

    /// <summary>
    /// The cohorts the caller's startup is a member of (it accepted their invitation or was admitted), latest start first,
    /// each with its institute and the mentors assigned to the startup (names from the mentor directory).
    /// </summary>
    public async Task<List<MemberCohortResponse>> MyCohortsAsync(Caller caller)
    {
        if (await OwnStartupIdAsync(caller) is not { } startupId) return [];
        var links = (await grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Cohorts;
        var cohorts = await Task.WhenAll(links.Select(async link =>
        {
            if (await grains.GetGrain<ICohortGrain>(link.CohortId).MembershipAsync(startupId) is not { } membership) return null;
            var institute = await grains.GetGrain<IInstituteGrain>(link.InstituteId).GetAsync();
            var mentors = await Task.WhenAll(membership.MentorIds.Select(async id =>
                new MentorName(id, (await grains.GetGrain<IMentorGrain>(id).GetAsync(Caller.Marketplace)).Details.Name)));
            return MemberCohortResponse.From(membership.Cohort, institute?.Name ?? "", mentors);
        }));
        return [.. cohorts.OfType<MemberCohortResponse>().OrderByDescending(c => c.StartsOn, StringComparer.Ordinal)];
    }

    /// <summary>The invitations a cohort sent, newest first: for its managers.</summary>
    public async Task<List<InvitationResponse>> CohortInvitationsAsync(Caller caller, string id) =>
        [.. (await grains.GetGrain<ICohortGrain>(id).InvitationsAsync(caller)).Select(InvitationResponse.From)];

    /// <summary>
    /// The startup's owner accepts or declines. Accepting makes it a member: its row, the cohort's goals, and its
    /// KPIs flowing to the cohort. Each step repeats safely, so a retry after a failure finishes the job.
    /// </summary>
    public async Task<InvitationResponse> AnswerInvitationAsync(Caller caller, string invitationId, bool accept)
    {
        var startupId = await OwnStartupIdAsync(caller) ?? throw MarketplaceException.NotFound("Invitation");
        var copy = await grains.GetGrain<IStartupInvitationsGrain>(startupId).FindAsync(invitationId)
            ?? throw MarketplaceException.NotFound("Invitation");
        var (answered, changed) = await grains.GetGrain<ICohortGrain>(copy.CohortId).AnswerInvitationAsync(startupId, invitationId, accept);
        var joined = answered.Status switch
        {
            InvitationStatus.Accepted => true,
            InvitationStatus.Declined => false,
            InvitationStatus.Invited => throw new InvalidOperationException($"Invitation {invitationId} is still waiting after its answer."),
            _ => throw new InvalidOperationException($"Unknown invitation status {answered.Status}."),
        };
        // Accepted: the link to the cohort, stored with the answer and done now (a job does it if this request dies).
        if (joined) await followUps.HandlePendingAsync(answered.CohortId, startupId);
        if (changed)
            await audit.RecordAsync(caller, AuditActions.CohortInvitationAnswered, answered.CohortId, $"{answered.Status.Name()}; invitation {invitationId}");
        return InvitationResponse.From(answered);
    }

    /// <summary>
    /// The startup's owner takes it out of a cohort, withdrawing the consent it gave by joining: the cohort's managers
    /// read its figures no more, its row leaves the dashboard, its figures stop going there, and its mentors there stop
    /// following it. Leaving a cohort it left already changes nothing; one it never was in is 404. A retry after a failure
    /// finishes the job, and a job ends the mentors' following if this request dies.
    /// </summary>
    public async Task LeaveAsync(Caller caller, string id)
    {
        var startupId = await OwnStartupIdAsync(caller) ?? throw MarketplaceException.NotFound("Cohort");
        // The row first: its managers follow only a member. Then the link and the mentors, now (or by the job).
        var departure = await grains.GetGrain<ICohortGrain>(id).LeaveAsync(startupId) ?? throw MarketplaceException.NotFound("Cohort");
        await followUps.HandlePendingAsync(id, startupId);
        await audit.RecordOnceAsync(caller, $"aud-left-{id}-{startupId}-{departure.LeftAt.ToUnixTimeMilliseconds()}", departure.LeftAt,
            AuditActions.CohortLeft, id, $"startup {startupId}");
    }

    public async Task AssignMentorAsync(Caller caller, string id, MentorAssignmentInput input)
    {
        var (mentorId, startupId) = Checks.Valid(c => (c.Id("mentorId", input.MentorId), c.Id("startupId", input.StartupId)));
        await grains.GetGrain<ICohortGrain>(id).AssignMentorAsync(caller, mentorId, startupId);
        // The mentor's and the startup's e-mails, stored with the assignment: sent now, or by a job if this request dies.
        await followUps.HandlePendingAsync(id, startupId);
    }

    /// <summary>The mentors best suited to a member startup (expertise, shared language, free capacity), with the reasons.</summary>
    public async Task<IReadOnlyList<MentorSuggestion>> SuggestAsync(Caller caller, string id, string? startupId, int? top, string? language)
    {
        var count = Checks.Valid(c =>
        {
            c.Id("startupId", startupId);
            if (language is not null) c.OneOf("language", language, Reference.Languages);
            return c.Whole("top", top ?? 5, 1, 50);
        });
        language ??= (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Language ?? "en";
        var dashboard = await grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(caller);
        if (!dashboard.Rows.Any(r => r.StartupId == startupId)) throw MarketplaceException.NotFound("Startup in this cohort");
        var startup = await grains.GetGrain<IStartupGrain>(startupId!).GetAsync(caller);
        return MentorSuggestions.Rank(startup.Details, await MentorsAsync(), count, language);
    }

    /// <summary>Each member with its mentors' names and the best suggestions among the others: the manager's mentor page.</summary>
    public async Task<IReadOnlyList<MemberMentors>> MentorBoardAsync(Caller caller, string id, int top, string language)
    {
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var view = await cohort.GetAsync(caller);
        var rows = (await cohort.GetDashboardAsync(caller)).Rows.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) return [];
        var mentors = await MentorsAsync();
        var names = mentors.ToDictionary(m => m.Id, m => m.Mentor.Name);
        var board = new List<MemberMentors>();
        foreach (var row in rows)
        {
            var startup = await grains.GetGrain<IStartupGrain>(row.StartupId).GetAsync(caller);
            var current = view.Mentors.Where(m => m.StartupId == row.StartupId).Select(m => m.MentorId).ToHashSet();
            var suggestions = MentorSuggestions.Rank(startup.Details, mentors.Where(m => !current.Contains(m.Id)), top, language);
            board.Add(new(row, [.. current.Select(m => names.GetValueOrDefault(m, m))], suggestions));
        }
        return board;
    }

    public async Task<DashboardResponse> DashboardAsync(Caller caller, string id) =>
        DashboardResponse.From(await grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(caller), time.GetUtcNow());

    /// <summary>The members' rows, by name: for the cohort's page.</summary>
    public async Task<IReadOnlyList<CohortRow>> MembersAsync(Caller caller, string id) =>
        [.. (await grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(caller)).Rows.OrderBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The network's mentor directory, read as the marketplace: the caller (a manager of the cohort) was checked by the
    /// cohort first, and suggestions show a mentor's name and expertise only, which is what the directory is for.
    /// </summary>
    private async Task<List<(string Id, MentorDetails Mentor, int Assigned)>> MentorsAsync()
    {
        var loads = await grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).ListAsync();
        var mentors = await Task.WhenAll(loads.Select(async l => (l.MentorId, (await grains.GetGrain<IMentorGrain>(l.MentorId).GetAsync(Caller.Marketplace)).Details, l.Assigned)));
        return [.. mentors];
    }

    private async Task<string?> OwnStartupIdAsync(Caller caller) =>
        caller.Role == Roles.Startup ? (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId : null;
}

public sealed record InvitationSent(string InvitationId, string Status);

/// <summary>A startup a manager may invite: its public fields, and "member" or "invited" when it already is.</summary>
public sealed record StartupCandidate(string Id, string Name, string City, string Region, IReadOnlyList<string> Categories, string? Already);

/// <summary>A call for applications still open, and the caller's application to it (status null when it has not applied);
/// Member when the caller's startup already is one (it accepted an invitation), Left when it left the cohort (it may not
/// apply again).</summary>
public sealed record OpenCallResponse(string CohortId, string Name, string InstituteId, string InstituteName, string StartsOn, string EndsOn,
    IReadOnlyList<string> Questions, string? ApplicationId, string? ApplicationStatus, bool Member, bool Left = false)
{
    public static OpenCallResponse From(OpenCall call, string instituteName) => new(call.Cohort.Id, call.Cohort.Name, call.Cohort.InstituteId,
        instituteName, call.Cohort.StartsOn.ToString("yyyy-MM-dd"), call.Cohort.EndsOn.ToString("yyyy-MM-dd"), call.Cohort.Questions,
        call.ApplicationId, call.Status?.Name(), call.Member, call.Left);
}

/// <summary>A cohort the startup is a member of, and the mentors assigned to it there.</summary>
public sealed record MemberCohortResponse(string CohortId, string Name, string InstituteId, string InstituteName, string StartsOn, string EndsOn,
    IReadOnlyList<MentorName> Mentors)
{
    public static MemberCohortResponse From(CohortView cohort, string instituteName, IReadOnlyList<MentorName> mentors) => new(cohort.Id,
        cohort.Name, cohort.InstituteId, instituteName, cohort.StartsOn.ToString("yyyy-MM-dd"), cohort.EndsOn.ToString("yyyy-MM-dd"), mentors);
}

public sealed record MentorName(string MentorId, string Name);

public sealed record InvitationResponse(string Id, string CohortId, string CohortName, string InstituteId, string StartupId, string StartupName,
    string Status, string StartsOn, DateTimeOffset InvitedAt, DateTimeOffset? AnsweredAt, string? EndsOn)
{
    public static InvitationResponse From(CohortInvitation i) => new(i.Id, i.CohortId, i.CohortName, i.InstituteId, i.StartupId, i.StartupName,
        i.Status.Name(), i.StartsOn.ToString("yyyy-MM-dd"), i.InvitedAt, i.AnsweredAt, i.EndsOn?.ToString("yyyy-MM-dd"));

    /// <summary>Whether its cohort has ended by <paramref name="today"/> (the cohort grain's date): it can no longer be accepted.</summary>
    public bool EndedBy(DateOnly today) => EndsOn is { } ends && today > DateOnly.ParseExact(ends, "yyyy-MM-dd");
}

public sealed record ApplicationPage(CohortView Cohort, ApplicationView Application, ApplicationSummary Summary);

public sealed record MemberMentors(CohortRow Row, IReadOnlyList<string> Mentors, IReadOnlyList<MentorSuggestion> Suggestions);
