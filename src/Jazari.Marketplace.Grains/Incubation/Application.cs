namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>A startup's application to a cohort: its answers and the scorecards of the managers and evaluators. Reached only through its cohort.</summary>
public interface IApplicationGrain : IGrainWithStringKey
{
    Task CreateAsync(string cohortId, string startupId, IReadOnlyList<string> answers, DateTimeOffset at);
    /// <summary>Stores the scorer's scorecard (replacing their previous one); returns the weighted score of the per-criterion averages over scorers.</summary>
    Task<(double Score, int Scorecards)> ScoreAsync(string scorerAccountId, IReadOnlyList<int> scores, IReadOnlyList<RubricCriterion> rubric, DateTimeOffset at);
    Task<ApplicationView> GetAsync();
    /// <summary>The applicant's account was erased: the answers it wrote are blanked; scores stay.</summary>
    Task EraseAnswersAsync();
}

[GenerateSerializer, Alias("jazari.scorecard")]
public sealed record Scorecard(
    [property: Id(0)] string ScorerAccountId,
    [property: Id(1)] IReadOnlyList<int> Scores,
    [property: Id(2)] double WeightedScore,
    [property: Id(3)] DateTimeOffset ScoredAt);

[GenerateSerializer, Alias("jazari.application-view")]
public sealed record ApplicationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string CohortId,
    [property: Id(2)] string StartupId,
    [property: Id(3)] IReadOnlyList<string> Answers,
    [property: Id(4)] IReadOnlyList<Scorecard> Scorecards);

[GenerateSerializer, Alias("jazari.application-state")]
public sealed class ApplicationState
{
    [Id(0)] public string CohortId { get; set; } = "";
    [Id(1)] public string StartupId { get; set; } = "";
    [Id(2)] public List<string> Answers { get; set; } = [];
    [Id(3)] public List<Scorecard> Scorecards { get; set; } = [];
    [Id(4)] public DateTimeOffset SubmittedAt { get; set; }
}

internal sealed class ApplicationGrain(
    [PersistentState("application", "marketplace")] IPersistentState<ApplicationState> state) : Grain, IApplicationGrain
{
    public const int MaxScorecards = 20;

    public async Task CreateAsync(string cohortId, string startupId, IReadOnlyList<string> answers, DateTimeOffset at)
    {
        if (state.RecordExists) return;
        state.State = new ApplicationState { CohortId = cohortId, StartupId = startupId, Answers = [.. answers], SubmittedAt = at };
        await state.SaveAsync();
    }

    public async Task<(double Score, int Scorecards)> ScoreAsync(string scorerAccountId, IReadOnlyList<int> scores,
        IReadOnlyList<RubricCriterion> rubric, DateTimeOffset at)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Application");
        var weighted = Weighted(scores.Select(s => (double)s), rubric);
        var cards = state.State.Scorecards;
        var existing = cards.FindIndex(c => c.ScorerAccountId == scorerAccountId);
        if (existing < 0 && cards.Count >= MaxScorecards) throw MarketplaceException.Conflict($"An application takes at most {MaxScorecards} scorecards.");
        var card = new Scorecard(scorerAccountId, [.. scores], weighted, at);
        if (existing >= 0) cards[existing] = card; else cards.Add(card);
        await state.SaveAsync();
        // Each criterion is averaged over the scorers (managers and evaluators alike), then weighted.
        var averages = rubric.Select((_, i) => cards.Average(c => (double)c.Scores[i]));
        return (Weighted(averages, rubric), cards.Count);
    }

    private static double Weighted(IEnumerable<double> scores, IReadOnlyList<RubricCriterion> rubric) =>
        Math.Round(scores.Zip(rubric, (s, c) => s * c.Weight).Sum() / rubric.Sum(c => c.Weight), 2);

    public async Task EraseAnswersAsync()
    {
        if (!state.RecordExists || state.State.Answers.All(a => a.Length == 0)) return;
        state.State.Answers = [.. state.State.Answers.Select(_ => "")];
        await state.SaveAsync();
    }

    public Task<ApplicationView> GetAsync()
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Application");
        var s = state.State;
        return Task.FromResult(new ApplicationView(this.GetPrimaryKeyString(), s.CohortId, s.StartupId, [.. s.Answers], [.. s.Scorecards]));
    }
}
