using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>What the ministry asks of an institute or a region: startups supported, SMEs digitalised, revenue, jobs.</summary>
public sealed record ProgrammeReport(string Id, string Name, string? Region, int Cohorts, int StartupsSupported, int SmesDigitalised,
    long RevenueContractedMinor, long RevenueReleasedMinor, int Jobs, string Currency);

public sealed record MinistryReport(DateTimeOffset At, IReadOnlyList<ProgrammeReport> Institutes, IReadOnlyList<ProgrammeReport> Regions);

/// <summary>The Jazari institutes (created by admins) and the report per institute and region.</summary>
public static class InstitutesApi
{
    /// <summary>The marketplace itself reading on behalf of an already authorised request or a job.</summary>
    internal static readonly Caller Marketplace = new("marketplace", Roles.Admin);

    public static void MapInstitutesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/institutes").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/", Create);
        admin.MapGet("/", async (IGrainFactory grains) =>
        {
            var ids = await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync();
            var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IInstituteGrain>(id).GetAsync()));
            return TypedResults.Ok(views.OfType<InstituteView>().Select(InstituteResponse.From).OrderBy(i => i.Name).ToList());
        });
        routes.MapGet("/api/reports/institutes", Report).WithTags("Reports")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Manager));
    }

    internal static async Task<Created<CreatedId>> Create(InstituteInput body, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        var id = c.Id("id", body.Id);
        var name = c.Text("name", body.Name, 200);
        var region = c.OneOf("region", body.Region, Reference.Regions);
        c.ThrowIfFailed();
        if (!await grains.GetGrain<IInstituteGrain>(id).SaveAsync(name, region))
            throw MarketplaceException.Conflict("An institute with this id already exists.");
        await audit.RecordAsync(context, Audit.AuditActions.InstituteCreated, id, name);
        return TypedResults.Created($"/api/admin/institutes/{id}", new CreatedId(id));
    }

    /// <summary>Admins get every institute; a manager only theirs. Reads the cohorts' rows and each member's stored KPIs.</summary>
    private static async Task<Ok<MinistryReport>> Report(ClaimsPrincipal user, IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var caller = user.Caller();
        var ids = caller.IsAdmin
            ? await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync()
            : (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Institutes ?? [];
        var institutes = (await Task.WhenAll(ids.Select(id => grains.GetGrain<IInstituteGrain>(id).GetAsync()))).OfType<InstituteView>().ToList();
        var members = new Dictionary<string, HashSet<string>>();
        foreach (var institute in institutes)
        {
            var cohorts = await Task.WhenAll(institute.CohortIds.Select(id => grains.GetGrain<ICohortGrain>(id).GetDashboardAsync(Marketplace)));
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
        return TypedResults.Ok(new MinistryReport(time.GetUtcNow(), byInstitute, byRegion));
    }
}
