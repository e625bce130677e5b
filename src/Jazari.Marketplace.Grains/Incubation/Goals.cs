namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>A startup's goals (what, unit, target, due date), from cohort templates or set by hand, with dated progress.</summary>
public interface IStartupGoalsGrain : IGrainWithStringKey
{
    Task<Goal> SetAsync(string goalId, GoalTemplate goal);
    /// <summary>Adds the cohort's goals once; the goal ids are derived from the cohort, so joining twice adds nothing.
    /// Where they need room, the goals of cohorts that ended before today are archived, the earliest ended first.</summary>
    Task AddFromCohortAsync(string cohortId, DateOnly cohortEndsOn, IReadOnlyList<GoalTemplate> goals);
    /// <summary>The startup left the cohort: the cohort's goals still worked on become its own (as if set by hand: it keeps
    /// or removes them) and free the room of a cohort's goals; archived ones stay as they are. Again, it changes nothing.</summary>
    Task ReleaseCohortAsync(string cohortId);
    Task<Goal> RecordProgressAsync(string goalId, DateOnly on, long value);
    /// <summary>Removes a goal set by hand, with its progress (the startup's choice); a cohort's goal stays. Removing it again changes nothing.</summary>
    Task RemoveAsync(string goalId);
    Task<IReadOnlyList<Goal>> ListAsync();
}

[GenerateSerializer, Alias("jazari.goal-progress")]
public sealed record GoalProgress([property: Id(0)] DateOnly On, [property: Id(1)] long Value);

/// <summary>A goal; a cohort's goal knows when its cohort ends (unknown for goals given before that was kept) and is
/// archived, with its latest value only, once its cohort has ended and a new cohort's goals need its room.</summary>
[GenerateSerializer, Alias("jazari.goal")]
public sealed record Goal(
    [property: Id(0)] string Id,
    [property: Id(1)] GoalTemplate Plan,
    [property: Id(2)] string? CohortId,
    [property: Id(3)] IReadOnlyList<GoalProgress> Progress,
    [property: Id(4)] DateOnly? CohortEndsOn = null,
    [property: Id(5)] bool Archived = false)
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
    [PersistentState("startup-goals", "marketplace")] IPersistentState<StartupGoalsState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IStartupGoalsGrain
{
    /// <summary>Goals set by hand (by the startup, its mentors or its managers), counted apart from the cohorts' goals: no
    /// follower fills the room a cohort's goals need, and the startup removes those it does not want.</summary>
    public const int MaxHandSetGoals = 15;
    /// <summary>The cohorts' goals not archived (at most 10 a cohort): three cohorts' worth.</summary>
    public const int MaxCohortGoals = 30;
    public const int MaxGoals = MaxHandSetGoals + MaxCohortGoals;
    /// <summary>Archived goals of ended cohorts, each with its latest value; past this the earliest ended cohort's go.</summary>
    public const int MaxArchivedGoals = 30;
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

    public async Task AddFromCohortAsync(string cohortId, DateOnly cohortEndsOn, IReadOnlyList<GoalTemplate> goals)
    {
        var added = goals.Select((plan, i) => new Goal($"{cohortId}-g{i + 1}", plan, cohortId, [], cohortEndsOn))
            .Where(g => !Goals.Any(x => x.Id == g.Id)).ToList();
        if (added.Count == 0) return;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var ended = Goals.Where(g => g is { CohortId: not null, Archived: false, CohortEndsOn: { } end } && end < today)
            .GroupBy(g => g.CohortId).OrderBy(c => c.First().CohortEndsOn).ToList();
        var room = MaxCohortGoals - Goals.Count(g => g is { CohortId: not null, Archived: false });
        if (room + ended.Sum(c => c.Count()) < added.Count)
            throw MarketplaceException.Conflict($"A startup has at most {MaxCohortGoals} goals from cohorts that have not ended.");
        foreach (var cohort in ended)
        {
            if (room >= added.Count) break;
            foreach (var goal in cohort) Goals[Goals.IndexOf(goal)] = goal with { Archived = true, Progress = [.. goal.Progress.TakeLast(1)] };
            room += cohort.Count();
        }
        foreach (var old in Goals.Where(g => g.Archived).OrderBy(g => g.CohortEndsOn).SkipLast(MaxArchivedGoals).ToList()) Goals.Remove(old);
        Goals.AddRange(added);
        await state.SaveAsync();
    }

    public async Task ReleaseCohortAsync(string cohortId)
    {
        var released = 0;
        for (var i = 0; i < Goals.Count; i++)
            if (Goals[i] is { Archived: false } goal && goal.CohortId == cohortId) { Goals[i] = goal with { CohortId = null, CohortEndsOn = null }; released++; }
        if (released > 0) await state.SaveAsync();
    }

    public async Task<Goal> RecordProgressAsync(string goalId, DateOnly on, long value)
    {
        var index = Goals.FindIndex(g => g.Id == goalId);
        if (index < 0) throw MarketplaceException.NotFound("Goal");
        if (Goals[index].Archived) throw MarketplaceException.Conflict("This goal's cohort has ended; the goal is kept with its last value.");
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

    /// <summary>The goals, the archived ones last.</summary>
    public Task<IReadOnlyList<Goal>> ListAsync() => Task.FromResult<IReadOnlyList<Goal>>([.. Goals.OrderBy(g => g.Archived)]);
}
