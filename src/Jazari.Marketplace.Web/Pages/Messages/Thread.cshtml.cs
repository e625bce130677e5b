using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Messages;

/// <summary>
/// One conversation: its messages (older ones a page back), marked read when seen, and the reply form. The form
/// carries a message id made when the page was drawn, so sending twice (a double tap, a retry) posts once.
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class ThreadModel(IGrainFactory grains, Text text, ConversationCommands conversations) : MarketplacePage(grains, text)
{
    public ConversationResponse Conversation { get; private set; } = null!;
    public string MySide => Me.Role;
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public string? Links { get; set; }
    [BindProperty] public string? ClientMessageId { get; set; }

    public async Task OnGetAsync(string id, long? before)
    {
        await LoadAsync(id, before);
        if (before is null && Conversation.Unread > 0) await conversations.MarkReadAsync(Me, id, new ReadInput());
        ClientMessageId = Ids.New("msg");
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        var links = Split(Links);
        var body = new MessageInput { Text = Message, Links = links, ClientMessageId = FormSend.MessageId(ClientMessageId, Message, links) };
        if (await TryAsync(() => conversations.SendAsync(Me, id, body))) return Redirect($"/messages/{id}#latest");
        await LoadAsync(id, null);
        return Page();
    }

    private async Task LoadAsync(string id, long? before) =>
        Conversation = await conversations.ReadAsync(Me, id, before);
}
