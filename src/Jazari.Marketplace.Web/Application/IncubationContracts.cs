using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Web.Application;

// Request bodies of the incubation endpoints: only these fields are read.

public sealed record InstituteInput
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? Region { get; init; }
}

public sealed record RubricInput
{
    public string? Name { get; init; }
    public int? Weight { get; init; }
}

public sealed record GoalInput
{
    public string? What { get; init; }
    public string? Unit { get; init; }
    public long? Target { get; init; }
    public string? DueOn { get; init; }

    public GoalTemplate ToTemplate(Checks c, string prefix = "")
    {
        if (Target is null) c.Error(prefix + "target", "Required.");
        else if (Target is < 1 or > 1_000_000_000_000) c.Error(prefix + "target", "Must be between 1 and 1000000000000.");
        return new(c.Text(prefix + "what", What, 200), c.Text(prefix + "unit", Unit, 30), Target ?? 0, c.Date(prefix + "dueOn", DueOn));
    }
}

public sealed record CohortInput
{
    public string? InstituteId { get; init; }
    public string? Name { get; init; }
    public string? StartsOn { get; init; }
    public string? EndsOn { get; init; }
    public IReadOnlyList<string?>? Questions { get; init; }
    public IReadOnlyList<RubricInput?>? Rubric { get; init; }
    public IReadOnlyList<GoalInput?>? Goals { get; init; }

    /// <summary>The cohort to create, checked; <paramref name="today"/> by the cohorts' clock (a cohort already over takes
    /// no member, so it is refused rather than kept as an empty record).</summary>
    public NewCohort ToCohort(Checks c, DateOnly today)
    {
        var startsOn = c.Date("startsOn", StartsOn);
        var endsOn = c.Date("endsOn", EndsOn);
        if (!c.Failed && endsOn <= startsOn) c.Error("endsOn", "Must be after startsOn.");
        else if (!c.Failed && endsOn < today) c.Error("endsOn", "The cohort's last day has passed.");
        // Its goals, reminders and digest run until it ends: a cohort "until 2999" would hold them for good.
        else if (!c.Failed && endsOn > startsOn.AddYears(3)) c.Error("endsOn", "A cohort lasts at most three years.");
        var rubric = new List<RubricCriterion>();
        if (Rubric is { Count: > 10 }) c.Error("rubric", "At most 10 criteria.");
        else foreach (var (r, i) in (Rubric ?? []).Select((r, i) => (r ?? new RubricInput(), i)))
            rubric.Add(new(c.Text($"rubric[{i}].name", r.Name, 100), c.Whole($"rubric[{i}].weight", r.Weight, 1, 10)));
        var goals = new List<GoalTemplate>();
        if (Goals is { Count: > 10 }) c.Error("goals", "At most 10 goals.");
        else foreach (var (g, i) in (Goals ?? []).Select((g, i) => (g ?? new GoalInput(), i))) goals.Add(g.ToTemplate(c, $"goals[{i}]."));
        return new(c.Id("instituteId", InstituteId), c.Text("name", Name, 200), startsOn, endsOn,
            c.List("questions", Questions, 10, 500), rubric, goals);
    }
}

public sealed record ApplicationInput { public IReadOnlyList<string?>? Answers { get; init; } }
public sealed record ScoreInput { public IReadOnlyList<int?>? Scores { get; init; } }
public sealed record DecisionInput { public bool? Admit { get; init; } }
public sealed record EvaluatorInput { public string? Email { get; init; } }
public sealed record MemberInput { public string? StartupId { get; init; } }
public sealed record MentorAssignmentInput { public string? MentorId { get; init; } public string? StartupId { get; init; } }
public sealed record RatingInput { public int? Stars { get; init; } }

public sealed record ProgressInput
{
    public string? Date { get; init; }
    public long? Value { get; init; }
}

