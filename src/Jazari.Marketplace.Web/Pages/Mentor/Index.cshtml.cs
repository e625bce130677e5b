using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Pages.Mentor;

/// <summary>The mentor's startups: each with its goals, what it did on the marketplace and the last session.</summary>
public sealed class IndexModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    public sealed record Followed(MentoredStartup Startup, StartupKpis Kpis, IReadOnlyList<Goal> Goals, MentorSession? LastSession);

    public bool HasProfile { get; private set; }
    public List<Followed> Startups { get; } = [];

    public bool ProfileSaved { get; private set; }

    public async Task OnGetAsync(string? profile)
    {
        ProfileSaved = profile == "saved";
        if ((await AccountAsync())?.ProfileId is not { } mentorId) return;
        HasProfile = true;
        foreach (var startup in await Grains.GetGrain<IMentoringGrain>(mentorId).FollowingAsync())
        {
            var activity = Grains.GetGrain<IStartupActivityGrain>(startup.StartupId).GetAsync();
            var goals = Grains.GetGrain<IStartupGoalsGrain>(startup.StartupId).ListAsync();
            var sessions = Grains.GetGrain<IMentorSessionsGrain>(startup.StartupId).ListAsync();
            Startups.Add(new(startup, (await activity).Kpis, await goals, (await sessions).LastOrDefault()));
        }
    }
}
