using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>The startup's goals (its cohorts' and its own) and how far it got; it records progress here.</summary>
public sealed class GoalsModel(IGrainFactory grains, Text text, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public IReadOnlyList<Goal> Goals { get; private set; } = [];
    public string Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd");

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        Goals = await Grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? goalId, long? value, string? date)
    {
        if (await ProfileIdAsync() is not { } startupId) return Redirect("/startup/profile?first=true");
        var goals = Grains.GetGrain<IStartupGoalsGrain>(startupId);
        var recorded = await TryAsync(async () =>
        {
            // The API's checks of POST /api/startups/{id}/goals/{goalId}/progress.
            var c = new Checks();
            var on = c.Date("date", date);
            if (value is null or < 0) c.Error("value", "Required, not negative.");
            c.ThrowIfFailed();
            await goals.RecordProgressAsync(goalId ?? "", on, value!.Value);
        });
        if (recorded) return Redirect("/startup/goals");
        Goals = await goals.ListAsync();
        return Page();
    }
}
