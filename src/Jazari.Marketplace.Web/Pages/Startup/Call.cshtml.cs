using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Startup;

/// <summary>A cohort's open call: its questions, answered in one form (the application); once sent, its status.</summary>
public sealed class CallModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public OpenCallResponse Call { get; private set; } = null!;
    public IReadOnlyList<string?> Answers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await ProfileIdAsync() is null) return Redirect("/startup/profile?first=true");
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(string id, List<string?> answers)
    {
        if (await ProfileIdAsync() is null) return Redirect("/startup/profile?first=true");
        Answers = answers;
        if (await TryAsync(() => cohorts.ApplyAsync(Me, id, new ApplicationInput { Answers = answers })))
            return Redirect($"/startup/invitations?done=applied#calls");
        return await LoadAsync(id) ? Page() : NotFound();
    }

    /// <summary>False when the cohort does not exist or its call has closed (it started).</summary>
    private async Task<bool> LoadAsync(string id)
    {
        if (await cohorts.OpenCallAsync(Me, id) is not { } call) return false;
        Call = call;
        // Once sent, the startup still reads what it answered (the form is gone).
        if (call.ApplicationId is { } applicationId)
            Answers = (await Grains.GetGrain<Grains.Incubation.ICohortGrain>(id).GetApplicationAsync(Me, applicationId)).Answers;
        return true;
    }
}
