namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>A startup's goals (what, unit, target, due date), from cohort templates or set by hand, with dated progress.</summary>
public interface IStartupGoalsGrain : IGrainWithStringKey
{
    Task<Goal> SetAsync(string goalId, GoalTemplate goal);
    /// <summary>Adds the cohort's goals once; the goal ids are derived from the cohort, so joining twice adds nothing.</summary>
    Task AddFromCohortAsync(string cohortId, IReadOnlyList<GoalTemplate> goals);
    Task<Goal> RecordProgressAsync(string goalId, DateOnly on, long value);
    /// <summary>Removes a goal set by hand, with its progress (the startup's choice); a cohort's goal stays. Removing it again changes nothing.</summary>
    Task RemoveAsync(string goalId);
    Task<IReadOnlyList<Goal>> ListAsync();
}

[GenerateSerializer, Alias("jazari.goal-progress")]
public sealed record GoalProgress([property: Id(0)] DateOnly On, [property: Id(1)] long Value);

[GenerateSerializer, Alias("jazari.goal")]
public sealed record Goal(
    [property: Id(0)] string Id,
    [property: Id(1)] GoalTemplate Plan,
    [property: Id(2)] string? CohortId,
    [property: Id(3)] IReadOnlyList<GoalProgress> Progress)
{
    /// <summary>The latest value recorded, as a share of the target (0 to 1).</summary>
    public double Done => Progress.Count == 0 || Plan.Target <= 0 ? 0 : Math.Min(1, Math.Round((double)Progress[^1].Value / Plan.Target, 3));
}

[GenerateSerializer, Alias("jazari.startup-goals-state")]
public sealed class StartupGoalsState
{
    [Id(0)] public List<Goal> Goals { get; set; } = [];
}

internal sealed class StartupGoalsGrain(
    [PersistentState("startup-goals", "marketplace")] IPersistentState<StartupGoalsState> state) : Grain, IStartupGoalsGrain
{
    /// <summary>Goals set by hand (by the startup, its mentors or its managers), counted apart from the cohorts' goals: no
    /// follower fills the room a cohort's goals need, and the startup removes those it does not want.</summary>
    public const int MaxHandSetGoals = 15;
    /// <summary>The cohorts' goals (at most 10 a cohort): three cohorts' worth.</summary>
    public const int MaxCohortGoals = 30;
    public const int MaxGoals = MaxHandSetGoals + MaxCohortGoals;
    public const int MaxProgress = 60;

    private List<Goal> Goals => state.State.Goals;

    public async Task<Goal> SetAsync(string goalId, GoalTemplate plan)
    {
        var index = Goals.FindIndex(g => g.Id == goalId);
        if (index >= 0 && Goals[index].Plan == plan) return Goals[index];
        if (index < 0 && Goals.Count(g => g.CohortId is null) >= MaxHandSetGoals)
            throw MarketplaceException.Conflict($"A startup has at most {MaxHandSetGoals} goals set by hand; the others come from its cohorts.");
        var goal = index >= 0 ? Goals[index] with { Plan = plan } : new Goal(goalId, plan, null, []);
        if (index >= 0) Goals[index] = goal; else Goals.Add(goal);
        await state.SaveAsync();
        return goal;
    }

    public async Task AddFromCohortAsync(string cohortId, IReadOnlyList<GoalTemplate> goals)
    {
        var added = goals.Select((plan, i) => new Goal($"{cohortId}-g{i + 1}", plan, cohortId, []))
            .Where(g => !Goals.Any(x => x.Id == g.Id)).ToList();
        if (added.Count == 0) return;
        if (Goals.Count(g => g.CohortId is not null) + added.Count > MaxCohortGoals)
            throw MarketplaceException.Conflict($"A startup has at most {MaxCohortGoals} goals from its cohorts.");
        Goals.AddRange(added);
        await state.SaveAsync();
    }

    public async Task<Goal> RecordProgressAsync(string goalId, DateOnly on, long value)
    {
        var index = Goals.FindIndex(g => g.Id == goalId);
        if (index < 0) throw MarketplaceException.NotFound("Goal");
        // The latest dates are kept: an older one than all of a full history would be dropped at once, so it is refused.
        if (Goals[index].Progress is { Count: >= MaxProgress } kept && on < kept[0].On && kept.All(p => p.On != on))
            throw MarketplaceException.Invalid("date", $"A goal keeps its latest {MaxProgress} dates; this one is older than all of them.");
        var progress = Goals[index].Progress.Where(p => p.On != on).Append(new GoalProgress(on, value)).OrderBy(p => p.On).TakeLast(MaxProgress);
        Goals[index] = Goals[index] with { Progress = [.. progress] };
        await state.SaveAsync();
        return Goals[index];
    }

    public async Task RemoveAsync(string goalId)
    {
        var index = Goals.FindIndex(g => g.Id == goalId);
        if (index < 0) return;
        if (Goals[index].CohortId is not null) throw MarketplaceException.Conflict("A cohort's goal stays; only goals set by hand are removed.");
        Goals.RemoveAt(index);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<Goal>> ListAsync() => Task.FromResult<IReadOnlyList<Goal>>([.. Goals]);
}
