using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>The cohorts of the manager's institutes, newest first (the API's own list), and the disputes an SME asked
/// its institutes to mediate: those to settle, then those settled.</summary>
public sealed class IndexModel(IGrainFactory grains, Text text, CohortCommands cohorts, EngagementCommands engagements) : MarketplacePage(grains, text)
{
    private const int MaxMediations = 20;

    public IReadOnlyList<CohortResponse> Cohorts { get; private set; } = [];
    public bool HasInstitutes { get; private set; }
    public IReadOnlyList<Mediation> Mediations { get; private set; } = [];

    public sealed record Mediation(string NeedId, string Title, string StartupName, string Milestone, long AtStakeMinor, bool Settled);

    public async Task OnGetAsync()
    {
        var institutes = (await AccountAsync())?.Institutes ?? [];
        HasInstitutes = institutes.Count > 0;
        Cohorts = await cohorts.ListAsync(Me);
        var needIds = new List<string>();
        foreach (var institute in institutes)
            needIds.AddRange((await Grains.GetGrain<IInstituteGrain>(institute).MediationsAsync()).Take(MaxMediations));
        var mediations = new List<Mediation>();
        foreach (var needId in needIds.Distinct())
        {
            EngagementResponse e;
            try { e = await engagements.GetAsync(Me, needId); }
            catch (MarketplaceException gone) when (gone.Problem == Problem.NotFound) { continue; }
            mediations.AddRange(e.Milestones
                .Where(m => m.Dispute is { MediatorsAcceptedAt: not null } d && d.Mediators.Intersect(institutes).Any())
                .Select(m => new Mediation(e.NeedId, e.Title, e.StartupName, m.Title, m.AmountMinor - m.ReleasedMinor - m.RefundedMinor,
                    m.Dispute!.ResolvedAt is not null)));
        }
        Mediations = [.. mediations.OrderBy(m => m.Settled)];
    }
}
