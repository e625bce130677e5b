using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Mentor;

/// <summary>
/// One startup the mentor follows: its goals, its activity on the marketplace, the sessions so far, and the form
/// to log a session (the API's own endpoint and checks). Any other startup is "not found".
/// </summary>
public sealed class StartupModel(IGrainFactory grains, Text text, StartupProgressCommands progress, [FromKeyedServices(Clock.Key)] TimeProvider time) : MarketplacePage(grains, text)
{
    public MentoredStartup Startup { get; private set; } = null!;
    public StartupKpis Kpis { get; private set; } = StartupKpis.None;
    public IReadOnlyList<Goal> Goals { get; private set; } = [];
    public IReadOnlyList<MentorSession> Sessions { get; private set; } = [];
    public bool Logged { get; private set; }
    public string Today => Languages.Formats.Today(time.GetUtcNow()).ToString("yyyy-MM-dd");

    [BindProperty]
    public SessionInput Input { get; set; } = new();

    /// <summary>The goal whose progress was just recorded, to say so beside it.</summary>
    public string? Recorded { get; private set; }

    public async Task OnGetAsync(string id, bool logged, string? recorded)
    {
        Logged = logged;
        Recorded = recorded;
        Input = new SessionInput { Date = Today, Minutes = 60 };
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        var mentorId = await LoadAsync(id);
        var input = Input with { StartupId = id };
        if (await TryAsync(() => progress.LogSessionAsync(Me, mentorId, input)))
            return Redirect($"/mentor/startups/{id}?logged=true#sessions");
        return Page();
    }

    /// <summary>Records where a goal stands today, as the startup's followers may.</summary>
    public async Task<IActionResult> OnPostProgressAsync(string id, string goalId, long? value)
    {
        await LoadAsync(id);
        var saved = await TryAsync(() => progress.RecordProgressAsync(Me, id, goalId, new ProgressInput { Date = Today, Value = value }));
        if (saved) return Redirect($"/mentor/startups/{id}?recorded={Uri.EscapeDataString(goalId ?? "")}#goal-{Uri.EscapeDataString(goalId ?? "")}");
        return Page();
    }

    /// <summary>The startup as this mentor sees it; 404 unless it is assigned to them. Returns the mentor's id.</summary>
    private async Task<string> LoadAsync(string startupId)
    {
        var mentorId = (await AccountAsync())?.ProfileId ?? throw MarketplaceException.NotFound("Startup");
        Startup = (await Grains.GetGrain<IMentoringGrain>(mentorId).FollowingAsync()).FirstOrDefault(s => s.StartupId == startupId)
            ?? throw MarketplaceException.NotFound("Startup");
        Kpis = (await Grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Kpis;
        Goals = await Grains.GetGrain<IStartupGoalsGrain>(startupId).ListAsync();
        Sessions = [.. (await Grains.GetGrain<IMentorSessionsGrain>(startupId).ListAsync()).OrderByDescending(s => s.Date).ThenByDescending(s => s.LoggedAt)];
        return mentorId;
    }
}
