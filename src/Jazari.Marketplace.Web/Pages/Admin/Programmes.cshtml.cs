using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>The applications to the co-funding programmes, newest first, each with its rule results; a submitted one
/// is approved or declined with a reason (e-mailed to the SME). The same commands as the API's.</summary>
public sealed class ProgrammesModel(IGrainFactory grains, Text text, ProgrammeCommands programmes) : MarketplacePage(grains, text)
{
    public sealed record ProgrammeApplications(ProgrammeResponse Programme, IReadOnlyList<ProgrammeApplicationResponse> Applications);

    /// <summary>What a rule of the programme asks, in the reader's language and with today's figures (the check's own
    /// detail is the API's, in English, from the day of the application).</summary>
    public string Expected(ProgrammeResponse p, string rule) => rule switch
    {
        "region" => T.Format("papp.detail.takes", T.List(p.Rules.Regions.Select(T.Region))),
        "sector" => T.Format("papp.detail.takes", T.List(p.Rules.Sectors, typed: true)),
        "size" => T.Format("papp.detail.takes", p.Rules.MaxEmployees is { } max ? T.Format("papp.size-range", p.Rules.MinEmployees ?? 0, max) : T.Format("papp.size-min", p.Rules.MinEmployees ?? 0)),
        "cap" => T.Format("papp.detail.cap", T.Money(p.CapPerSmeMinor, p.Currency)),
        "budget" => T.Format("papp.detail.budget", T.Money(p.RemainingMinor, p.Currency)),
        _ => "",
    };

    public IReadOnlyList<ProgrammeApplications> Programmes { get; private set; } = [];
    public string? Decided { get; private set; }
    /// <summary>The application whose form had errors.</summary>
    public string? Failed { get; private set; }

    public const int Shown = 50;

    public async Task OnGetAsync(string? decided)
    {
        Decided = decided is "approved" or "declined" ? decided : null;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync(string? programmeId, string? applicationId, bool approve, string? reason)
    {
        var input = new ProgrammeDecisionInput { Approve = approve, Reason = reason };
        ProgrammeDecisionResponse? decision = null;
        if (await TryAsync(async () => decision = await programmes.DecideAsync(Me, programmeId ?? "", applicationId ?? "", input)))
            return Redirect($"/admin/programmes?decided={decision!.Status}");
        Failed = applicationId;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var all = (await programmes.ListForAdminAsync(Me)).Programmes;
        Programmes = await Task.WhenAll(all.Select(async p =>
        {
            var lines = (await programmes.ApplicationsAsync(Me, p.Id)).Take(Shown);
            var full = await Task.WhenAll(lines.Select(l => programmes.ApplicationAsync(Me, p.Id, l.Id, T.Content)));
            return new ProgrammeApplications(p, full);
        }));
    }
}
