using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>Where the SME stands: its latest scores beside its peers' median and its first assessment, the plan drawn from
/// its weakest dimensions (each drafted as a need in one click, with the startups that fit), and a link to take it again.</summary>
public sealed class AssessmentModel(IGrainFactory grains, Text text, MaturityCommands maturity) : MarketplacePage(grains, text)
{
    public IReadOnlyList<AssessmentResponse> Assessments { get; private set; } = [];
    public AssessmentResponse? Latest => Assessments.Count > 0 ? Assessments[0] : null;
    /// <summary>The first assessment (the "before") when the SME took it more than once.</summary>
    public AssessmentResponse? First => Assessments.Count > 1 ? Assessments[^1] : null;
    public bool Taken { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool taken)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        Taken = taken;
        Assessments = (await maturity.ListAsync(Me, smeId, T.Content)).Assessments;
        return Page();
    }

    /// <summary>Drafts the plan's item as a need and opens it.</summary>
    public async Task<IActionResult> OnPostDraftAsync(string? assessmentId, int index)
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        DraftResponse? draft = null;
        if (await TryAsync(async () => draft = await maturity.DraftAsync(Me, smeId, assessmentId ?? "", index, null, T.Content)))
            return Redirect($"/sme/needs/{draft!.Id}");
        Assessments = (await maturity.ListAsync(Me, smeId, T.Content)).Assessments;
        return Page();
    }

    public PeerResponse? Peer(string dimension) => Latest?.Peers.FirstOrDefault(p => p.Dimension == dimension);
    public double? Before(string dimension) => dimension == "overall" ? First?.Overall : First?.Scores.FirstOrDefault(s => s.Dimension == dimension)?.Score;
}
