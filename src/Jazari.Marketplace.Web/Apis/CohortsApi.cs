using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Email;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Cohorts of an institute: the call for applications, members, mentors and the manager's dashboard.</summary>
public static class CohortsApi
{
    public static void MapCohortsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/cohorts").WithTags("Cohorts").RequireAuthorization();
        var managers = api.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin));
        // Managers of other institutes and mentors may be a cohort's evaluators: the cohort grain checks who is.
        var scorers = api.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Manager, Roles.Admin, Roles.Mentor));
        managers.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Manager));
        managers.MapGet("/", List);
        api.MapGet("/{id:id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(CohortResponse.From(await grains.GetGrain<ICohortGrain>(id).GetAsync(user.Caller()))));
        api.MapPost("/{id:id}/applications", Apply).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        managers.MapPost("/{id:id}/evaluators", InviteEvaluator);
        scorers.MapGet("/{id:id}/applications", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok((await grains.GetGrain<ICohortGrain>(id).RankAsync(user.Caller())).Select(ApplicationResponse.From)));
        api.MapGet("/{id:id}/applications/{appId:id}", async (string id, string appId, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<ICohortGrain>(id).GetApplicationAsync(user.Caller(), appId)));
        scorers.MapPost("/{id:id}/applications/{appId:id}/scores", Score);
        managers.MapPost("/{id:id}/applications/{appId:id}/decision", Decide);
        managers.MapPost("/{id:id}/members", AddMember);
        managers.MapPost("/{id:id}/mentors", AssignMentor);
        managers.MapGet("/{id:id}/mentors/suggestions", Suggest);
        managers.MapGet("/{id:id}/dashboard", Dashboard);
    }

    internal static async Task<Created<CreatedId>> Create(CohortInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var cohort = body.ToCohort(c);
        c.ThrowIfFailed();
        var id = Ids.New("cohort");
        await grains.GetGrain<ICohortGrain>(id).CreateAsync(user.Caller(), cohort);
        return TypedResults.Created($"/api/cohorts/{id}", new CreatedId(id));
    }

    internal static async Task<Ok<List<CohortResponse>>> List(ClaimsPrincipal user, IGrainFactory grains)
    {
        var caller = user.Caller();
        var institutes = caller.IsAdmin
            ? await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync()
            : (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Institutes ?? [];
        var views = await Task.WhenAll(institutes.Select(i => grains.GetGrain<IInstituteGrain>(i).GetAsync()));
        var cohorts = await Task.WhenAll(views.SelectMany(v => v?.CohortIds ?? []).Select(id => grains.GetGrain<ICohortGrain>(id).GetAsync(caller)));
        return TypedResults.Ok(cohorts.Select(CohortResponse.From).OrderByDescending(x => x.StartsOn).ToList());
    }

    private static async Task<Created<CreatedId>> Apply(string id, ApplicationInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        if (body.Answers is { Count: > 10 }) c.Error("answers", "At most 10 answers.");
        var answers = (body.Answers ?? []).Take(10).Select((a, i) => c.Text($"answers[{i}]", a, 2000, multiLine: true)).ToList();
        c.ThrowIfFailed();
        var caller = user.Caller();
        var startupId = await grains.ProfileOfAsync(caller, "startup");
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(caller);
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(caller.AccountId).TookPartAsync(Grains.Accounts.PartyOf.Cohort, id);
        var appId = await grains.GetGrain<ICohortGrain>(id).ApplyAsync(caller, startupId, startup.Details.Name, answers);
        return TypedResults.Created($"/api/cohorts/{id}/applications/{appId}", new CreatedId(appId));
    }

    /// <summary>
    /// An evaluator is a mentor or manager account found by its e-mail address; an address without an account gets a
    /// mentor account (mentors are the network's experts; the role alone opens nothing of a cohort). The evaluator is
    /// e-mailed once, in their language, with the cohort to sign in to.
    /// </summary>
    private static async Task<Ok<EvaluatorResponse>> InviteEvaluator(string id, EvaluatorInput body, ClaimsPrincipal user, IGrainFactory grains,
        IEmailSender outbox, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var c = new Checks();
        var email = c.Email("email", body.Email);
        var displayName = c.OptionalText("displayName", body.DisplayName, 100);
        var language = body.Language is null ? null : c.OneOf("language", body.Language, Reference.Languages);
        c.ThrowIfFailed();
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var invitee = new NewAccount(email, Roles.Mentor, displayName ?? email.Split('@')[0], language ?? "fr", []);
        var (account, added) = await cohort.AddEvaluatorAsync(user.Caller(), invitee);
        if (added)
        {
            var name = (await cohort.GetAsync(user.Caller())).Name;
            await outbox.SendAsync(IncubationEmails.EvaluatorInvitation(account.Email, account.DisplayName, name, id, account.Language, time.GetUtcNow()));
        }
        return TypedResults.Ok(new EvaluatorResponse(account.Id, account.Email, account.Role));
    }

    internal static async Task<Ok<ApplicationResponse>> Score(string id, string appId, ScoreInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var scores = (body.Scores ?? []).Select((s, i) => c.Whole($"scores[{i}]", s, 0, 5)).ToList();
        if (scores.Count is 0 or > 10) c.Error("scores", "Give one score (0 to 5) per criterion of the rubric.");
        c.ThrowIfFailed();
        return TypedResults.Ok(ApplicationResponse.From(await grains.GetGrain<ICohortGrain>(id).ScoreAsync(user.Caller(), appId, scores)));
    }

    internal static async Task<Ok<ApplicationDecision>> Decide(string id, string appId, DecisionInput body, ClaimsPrincipal user,
        IGrainFactory grains, IEmailSender outbox, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        if (body.Admit is not { } admit) throw new InvalidInputException(new Dictionary<string, string[]> { ["admit"] = ["Required."] });
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var decision = await cohort.DecideAsync(user.Caller(), appId, admit);
        var application = await cohort.GetApplicationAsync(user.Caller(), appId);
        if (admit) await JoinAsync(grains, cohort, user.Caller(), application.StartupId);
        if (decision.Changed && await grains.GetGrain<IAccountGrain>(decision.ApplicantAccountId).GetAsync() is { } applicant)
            await outbox.SendAsync(IncubationEmails.Decision(applicant.Email, applicant.DisplayName, decision.StartupName, decision.CohortName,
                admit, applicant.Language, time.GetUtcNow()));
        return TypedResults.Ok(decision);
    }

    internal static async Task<Ok<DashboardRow>> AddMember(string id, MemberInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var startupId = c.Id("startupId", body.StartupId);
        c.ThrowIfFailed();
        var cohort = grains.GetGrain<ICohortGrain>(id);
        var row = await cohort.AddMemberAsync(user.Caller(), startupId);
        var kpis = await JoinAsync(grains, cohort, user.Caller(), startupId);
        return TypedResults.Ok(DashboardRow.From(startupId, row.Name, kpis));
    }

    /// <summary>Once the cohort holds the startup's row, the startup's KPIs start flowing into it.</summary>
    private static async Task<StartupKpis> JoinAsync(IGrainFactory grains, ICohortGrain cohort, Caller caller, string startupId)
    {
        var view = await cohort.GetAsync(caller);
        var activity = grains.GetGrain<IStartupActivityGrain>(startupId);
        await activity.JoinCohortAsync(view.Id, view.InstituteId);
        return (await activity.GetAsync()).Kpis;
    }

    internal static async Task<Ok> AssignMentor(string id, MentorAssignmentInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var mentorId = c.Id("mentorId", body.MentorId);
        var startupId = c.Id("startupId", body.StartupId);
        c.ThrowIfFailed();
        await grains.GetGrain<ICohortGrain>(id).AssignMentorAsync(user.Caller(), mentorId, startupId);
        return TypedResults.Ok();
    }

    internal static async Task<Ok<IReadOnlyList<MentorSuggestion>>> Suggest(string id, string? startupId, int? top, string? language,
        ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        c.Id("startupId", startupId);
        var count = c.Whole("top", top ?? 5, 1, 50);
        if (language is not null) c.OneOf("language", language, Reference.Languages);
        c.ThrowIfFailed();
        var caller = user.Caller();
        language ??= (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Language ?? "en";
        var dashboard = await grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(caller);
        if (!dashboard.Rows.Any(r => r.StartupId == startupId)) throw MarketplaceException.NotFound("Startup in this cohort");
        var startup = await grains.GetGrain<IStartupGrain>(startupId!).GetAsync(caller);
        var loads = await grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).ListAsync();
        var mentors = await Task.WhenAll(loads.Select(async l => (l.MentorId, (await grains.GetGrain<IMentorGrain>(l.MentorId).GetAsync(caller)).Details, l.Assigned)));
        return TypedResults.Ok(MentorSuggestions.Rank(startup.Details, mentors, count, language));
    }

    private static async Task<IResult> Dashboard(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var dashboard = DashboardResponse.From(await grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(user.Caller()), time.GetUtcNow());
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains(DashboardExports.Xlsx, StringComparison.OrdinalIgnoreCase))
            return TypedResults.File(DashboardExports.ToXlsx(dashboard), DashboardExports.Xlsx, $"{id}.xlsx");
        if (accept.Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase))
            return TypedResults.File(DashboardExports.ToCsv(dashboard), DashboardExports.Csv + "; charset=utf-8", $"{id}.csv");
        return TypedResults.Ok(dashboard);
    }
}
