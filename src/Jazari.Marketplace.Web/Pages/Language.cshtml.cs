using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>The language switch: a cookie, and the account's language when signed in (so e-mails follow, and other devices).</summary>
public sealed class LanguageModel(IGrainFactory grains, Text text) : MarketplacePage(grains, text)
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? lang, string? returnUrl)
    {
        if (lang is not null && Reference.IsLanguage(lang))
        {
            PagesExtensions.RememberLanguage(HttpContext, lang);
            if (User.SignedIn() && await AccountAsync() is not null)
                await Grains.GetGrain<IAccountGrain>(Me.AccountId).SetLanguageAsync(lang);
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
