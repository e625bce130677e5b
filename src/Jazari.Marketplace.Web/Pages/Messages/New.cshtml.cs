using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Messages;

/// <summary>
/// The first message about a need: the SME writes to a startup, a startup to the SME (the API's own endpoint and
/// rules: who may open which thread). Writing again about the same need and startup continues the same thread.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class NewModel(IGrainFactory grains, Text text, ConversationCommands conversations) : MarketplacePage(grains, text)
{
    [BindProperty(SupportsGet = true)] public string? NeedId { get; set; }
    [BindProperty(SupportsGet = true)] public string? StartupId { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public string? ClientMessageId { get; set; }
    public string NeedTitle { get; private set; } = "";
    /// <summary>Who the message goes to: the startup written to (for an SME), or the need's SME (for a startup).</summary>
    public string? Recipient { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        // The thread about this need and startup exists already (a bid's Write link, written before): it is where to write.
        var startupId = Me.Role == Jazari.Marketplace.Grains.Roles.Sme ? StartupId : await ProfileIdAsync();
        if (Jazari.Marketplace.Grains.Ids.IsValid(startupId))
        {
            var id = Jazari.Marketplace.Grains.Conversations.ConversationRules.IdFor(NeedId!, startupId!);
            try
            {
                await Grains.GetGrain<Jazari.Marketplace.Grains.Conversations.IConversationGrain>(id).GetAsync(Me, null);
                return Redirect($"/messages/{id}#latest");
            }
            catch (Jazari.Marketplace.Grains.MarketplaceException) { } // none yet, or not the caller's: the first message's form
        }
        ClientMessageId = Jazari.Marketplace.Grains.Ids.New("msg");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        var body = new OpenConversationInput { Text = Message, ClientMessageId = FormSend.MessageId(ClientMessageId, Message, []), StartupId = Me.Role == Jazari.Marketplace.Grains.Roles.Sme ? StartupId : null };
        ConversationResponse? opened = null;
        if (await TryAsync(async () => (opened, _) = await conversations.OpenAsync(Me, NeedId!, body)))
            return Redirect($"/messages/{opened!.Id}#latest");
        return Page();
    }

    /// <summary>The need as the caller may see it: another's need, or a bad id, is "not found".</summary>
    private async Task LoadAsync()
    {
        if (!Jazari.Marketplace.Grains.Ids.IsValid(NeedId)) throw Jazari.Marketplace.Grains.MarketplaceException.NotFound("Need");
        NeedTitle = (await Grains.GetGrain<INeedGrain>(NeedId!).GetAsync(Me)).Details.Title;
        if (Me.Role != Jazari.Marketplace.Grains.Roles.Sme) Recipient = T["messages.to-sme"];
        else if (Jazari.Marketplace.Grains.Ids.IsValid(StartupId))
        {
            try { Recipient = (await Grains.GetGrain<Jazari.Marketplace.Grains.Profiles.IStartupGrain>(StartupId!).GetAsync(Me)).Details.Name; }
            catch (Jazari.Marketplace.Grains.MarketplaceException) { } // no such startup: the send is refused, with its reason
        }
    }
}
