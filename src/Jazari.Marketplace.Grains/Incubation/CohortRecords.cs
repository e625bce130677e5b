namespace Jazari.Marketplace.Grains.Incubation;

public enum ApplicationStatus { Submitted, Admitted, Declined }

/// <summary>One criterion of the cohort's scoring rubric and its weight (1 to 10).</summary>
[GenerateSerializer, Alias("jazari.rubric-criterion")]
public sealed record RubricCriterion([property: Id(0)] string Name, [property: Id(1)] int Weight);

/// <summary>A goal every startup of the cohort gets when it joins.</summary>
[GenerateSerializer, Alias("jazari.goal-template")]
public sealed record GoalTemplate(
    [property: Id(0)] string What,
    [property: Id(1)] string Unit,
    [property: Id(2)] long Target,
    [property: Id(3)] DateOnly DueOn);

[GenerateSerializer, Alias("jazari.new-cohort")]
public sealed record NewCohort(
    [property: Id(0)] string InstituteId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateOnly StartsOn,
    [property: Id(3)] DateOnly EndsOn,
    [property: Id(4)] IReadOnlyList<string> Questions,
    [property: Id(5)] IReadOnlyList<RubricCriterion> Rubric,
    [property: Id(6)] IReadOnlyList<GoalTemplate> Goals);

/// <summary>
/// A cohort whose call for applications is open (it has not started), as a startup sees it: the call, and the
/// status of the startup's own application when it applied, and whether it is a member already (by an invitation it accepted).
/// </summary>
[GenerateSerializer, Alias("jazari.open-call")]
public sealed record OpenCall(
    [property: Id(0)] CohortView Cohort,
    [property: Id(1)] string? ApplicationId,
    [property: Id(2)] ApplicationStatus? Status,
    [property: Id(3)] bool Member = false,
    /// <summary>The startup left the cohort (and is not a member again): it may not apply, only be invited back.</summary>
    [property: Id(4)] bool Left = false);

/// <summary>A cohort as one of its member startups sees it: the cohort, and the mentors assigned to that startup.</summary>
[GenerateSerializer, Alias("jazari.cohort-membership")]
public sealed record CohortMembership(
    [property: Id(0)] CohortView Cohort,
    [property: Id(1)] IReadOnlyList<string> MentorIds);

/// <summary>An application as the ranked list shows it; its answers and scorecards live in its own grain.</summary>
[GenerateSerializer, Alias("jazari.application-summary")]
public sealed record ApplicationSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string StartupId,
    [property: Id(2)] string StartupName,
    [property: Id(3)] string ApplicantAccountId,
    [property: Id(4)] ApplicationStatus Status,
    [property: Id(5)] double? Score,
    [property: Id(6)] int Scorecards,
    [property: Id(7)] DateTimeOffset SubmittedAt);

[GenerateSerializer, Alias("jazari.cohort-row")]
public sealed record CohortRow(
    [property: Id(0)] string StartupId,
    [property: Id(1)] string Name,
    [property: Id(2)] StartupKpis Kpis,
    [property: Id(3)] DateTimeOffset JoinedAt);

[GenerateSerializer, Alias("jazari.mentor-assignment")]
public sealed record MentorAssignment(
    [property: Id(0)] string MentorId,
    [property: Id(1)] string StartupId,
    [property: Id(2)] DateTimeOffset AssignedAt);

/// <summary>The cohort's running totals at the end of a month (yyyy-MM): the dashboard's trend line.</summary>
[GenerateSerializer, Alias("jazari.cohort-trend-point")]
public sealed record TrendPoint(
    [property: Id(0)] string Month,
    [property: Id(1)] int BidsSubmitted,
    [property: Id(2)] int BidsWon,
    [property: Id(3)] long RevenueContractedMinor,
    [property: Id(4)] long RevenueReleasedMinor,
    [property: Id(5)] int MilestonesDelivered,
    [property: Id(6)] int MentorSessions);

