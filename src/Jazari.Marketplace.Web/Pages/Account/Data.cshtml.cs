using System.Text.Json;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Account;

/// <summary>
/// Your data (Law 09-08), through the API's own endpoints: download all of it as a JSON file, choose marketing
/// e-mails, and erase the account for good by typing its e-mail address (then the session ends).
/// </summary>
public sealed class DataModel(IGrainFactory grains, Text text, PrivacyCommands privacy) : MarketplacePage(grains, text)
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
        var export = await privacy.ExportAsync(Me, HttpContext.RequestAborted);
        Response.Headers.ContentDisposition = $"attachment; filename=\"jazari-data-{Me.AccountId}.json\"";
        return new JsonResult(export, JsonSerializerOptions.Web);
    }

    public async Task<IActionResult> OnPostConsentsAsync(bool marketingEmails)
    {
        if (await TryAsync(() => privacy.SetConsentsAsync(Me, new ConsentsInput { MarketingEmails = marketingEmails })))
            return RedirectToPage(new { saved = true });
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostEraseAsync(string? confirm)
    {
        if (await TryAsync(() => privacy.EraseMeAsync(Me, new EraseInput { Confirm = confirm })))
        {
            await PageSession.SignOutAsync(HttpContext, Grains);
            return Redirect("/account/erased");
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Consents = Me.AccountId == AdminToken.AccountId ? null : await privacy.ConsentsAsync(Me);
}
