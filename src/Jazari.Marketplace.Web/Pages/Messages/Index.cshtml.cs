using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Messages;

/// <summary>The inbox: the caller's conversations, the latest first, with what is unread (the API's own inbox).</summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class IndexModel(IGrainFactory grains, Text text, ConversationCommands conversations) : MarketplacePage(grains, text)
{
    public InboxResponse Inbox { get; private set; } = null!;

    /// <summary>"page" names the query's page number: a Razor page's own parameter of that name would get its route value.</summary>
    public async Task OnGetAsync([FromQuery(Name = "page")] int? page) =>
        Inbox = await conversations.InboxAsync(Me, Math.Clamp(page ?? 1, 1, Jazari.Marketplace.Grains.Conversations.ConversationRules.MaxThreads / ConversationCommands.InboxPageSize));
}
