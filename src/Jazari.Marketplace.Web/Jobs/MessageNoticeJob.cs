using Hangfire;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Tells the other party of a new message, through the notification pipeline (key <c>message:{messageId}</c>, so a
/// rerun or a retried send tells once), then marks the thread's notice done. The notice is written with the message
/// and raised by the thread, so a crash before the hand-over is repaired by the follow-up sweep. The e-mail carries an
/// excerpt and a link, never the whole message; a message erased before the job runs is not told.
/// </summary>
public sealed class MessageNoticeJob(IGrainFactory grains, Notifier notifier, NotificationSettings settings)
{
    [Queue(Queues.Notifications)]
    public async Task RunAsync(string conversationId, string messageId)
    {
        var thread = grains.GetGrain<IConversationGrain>(conversationId);
        if (await thread.GetNoticeAsync(messageId) is { } notice)
            await notifier.NotifyAsync(notice.RecipientAccountId, NotificationKinds.MessageReceived, $"message:{messageId}", new Dictionary<string, string>
        {
            ["sender"] = notice.SenderName,
            ["title"] = notice.NeedTitle,
            ["excerpt"] = notice.Excerpt,
            ["link"] = $"{settings.PublicUrl.TrimEnd('/')}/conversations/{conversationId}",
        });
        await thread.NoticeDoneAsync(messageId);
    }
}

/// <summary>Hands the threads' notices to Hangfire (the grains' side-effect interface, implemented by the host).</summary>
public sealed class HangfireConversationNotices(IBackgroundJobClient jobs, JobHandOver handOver) : IConversationNotices
{
    public Task RaiseAsync(string conversationId, IReadOnlyList<string> messageIds) => handOver.RunAsync(() =>
    {
        foreach (var id in messageIds) jobs.Enqueue<MessageNoticeJob>(j => j.RunAsync(conversationId, id));
    });
}
