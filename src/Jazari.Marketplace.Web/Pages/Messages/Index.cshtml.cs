using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;

namespace Jazari.Marketplace.Web.Pages.Messages;

/// <summary>The inbox: the caller's conversations, the latest first, with what is unread (the API's own inbox).</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class IndexModel(IGrainFactory grains, Text text, ConversationCommands conversations) : MarketplacePage(grains, text)
{
    public InboxResponse Inbox { get; private set; } = null!;

    public async Task OnGetAsync(int? page) => Inbox = await conversations.InboxAsync(Me, page is null or < 1 ? 1 : page);
}
