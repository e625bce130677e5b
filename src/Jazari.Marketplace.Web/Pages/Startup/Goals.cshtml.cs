using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>The startup's goals (its cohorts' and its own) and how far it got; it records progress here.</summary>
public sealed class GoalsModel(IGrainFactory grains, Text text, StartupProgressCommands progress, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public IReadOnlyList<Goal> Goals { get; private set; } = [];
    public string Today => Languages.Formats.Today(time.GetUtcNow()).ToString("yyyy-MM-dd");
    /// <summary>The goal, value and date of a refused post, shown back as typed.</summary>
    public (string GoalId, long? Value, string? Date)? Refused { get; private set; }

    public string DateFor(string goalId) => Refused is { } r && r.GoalId == goalId ? r.Date ?? "" : Today;
    public long? ValueFor(string goalId) => Refused is { } r && r.GoalId == goalId ? r.Value : null;

    /// <summary>The goal whose progress was just saved: said beside it (only its percentage changed otherwise).</summary>
    public string? Recorded { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? recorded)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        Goals = await Grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync();
        Recorded = Goals.Any(g => g.Id == recorded) ? recorded : null;
        return Page();
    }

    /// <summary>Removes a goal set by hand (asked for in its "Remove" box): its cohorts' goals stay.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(string? goalId)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        if (await TryAsync(() => progress.RemoveGoalAsync(Me, startupId, goalId ?? ""))) return Redirect("/startup/goals");
        Goals = await Grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? goalId, long? value, string? date)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        var recorded = await TryAsync(() => progress.RecordProgressAsync(Me, startupId, goalId ?? "", new ProgressInput { Date = date, Value = value }));
        if (recorded) return Redirect($"/startup/goals?recorded={Uri.EscapeDataString(goalId ?? "")}#goal-{Uri.EscapeDataString(goalId ?? "")}");
        Refused = (goalId ?? "", value, date);
        Goals = await Grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync();
        return Page();
    }
}
