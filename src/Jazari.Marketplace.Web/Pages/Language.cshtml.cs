using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>
/// The language switch: a cookie, and the account's language when signed in (so e-mails follow, and other devices).
/// Amazigh (zgh) is a language of the pages only: a reader of Amazigh reads the rest, and gets the e-mails other than
/// the sign-in e-mails, in their second language (fr, ar or en, chosen here; signed in, the account's language).
/// </summary>
public sealed class LanguageModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? lang, string? second)
    {
        var account = User.SignedIn() ? await AccountAsync() : null;
        if (lang == Amazigh.Code)
        {
            PagesExtensions.RememberLanguage(HttpContext, lang);
            if (account is not null) PagesExtensions.RememberSecondLanguage(HttpContext, account.Language);
        }
        else if (lang is not null && Reference.IsLanguage(lang))
        {
            PagesExtensions.RememberLanguage(HttpContext, lang);
            if (account is not null) await Grains.GetGrain<IAccountGrain>(Me.AccountId).SetLanguageAsync(lang);
        }
        if (second is not null && Amazigh.SecondLanguages.Contains(second))
        {
            PagesExtensions.RememberSecondLanguage(HttpContext, second);
            if (account is not null) await Grains.GetGrain<IAccountGrain>(Me.AccountId).SetLanguageAsync(second);
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
