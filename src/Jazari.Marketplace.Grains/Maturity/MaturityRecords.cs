namespace Jazari.Marketplace.Grains.Maturity;

/// <summary>A score from 0 to 5 kept in tenths (0 to 50), so no floating point is stored.</summary>
[GenerateSerializer, Alias("jazari.dimension-score")]
public sealed record DimensionScore([property: Id(0)] string Dimension, [property: Id(1)] int Tenths);

[GenerateSerializer, Alias("jazari.assessment-answer")]
public sealed record AssessmentAnswer([property: Id(0)] string QuestionId, [property: Id(1)] int Value);

/// <summary>One need of the plan: the category and skills of a weak dimension, and the budget range (quartiles of the
/// accepted bids of needs of that category; the questionnaire's default when fewer than five were awarded).</summary>
[GenerateSerializer, Alias("jazari.plan-item")]
public sealed record PlanItem(
    [property: Id(0)] int Index,
    [property: Id(1)] string Dimension,
    [property: Id(2)] string Category,
    [property: Id(3)] IReadOnlyList<string> Skills,
    [property: Id(4)] long BudgetMinMinor,
    [property: Id(5)] long BudgetMaxMinor,
    [property: Id(6)] long? BudgetMedianMinor,
    [property: Id(7)] int AwardedNeeds);

/// <summary>One self-assessment of an SME, as answered and scored, with the plan drawn from it.</summary>
[GenerateSerializer, Alias("jazari.assessment")]
public sealed record Assessment(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset TakenAt,
    [property: Id(2)] string Version,
    [property: Id(3)] IReadOnlyList<AssessmentAnswer> Answers,
    [property: Id(4)] IReadOnlyList<DimensionScore> Scores,
    [property: Id(5)] int OverallTenths,
    [property: Id(6)] IReadOnlyList<PlanItem> Plan);

/// <summary>Who an SME is compared with: same region, sector and size band.</summary>
[GenerateSerializer, Alias("jazari.peer-group")]
public sealed record PeerGroup([property: Id(0)] string Region, [property: Id(1)] string Sector, [property: Id(2)] string SizeBand)
{
    /// <summary>Micro (under 10 people), small (under 50), medium (under 250), large.</summary>
    public static string BandOf(int employees) => employees switch { < 10 => "1-9", < 50 => "10-49", < 250 => "50-249", _ => "250+" };

    public static PeerGroup Of(string region, string sector, int employees) => new(region, sector.Trim().ToLowerInvariant(), BandOf(employees));
}

/// <summary>What the SME's completed engagements in one programme (or none: "") came to.</summary>
[GenerateSerializer, Alias("jazari.impact-sums")]
public sealed record ImpactSums(
    [property: Id(0)] string ProgrammeId,
    [property: Id(1)] int NeedsCompleted,
    [property: Id(2)] long ReleasedMinor,
    [property: Id(3)] long CoFundedMinor);

/// <summary>One SME in the figures (no name, no answer): its group, its first and its latest assessment, what it completed.</summary>
[GenerateSerializer, Alias("jazari.maturity-line")]
public sealed record MaturityLine(
    [property: Id(0)] string SmeId,
    [property: Id(1)] PeerGroup Group,
    [property: Id(2)] IReadOnlyList<DimensionScore> Before,
    [property: Id(3)] IReadOnlyList<DimensionScore>? After,
    [property: Id(4)] IReadOnlyList<ImpactSums> Completed)
{
    /// <summary>The overall score sits among the scores under this name.</summary>
    public const string Overall = "overall";
    public IReadOnlyList<DimensionScore> Latest => After ?? Before;
}

/// <summary>An engagement of the SME that completed, as the figures and the invitation to re-assess need it.</summary>
[GenerateSerializer, Alias("jazari.completed-engagement")]
public sealed record CompletedEngagement(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string? ProgrammeId,
    [property: Id(2)] DateTimeOffset CompletedAt,
    [property: Id(3)] long ReleasedMinor,
    [property: Id(4)] long CoFundedMinor,
    [property: Id(5)] string? SmeAccountId);

/// <summary>An invitation to take the assessment again, due six months after an engagement completed.</summary>
[GenerateSerializer, Alias("jazari.reassessment-invitation")]
public sealed record ReassessmentInvitation(
    [property: Id(0)] string Key,
    [property: Id(1)] string? AccountId,
    [property: Id(2)] DateTimeOffset DueAt,
    [property: Id(3)] DateTimeOffset? SentAt);
