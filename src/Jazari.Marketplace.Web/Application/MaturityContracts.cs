using Jazari.Marketplace.Grains.Maturity;
using Jazari.Marketplace.Web.Maturity;

namespace Jazari.Marketplace.Web.Application;

public sealed record OptionResponse(int Value, string Label);
public sealed record QuestionResponse(string Id, string Text, IReadOnlyList<OptionResponse> Options);
public sealed record DimensionResponse(string Id, string Name, IReadOnlyList<QuestionResponse> Questions);
public sealed record QuestionnaireResponse(string Version, string Language, IReadOnlyList<DimensionResponse> Dimensions)
{
    public static QuestionnaireResponse From(Questionnaire q, string language) => new(q.Version, language, [.. q.Dimensions.Select(d =>
        new DimensionResponse(d.Id, d.Name.In(language), [.. d.Questions.Select(x =>
            new QuestionResponse(x.Id, x.Text.In(language), [.. q.Options(x).Select(o => new OptionResponse(o.Value, o.Label.In(language)))]))]))]);
}

public sealed record AssessmentAnswerInput
{
    public string? QuestionId { get; init; }
    public int? Value { get; init; }
}

/// <summary>An SME's answers, for the API and the page alike: one per question of the questionnaire.</summary>
public sealed record AssessmentInput
{
    public IReadOnlyList<AssessmentAnswerInput?>? Answers { get; init; }
}

public sealed record ScoreResponse(string Dimension, string Name, double Score);
/// <summary>The median of peers (same region, sector and size band); null while fewer than five have assessed.</summary>
public sealed record PeerResponse(string Dimension, double? Median, int Count);
public sealed record FitStartup(string StartupId, string Name, double Score);
/// <summary>An item of the plan; <c>Need</c>: the need drafted from it (its id and status), once drafted.</summary>
public sealed record RecommendationResponse(int Index, string Dimension, string Category, IReadOnlyList<string> Skills, string Title,
    long BudgetMinMad, long BudgetMaxMad, long? BudgetMedianMad, int AwardedNeeds, string Why, IReadOnlyList<FitStartup> Startups,
    DraftResponse? Need = null);

public sealed record AssessmentResponse(string Id, DateTimeOffset TakenAt, string Version, double Overall, IReadOnlyList<ScoreResponse> Scores,
    IReadOnlyList<PeerResponse> Peers, IReadOnlyList<RecommendationResponse> Recommendations, IReadOnlyList<AssessmentAnswerInput> Answers);

public sealed record AssessmentList(IReadOnlyList<AssessmentResponse> Assessments);

public sealed record DraftResponse(string Id, string Status);

/// <summary>Optional: the co-funding programme the drafted need joins (the SME must be approved in it).</summary>
public sealed record DraftInput
{
    public string? ProgrammeId { get; init; }
}

/// <summary>The latest assessment beside a programme application, for its deciders.</summary>
public sealed record AssessmentSummary(string Id, DateTimeOffset TakenAt, double Overall, IReadOnlyList<ScoreResponse> Scores);

public sealed record MedianResponse(string Dimension, double Median);

/// <summary>One cell of the public figures: all SMEs (every key null), or those of one region, sector or programme.</summary>
public sealed record ImpactCell(string? Region, string? Sector, string? ProgrammeId, int Smes, int Reassessed,
    IReadOnlyList<MedianResponse> Before, IReadOnlyList<MedianResponse> After, int NeedsCompleted, long ReleasedMinor, long CoFundedMinor, string Currency);

public sealed record ImpactResponse(DateTimeOffset At, int MinSmes, IReadOnlyList<ImpactCell> Cells);

public sealed record ReassessmentInvitationResponse(string Key, DateTimeOffset DueAt);

public static class Scores
{
    public static double Of(int tenths) => tenths / 10.0;
    public static ScoreResponse Response(DimensionScore s, Questionnaire q, string language) =>
        new(s.Dimension, q.DimensionOf(s.Dimension)?.Name.In(language) ?? s.Dimension, Of(s.Tenths));
}