[GenerateSerializer, Alias("jazari.cohort-view")]
public sealed record CohortView(
    [property: Id(0)] string Id,
    [property: Id(1)] string InstituteId,
    [property: Id(2)] string Name,
    [property: Id(3)] DateOnly StartsOn,
    [property: Id(4)] DateOnly EndsOn,
    [property: Id(5)] IReadOnlyList<string> Questions,
    [property: Id(6)] IReadOnlyList<RubricCriterion> Rubric,
    [property: Id(7)] IReadOnlyList<GoalTemplate> Goals,
    [property: Id(8)] int Members,
    [property: Id(9)] int Applications,
    [property: Id(10)] IReadOnlyList<MentorAssignment> Mentors,
    /// <summary>Account ids of the evaluators the managers invited; shown to managers only.</summary>
    [property: Id(11)] IReadOnlyList<string> Evaluators);

[GenerateSerializer, Alias("jazari.cohort-dashboard")]
public sealed record CohortDashboard(
    [property: Id(0)] string CohortId,
    [property: Id(1)] string Name,
    [property: Id(2)] string InstituteId,
    [property: Id(3)] IReadOnlyList<CohortRow> Rows,
    [property: Id(4)] IReadOnlyList<TrendPoint> Trends,
    [property: Id(5)] IReadOnlyList<CohortDeparture> Departures);

/// <summary>A startup that left the cohort: its row and its figures went with it, its name and the day stay for the managers.</summary>
[GenerateSerializer, Alias("jazari.cohort-departure")]
public sealed record CohortDeparture(
    [property: Id(0)] string StartupId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset LeftAt);

/// <summary>The outcome of a decision; <see cref="Changed"/> is false when it had already been taken (nobody is told twice).</summary>
[GenerateSerializer, Alias("jazari.application-decision")]
public sealed record ApplicationDecision(
    [property: Id(0)] bool Changed,
    [property: Id(1)] ApplicationStatus Status,
    [property: Id(2)] string ApplicantAccountId,
    [property: Id(3)] string StartupName,
    [property: Id(4)] string CohortName,
    [property: Id(5)] string StartupId);

[GenerateSerializer, Alias("jazari.cohort-state")]
public sealed class CohortState
{
    [Id(0)] public string InstituteId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public DateOnly StartsOn { get; set; }
    [Id(3)] public DateOnly EndsOn { get; set; }
    [Id(4)] public List<string> Questions { get; set; } = [];
    [Id(5)] public List<RubricCriterion> Rubric { get; set; } = [];
    [Id(6)] public List<GoalTemplate> Goals { get; set; } = [];
    [Id(7)] public List<ApplicationSummary> Applications { get; set; } = [];
    [Id(8)] public List<CohortRow> Rows { get; set; } = [];
    [Id(9)] public List<MentorAssignment> Mentors { get; set; } = [];
    [Id(10)] public List<TrendPoint> Trends { get; set; } = [];
    /// <summary>Keys of the digests and reminders already sent (the most recent ones).</summary>
    [Id(11)] public List<string> Told { get; set; } = [];
    [Id(12)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Accounts invited to score the applications, besides the institute's managers.</summary>
    [Id(13)] public List<string> Evaluators { get; set; } = [];
    /// <summary>Startups invited to join; a startup becomes a member (a row) only when it accepts.</summary>
    [Id(14)] public List<CohortInvitation> Invitations { get; set; } = [];
    /// <summary>The invitations to score applications, by address; an accepted one has its account among <see cref="Evaluators"/>.</summary>
    [Id(15)] public List<EvaluatorInvitation> EvaluatorInvitations { get; set; } = [];
    /// <summary>Changes not yet confirmed by their follow-up; at most <see cref="CohortGrain.MaxPendingEvents"/>.</summary>
    [Id(16)] public List<CohortEvent> PendingEvents { get; set; } = [];
    /// <summary>The startups that left, latest last; at most <see cref="CohortGrain.MaxMembers"/>.</summary>
    [Id(17)] public List<CohortDeparture> Departures { get; set; } = [];
}

public static class ApplicationStatusNames
{
    public static string Name(this ApplicationStatus status) => status switch
    {
        ApplicationStatus.Submitted => "submitted",
        ApplicationStatus.Admitted => "admitted",
        ApplicationStatus.Declined => "declined",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown application status."),
    };
}
