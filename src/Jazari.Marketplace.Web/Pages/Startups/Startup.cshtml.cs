using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;

namespace Jazari.Marketplace.Web.Pages.Startups;

/// <summary>
/// A startup as every signed-in person may see it (its profile is public): offering, regions, price range, the
/// institutes whose cohorts it belongs to, its revealed reviews and rating. An SME gets a Write link for each of its
/// needs the startup bid on (and the need it came from, its matches): the conversation's own rules decide the rest.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class StartupModel(IGrainFactory grains, Text text, ReviewCommands reviews, NeedCommands needs) : MarketplacePage(grains, text)
{
    public const int NeedsLooked = 50;
    public ProfileView<StartupDetails> Startup { get; private set; } = null!;
    public StartupReviewsResponse Reviews { get; private set; } = null!;
    public IReadOnlyList<string> Institutes { get; private set; } = [];
    /// <summary>The SME's needs it may write to this startup about, with their titles.</summary>
    public IReadOnlyList<NeedView> WriteAbout { get; private set; } = [];
    /// <summary>The SME's need it came from (its matches, its bids), for the way back.</summary>
    public NeedView? FromNeed { get; private set; }

    public async Task OnGetAsync(string id, string? need)
    {
        Startup = await Grains.GetGrain<IStartupGrain>(id).GetAsync(Me);
        Reviews = await reviews.StartupReviewsAsync(Me, id, 1);
        var activity = await Grains.GetGrain<IStartupActivityGrain>(id).GetAsync();
        var institutes = await Task.WhenAll(activity.Cohorts.Select(c => c.InstituteId).Distinct()
            .Select(i => Grains.GetGrain<IInstituteGrain>(i).GetAsync()));
        Institutes = [.. institutes.OfType<InstituteView>().Select(i => i.Name)];
        if (Me.Role == Roles.Sme && await ProfileIdAsync() is { } smeId)
        {
            var mine = await needs.OfProfileAsync(Me, smeId, NeedsLooked);
            FromNeed = mine.FirstOrDefault(n => n.Id == need);
            WriteAbout = [.. mine.Where(n => n.Id == need && n.Status == NeedStatus.Open
                || n.Bids.Any(b => b.StartupId == id && b.Status != BidStatus.Withdrawn))];
        }
    }
}
