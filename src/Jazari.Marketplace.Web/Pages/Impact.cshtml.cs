using System.Text;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>The public impact figures (anyone, no sign-in): digital maturity before and after, needs completed, MAD
/// released and co-funding spent, for the whole country and each region, sector and programme; cells under five SMEs
/// are left out. The same as CSV.</summary>
public sealed class ImpactModel(IGrainFactory grains, Text text, MaturityCommands maturity, ProgrammeCommands programmes) : MarketplacePage(grains, text)
{
    public ImpactResponse Impact { get; private set; } = null!;
    public Dictionary<string, string> ProgrammeNames { get; private set; } = [];
    public string? Region { get; private set; }
    public string? Sector { get; private set; }
    public string? ProgrammeId { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? region, string? sector, string? programmeId)
    {
        (Region, Sector, ProgrammeId) = (Blank(region), Blank(sector), Blank(programmeId));
        ProgrammeNames = (await programmes.ListAsync()).Programmes.ToDictionary(p => p.Id, p => p.Name);
        if (!await TryAsync(async () => Impact = await maturity.ImpactAsync(Region, Sector, ProgrammeId)))
            Impact = await maturity.ImpactAsync(null, null, null);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string? region, string? sector, string? programmeId)
    {
        var impact = await maturity.ImpactAsync(Blank(region), Blank(sector), Blank(programmeId));
        return File(Encoding.UTF8.GetBytes(maturity.Csv(impact)), "text/csv; charset=utf-8", "impact.csv");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public string Name(ImpactCell c) => c.Region is { } r ? T.Region(r) : c.Sector is { } s ? s
        : c.ProgrammeId is { } p ? ProgrammeNames.GetValueOrDefault(p, p) : T["impact.all"];

    public string Dimension(string id) => id == "overall" ? T["maturity.overall"] : maturity.Questionnaire.DimensionOf(id)?.Name.In(T.Lang) ?? id;

    public string Median(IReadOnlyList<MedianResponse> medians, string dimension) =>
        medians.FirstOrDefault(m => m.Dimension == dimension) is { } m ? T.Number(m.Median, 1) : "–";
}
