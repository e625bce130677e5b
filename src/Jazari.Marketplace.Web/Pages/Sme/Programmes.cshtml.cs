using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The co-funding programmes: their rules, the SME's application to each (its status, each rule's result and
/// the decider's reason), and a form to apply to the open ones. Needs name a programme once the SME is approved.</summary>
public sealed class ProgrammesModel(IGrainFactory grains, Text text, ProgrammeCommands programmes) : MarketplacePage(grains, text)
{
    public IReadOnlyList<ProgrammeListing> Programmes { get; private set; } = [];
    public Dictionary<string, ProgrammeApplicationResponse> Applications { get; private set; } = [];
    /// <summary>The programme just applied to, whose result is announced.</summary>
    public string? Applied { get; private set; }
    /// <summary>The programme whose form had errors.</summary>
    public string? Failed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? applied)
    {
        if (await ProfileIdAsync() is null) return Redirect("/sme/profile?first=true");
        Applied = applied;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? programmeId, string? note)
    {
        if (await ProfileIdAsync() is null) return Redirect("/sme/profile?first=true");
        var id = programmeId ?? "";
        if (await TryAsync(() => programmes.ApplyAsync(Me, id, new ProgrammeApplicationInput { Note = note })))
            return Redirect($"/sme/programmes?applied={Uri.EscapeDataString(id)}#programme-{Uri.EscapeDataString(id)}");
        Failed = id;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Programmes = (await programmes.ListAsync()).Programmes;
        Applications = (await programmes.MineAsync(Me)).ToDictionary(a => a.ProgrammeId);
    }
}
