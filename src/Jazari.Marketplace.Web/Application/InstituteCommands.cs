using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Application;

/// <summary>What the ministry asks of an institute or a region: startups supported, SMEs digitalised, revenue, jobs.</summary>
public sealed record ProgrammeReport(string Id, string Name, string? Region, int Cohorts, int StartupsSupported, int SmesDigitalised,
    long RevenueContractedMinor, long RevenueReleasedMinor, int Jobs, string Currency);

/// <summary>The report; <see cref="Maturity"/>: the public impact figures (digital maturity before and after, needs completed,
/// MAD released, co-funding spent) of the whole country and of the report's regions, cells under five SMEs left out.</summary>
public sealed record MinistryReport(DateTimeOffset At, IReadOnlyList<ProgrammeReport> Institutes, IReadOnlyList<ProgrammeReport> Regions,
    IReadOnlyList<ImpactCell> Maturity);

/// <summary>The Jazari institutes (created by admins) and the report per institute and region.</summary>
public sealed class InstituteCommands(IGrainFactory grains, AuditTrail audit, MaturityCommands maturity, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public async Task<string> CreateAsync(Caller caller, InstituteInput input)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Institute");
        var (id, name, region) = Checks.Valid(c => (c.Id("id", input.Id), c.Text("name", input.Name, 200), c.OneOf("region", input.Region, Reference.Regions)));
        if (!await grains.GetGrain<IInstituteGrain>(id).SaveAsync(name, region))
            throw MarketplaceException.Conflict("An institute with this id already exists.");
        await audit.RecordAsync(caller, AuditActions.InstituteCreated, id, name);
        return id;
    }

    public async Task<List<InstituteResponse>> ListAsync()
    {
        var ids = await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IInstituteGrain>(id).GetAsync()));
        return [.. views.OfType<InstituteView>().Select(InstituteResponse.From).OrderBy(i => i.Name)];
    }

    /// <summary>Admins get every institute; a manager only theirs. Reads the cohorts' rows and each member's stored KPIs.</summary>
    public async Task<MinistryReport> ReportAsync(Caller caller)
    {
        var ids = caller.IsAdmin
            ? await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync()
            : (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Institutes ?? [];
        var institutes = (await Task.WhenAll(ids.Select(id => grains.GetGrain<IInstituteGrain>(id).GetAsync()))).OfType<InstituteView>().ToList();
        var members = new Dictionary<string, HashSet<string>>();
        foreach (var institute in institutes)
        {
            // Read as the marketplace: the caller manages these institutes (or is an admin), checked above.
            var cohorts = await Task.WhenAll(institute.CohortIds.Select(id => grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(Caller.Marketplace)));
            members[institute.Id] = [.. cohorts.SelectMany(d => d.Rows.Select(r => r.StartupId))];
        }
        var startupIds = members.Values.SelectMany(s => s).Distinct().ToList();
        var activities = (await Task.WhenAll(startupIds.Select(id => grains.GetGrain<IStartupActivityGrain>(id).GetAsync())))
            .Zip(startupIds).ToDictionary(x => x.Second, x => x.First);

        ProgrammeReport Sum(string id, string name, string? region, int cohorts, IEnumerable<string> startups)
        {
            var a = startups.Distinct().Select(s => activities[s]).ToList();
            return new(id, name, region, cohorts, a.Count, a.SelectMany(x => x.SmeIds).Distinct().Count(), a.Sum(x => x.Kpis.RevenueContractedMinor),
                a.Sum(x => x.Kpis.RevenueReleasedMinor), a.Sum(x => x.Kpis.Employees ?? 0), Reference.DefaultCurrency);
        }

        var byInstitute = institutes.Select(i => Sum(i.Id, i.Name, i.Region, i.CohortIds.Count, members[i.Id])).OrderBy(r => r.Name).ToList();
        var byRegion = institutes.GroupBy(i => i.Region).Select(g => Sum(g.Key, g.Key, g.Key, g.Sum(i => i.CohortIds.Count),
            g.SelectMany(i => members[i.Id]))).OrderBy(r => r.Name).ToList();
        var regions = institutes.Select(i => i.Region).ToHashSet();
        var impact = (await maturity.ImpactAsync(null, null, null)).Cells
            .Where(c => c.Sector is null && c.ProgrammeId is null && (c.Region is null || regions.Contains(c.Region))).ToList();
        return new MinistryReport(time.GetUtcNow(), byInstitute, byRegion, impact);
    }
}
