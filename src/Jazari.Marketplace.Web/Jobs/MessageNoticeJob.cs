using Hangfire;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Tells the other party of a new message, through the notification pipeline (key <c>message:{messageId}</c>, so a
/// rerun or a retried send tells once). The e-mail carries an excerpt and a link, never the whole message; a message
/// erased before the job runs is not told.
/// </summary>
public sealed class MessageNoticeJob(IGrainFactory grains, Notifier notifier, NotificationSettings settings)
{
    [Queue(Queues.Notifications)]
    public async Task RunAsync(string conversationId, string messageId)
    {
        if (await grains.GetGrain<IConversationGrain>(conversationId).GetNoticeAsync(messageId) is not { } notice) return;
        await notifier.NotifyAsync(notice.RecipientAccountId, NotificationKinds.MessageReceived, $"message:{messageId}", new Dictionary<string, string>
        {
            ["sender"] = notice.SenderName,
            ["title"] = notice.NeedTitle,
            ["excerpt"] = notice.Excerpt,
            ["link"] = $"{settings.PublicUrl.TrimEnd('/')}/conversations/{conversationId}",
        });
    }
}