public sealed record SessionInput
{
    public string? StartupId { get; init; }
    public string? Date { get; init; }
    public int? Minutes { get; init; }
    public string? Notes { get; init; }
    public string? NextSteps { get; init; }
}

public sealed record FiguresInput
{
    public string? Month { get; init; }
    public decimal? RevenueMad { get; init; }
    public int? Employees { get; init; }
    public decimal? FundingRaisedMad { get; init; }

    public MonthlyFigures ToFigures(Checks c, DateOnly today)
    {
        if (Month is null || !DateOnly.TryParseExact(Month + "-01", "yyyy-MM-dd", out var first)) c.Error("month", "Must be a month: yyyy-MM.");
        // A month to come would stand as the latest figures for good and push the real months out of the bounded history;
        // one older than the history keeps would be dropped at once.
        else if (first > today || first < new DateOnly(today.Year, today.Month, 1).AddMonths(1 - IStartupActivityGrain.MonthsKept))
            c.Error("month", "Must be a month that has begun, within the last 60 months.");
        return new(Month ?? "", c.Mad("revenueMad", RevenueMad, min: 0), c.Whole("employees", Employees, 0, 100_000),
            c.Mad("fundingRaisedMad", FundingRaisedMad, min: 0));
    }
}

public sealed record InstituteResponse(string Id, string Name, string Region, int Cohorts, int Managers)
{
    public static InstituteResponse From(InstituteView i) => new(i.Id, i.Name, i.Region, i.CohortIds.Count, i.ManagerAccountIds.Count);
}

public sealed record CohortResponse(string Id, string InstituteId, string Name, string StartsOn, string EndsOn, IReadOnlyList<string> Questions,
    IReadOnlyList<RubricCriterion> Rubric, IReadOnlyList<GoalTemplate> Goals, int Members, int Applications, IReadOnlyList<MentorAssignment> Mentors,
    IReadOnlyList<string> Evaluators)
{
    public static CohortResponse From(CohortView c) => new(c.Id, c.InstituteId, c.Name, c.StartsOn.ToString("yyyy-MM-dd"),
        c.EndsOn.ToString("yyyy-MM-dd"), c.Questions, c.Rubric, c.Goals, c.Members, c.Applications, c.Mentors, c.Evaluators);
}

public sealed record EvaluatorInvitationResponse(string CohortId, string CohortName, string Email, string Status, DateTimeOffset InvitedAt, DateTimeOffset? AnsweredAt)
{
    public static EvaluatorInvitationResponse From(EvaluatorInvitation i) => new(i.CohortId, i.CohortName, i.Email, i.Status.Name(), i.InvitedAt, i.AnsweredAt);
}

public sealed record ApplicationResponse(string Id, string StartupId, string StartupName, string Status, double? Score, int Scorecards, DateTimeOffset SubmittedAt)
{
    public static ApplicationResponse From(ApplicationSummary a) =>
        new(a.Id, a.StartupId, a.StartupName, a.Status.Name(), a.Score, a.Scorecards, a.SubmittedAt);
}

/// <summary>A manager's decision on an application: <c>admitted</c> or <c>declined</c>; <c>changed</c> false for the same decision again.</summary>
public sealed record DecisionResponse(string ApplicationId, string Status, bool Changed);

/// <param name="Archived">Its cohort has ended and it was archived with its latest value (no more progress).</param>
public sealed record GoalResponse(string Id, string What, string Unit, long Target, string DueOn, string? CohortId, double Done,
    IReadOnlyList<GoalProgress> Progress, bool Archived)
{
    public static GoalResponse From(Goal g) =>
        new(g.Id, g.Plan.What, g.Plan.Unit, g.Plan.Target, g.Plan.DueOn.ToString("yyyy-MM-dd"), g.CohortId, g.Done, g.Progress, g.Archived);
}

public sealed record StartupKpisResponse(string StartupId, DashboardRow Kpis, IReadOnlyList<MonthActivity> Months, IReadOnlyList<MonthlyFigures> Figures);
