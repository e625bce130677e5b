using System.Globalization;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>
/// Where the unsubscribe link of every e-mail lands in a browser (the e-mail carries
/// <c>/api/notifications/unsubscribe?account=&amp;kind=&amp;lang=&amp;sig=</c>, which sends a browser here with its query).
/// Signed out as well as signed in: the signature is the permission. A GET only shows what would stop (the kind of
/// e-mail, the address masked) and one button, because mail scanners open links too (RFC 8058); the POST turns the kind
/// off and confirms. The words are in the e-mail's language (the link's <c>lang</c>, else the account's), unless the
/// reader chose one on this browser (the language switch, or signing in). A link the marketplace did not sign shows an
/// error here (404), in the link's language.
/// </summary>
public sealed class UnsubscribeModel(IGrainFactory grains, Text text, LinkSigner signer) : MarketplacePage(grains, text)
{
    public enum View
    {
        /// <summary>The link was cut or changed: its signature is not the marketplace's.</summary>
        Invalid,
        /// <summary>The account was erased (or never was): nothing is sent to it.</summary>
        Gone,
        /// <summary>A kind that always goes (payments, engagements, incubation, expert opinions): nothing to turn off.</summary>
        AlwaysSent,
        /// <summary>What would stop, and the button.</summary>
        Ask,
        /// <summary>The kind is off: just turned off by the button, or before.</summary>
        Stopped,
    }

    [BindProperty(SupportsGet = true)] public string? Account { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sig { get; set; }
    /// <summary>The e-mail's language; not signed, it only chooses the words.</summary>
    [BindProperty(SupportsGet = true)] public string? Lang { get; set; }

    public View Shown { get; private set; }
    /// <summary>The POST has just turned the kind off (else <see cref="View.Stopped"/> means it was off already).</summary>
    public bool JustStopped { get; private set; }
    /// <summary>The digest's link: every kind a person may turn off.</summary>
    public bool All => Kind == DeliveryJobs.UnsubscribeAll;
    public string MaskedEmail { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await OpenAsync())
            Shown = IsOff(await Notifications.GetPreferencesAsync()) ? View.Stopped : View.Ask;
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await OpenAsync())
        {
            await Notifications.UnsubscribeAsync(All ? null : Kind);
            Shown = View.Stopped;
            JustStopped = true;
        }
        return Answer();
    }

    private IAccountNotificationsGrain Notifications => Grains.GetGrain<IAccountNotificationsGrain>(Account!);

    /// <summary>
    /// Checks the link and chooses the language; true when the link may turn something off, else <see cref="Shown"/>
    /// says why not. The account is read only once the signature is known to be the marketplace's.
    /// </summary>
    private async Task<bool> OpenAsync()
    {
        if (!DeliveryJobs.IsSignedUnsubscribeLink(Account, Kind, Sig, signer))
        {
            Speak(null);
            Shown = View.Invalid;
            return false;
        }
        var account = await Grains.GetGrain<IAccountGrain>(Account!).GetAsync();
        Speak(account?.Language);
        if (account is null || account.ErasedAt is not null)
        {
            Shown = View.Gone;
            return false;
        }
        MaskedEmail = Mask(account.Email);
        if (!DeliveryJobs.CanTurnOff(Account, Kind, Sig, signer))
        {
            Shown = View.AlwaysSent;
            return false;
        }
        return true;
    }

    private bool IsOff(NotificationPreferences preferences) =>
        (All ? NotificationKinds.Choosable : [Kind!]).All(k => preferences.Kinds.GetValueOrDefault(k) == Delivery.Off);

    /// <summary>The e-mail's language (the link's, else the account's), unless the reader chose one on this browser.</summary>
    private void Speak(string? accountLanguage)
    {
        if (Request.Cookies[Text.CookieName] is { } chosen && Strings.PageLanguages.Contains(chosen)) return;
        var language = Lang is not null && Strings.Languages.Contains(Lang) ? Lang : accountLanguage;
        if (language is not null && Strings.Languages.Contains(language))
            T.Use(language, PagesExtensions.SecondLanguageOf(HttpContext), Request.Path.Value);
    }

    private PageResult Answer()
    {
        if (Shown == View.Invalid) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>
    /// "y•••@example.ma": enough for the reader to recognise the address, not the address itself for whoever else holds
    /// the link (a forwarded e-mail).
    /// </summary>
    public static string Mask(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0) return "•••";
        return email[..StringInfo.GetNextTextElementLength(email)] + "•••" + email[at..];
    }
}
