using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Pages.Support;
using Jazari.Marketplace.Web.Privacy;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Account;

/// <summary>
/// Your data (Law 09-08), through the API's own endpoints: download all of it as a JSON file, choose marketing
/// e-mails, and erase the account for good by typing its e-mail address (then the session ends).
/// </summary>
public sealed class DataModel(IGrainFactory grains, Text text, PersonalData data, AuditTrail audit) : MarketplacePage(grains, text)
{
    /// <summary>Null for the built-in admin, who has no account and so no personal data.</summary>
    public ConsentsResponse? Consents { get; private set; }
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved)
    {
        Saved = saved;
        await LoadAsync();
    }

    public async Task<IActionResult> OnGetExportAsync()
    {
        var file = await PrivacyApi.Export(User, data, HttpContext, audit, HttpContext.RequestAborted);
        await file.ExecuteAsync(HttpContext);
        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostConsentsAsync(bool marketingEmails)
    {
        if (await TryAsync(() => PrivacyApi.SetConsents(new ConsentsInput { MarketingEmails = marketingEmails }, User, Grains)))
            return RedirectToPage(new { saved = true });
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostEraseAsync(string? confirm)
    {
        if (await TryAsync(() => PrivacyApi.EraseMe(new EraseInput { Confirm = confirm }, User, Grains, data, HttpContext, audit)))
        {
            await PageSession.SignOutAsync(HttpContext, Grains);
            return Redirect("/sign-in");
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Consents = Me.AccountId == AdminToken.AccountId ? null : ConsentsResponse.From(await Grains.GetGrain<IAccountGrain>(Me.AccountId).GetConsentsAsync());
}
