using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Grains.Conversations;

/// <summary>The rules of conversations the API and the grains share.</summary>
/// <summary>
/// How many messages an account may post in a minute: across all its threads, and in any one thread (a burst).
/// Past either, 429 with the limit and when to try again. The windows live in the grains (the account's inbox and
/// the thread), never in a host's memory, so they hold across the hosts of the cluster.
/// </summary>
public sealed record MessageLimits(int PerMinutePerAccount, int PerMinutePerThread)
{
    public static MessageLimits Default => new(30, 10);
}

public static class ConversationRules
{
    /// <summary>
    /// Messages per stored page. A message is at most <see cref="MaxText"/> characters and <see cref="MaxLinks"/>
    /// links of <see cref="MaxLink"/>: about 8.7 KB in the worst case (3-byte UTF-8 characters), so a page of 25
    /// and the thread's head (under 25) each stay under 256 KiB.
    /// </summary>
    public const int PageSize = 25;
    public const int MaxText = 2000;
    public const int MaxLinks = 3;
    public const int MaxLink = 300;
    public const int MaxClientMessageId = 64;
    public const int MaxReason = 500;
    /// <summary>The client message ids remembered per thread, so a retried send posts once.</summary>
    public const int RememberedSends = 50;
    /// <summary>Threads one account takes part in; past that, no new thread opens for it.</summary>
    public const int MaxThreads = 2000;

    /// <summary>The id of the thread between a need and a startup: the same pair always gives the same id.</summary>
    public static string IdFor(string needId, string startupId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{needId}\n{startupId}"));
        return "conv-" + Convert.ToHexStringLower(hash)[..32];
    }
}

/// <summary>Who wrote a message: the SME that owns the need, or the startup.</summary>
public enum ConversationSide { Sme, Startup }

/// <summary>A message as typed, before it is stored.</summary>
[GenerateSerializer, Alias("jazari.new-message")]
public sealed record NewMessage(
    [property: Id(0)] string Text,
    [property: Id(1)] IReadOnlyList<string> Links,
    /// <summary>Chosen by the client: the same id from the same author again returns the message already posted.</summary>
    [property: Id(2)] string? ClientMessageId);

[GenerateSerializer, Alias("jazari.conversation-message")]
public sealed record ConversationMessage(
    /// <summary>1, 2, 3... in the thread.</summary>
    [property: Id(0)] long Seq,
    [property: Id(1)] string Id,
    [property: Id(2)] ConversationSide Author,
    [property: Id(3)] string AuthorAccountId,
    [property: Id(4)] string Text,
    [property: Id(5)] IReadOnlyList<string> Links,
    [property: Id(6)] DateTimeOffset SentAt,
    /// <summary>Messages by the SME and by the startup up to and including this one: the unread counts follow from them.</summary>
    [property: Id(7)] int BySme,
    [property: Id(8)] int ByStartup,
    /// <summary>The text and links were erased (the author's data was erased); the message keeps its place.</summary>
    [property: Id(9)] bool Removed);

/// <summary>How far one party has read: up to <see cref="Seq"/>, which covers <see cref="Count"/> messages of the other party.</summary>
[GenerateSerializer, Alias("jazari.read-mark")]
public sealed record ReadMark([property: Id(0)] long Seq, [property: Id(1)] int Count);

[GenerateSerializer, Alias("jazari.conversation-report")]
public sealed record ConversationReport(
    [property: Id(0)] string AccountId,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset At);

/// <summary>A recent send: its client id (when given) and where the message is.</summary>
[GenerateSerializer, Alias("jazari.recent-send")]
public sealed record RecentSend(
    [property: Id(0)] string? ClientKey,
    [property: Id(1)] string MessageId,
    [property: Id(2)] long Seq,
    [property: Id(3)] bool NoticePending = false);

/// <summary>Hands the notices of new messages to their job (the host's Hangfire); raising one twice is harmless.</summary>
public interface IConversationNotices
{
    Task RaiseAsync(string conversationId, IReadOnlyList<string> messageIds);
}

[GenerateSerializer, Alias("jazari.conversation-state")]
public sealed class ConversationState
{
    [Id(0)] public string NeedId { get; set; } = "";
    [Id(1)] public string StartupId { get; set; } = "";
    [Id(2)] public string SmeId { get; set; } = "";
    [Id(3)] public string SmeAccountId { get; set; } = "";
    [Id(4)] public string StartupAccountId { get; set; } = "";
    /// <summary>Taken when the thread opens, to list it in the inboxes (business names, not people's).</summary>
    [Id(5)] public string NeedTitle { get; set; } = "";
    [Id(6)] public string SmeName { get; set; } = "";
    [Id(7)] public string StartupName { get; set; } = "";
    [Id(8)] public DateTimeOffset OpenedAt { get; set; }
    [Id(9)] public ConversationSide OpenedBy { get; set; }
    /// <summary>The newest messages, fewer than <see cref="ConversationRules.PageSize"/>: those after the stored pages.</summary>
    [Id(10)] public List<ConversationMessage> Head { get; set; } = [];
    /// <summary>Full pages stored in <see cref="IConversationPageGrain"/>s 0 to Pages - 1.</summary>
    [Id(11)] public int Pages { get; set; }
    [Id(12)] public long LastSeq { get; set; }
    [Id(13)] public int BySme { get; set; }
    [Id(14)] public int ByStartup { get; set; }
    [Id(15)] public ReadMark SmeRead { get; set; } = new(0, 0);
    [Id(16)] public ReadMark StartupRead { get; set; } = new(0, 0);
    /// <summary>At most one per party.</summary>
    [Id(17)] public List<ConversationReport> Reports { get; set; } = [];
    /// <summary>Set when an admin handled the reports: admins no longer read the thread.</summary>
    [Id(18)] public DateTimeOffset? ReportsHandledAt { get; set; }
    /// <summary>Increases with every change the inboxes show (a message, a read).</summary>
    [Id(19)] public long Version { get; set; }
    /// <summary>The last <see cref="ConversationRules.RememberedSends"/> sends.</summary>
    [Id(20)] public List<RecentSend> Recent { get; set; } = [];
    [Id(21)] public DateTimeOffset LastMessageAt { get; set; }
    /// <summary>A party erased its account: nobody would read what is written now, so the thread takes no more messages.</summary>
    [Id(22)] public bool PartyErased { get; set; }
}

[GenerateSerializer, Alias("jazari.message-view")]
public sealed record MessageView(
    [property: Id(0)] string Id,
    [property: Id(1)] long Seq,
    [property: Id(2)] ConversationSide Author,
    [property: Id(3)] string Text,
    [property: Id(4)] IReadOnlyList<string> Links,
    [property: Id(5)] DateTimeOffset SentAt,
    [property: Id(6)] bool Removed);

/// <summary>A thread as one reader sees it, with one page of messages, newest first.</summary>
[GenerateSerializer, Alias("jazari.conversation-view")]
public sealed record ConversationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string NeedId,
    [property: Id(2)] string NeedTitle,
    [property: Id(3)] string SmeId,
    [property: Id(4)] string SmeName,
    [property: Id(5)] string StartupId,
    [property: Id(6)] string StartupName,
    [property: Id(7)] DateTimeOffset OpenedAt,
    [property: Id(8)] long LastSeq,
    /// <summary>The reader's unread messages (0 for an admin).</summary>
    [property: Id(9)] int Unread,
    [property: Id(10)] long SmeReadUpTo,
    [property: Id(11)] long StartupReadUpTo,
    [property: Id(12)] bool Reported,
    [property: Id(13)] IReadOnlyList<MessageView> Messages,
    /// <summary>Pass as <c>before</c> for the older page; null at the first message.</summary>
    [property: Id(14)] long? Before,
    /// <summary>A party erased its account: the thread is read, and takes no more messages.</summary>
    [property: Id(15)] bool Closed = false);

/// <summary>The answer to a send: the message, and whether this call posted it (false for a repeated client message id).</summary>
[GenerateSerializer, Alias("jazari.sent-message")]
public sealed record SentMessage(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] MessageView Message,
    [property: Id(2)] bool Posted,
    [property: Id(3)] bool Opened);

/// <summary>What the e-mail about a new message says, for its recipient.</summary>
[GenerateSerializer, Alias("jazari.message-notice")]
public sealed record MessageNotice(
    [property: Id(0)] string RecipientAccountId,
    [property: Id(1)] string SenderName,
    [property: Id(2)] string NeedTitle,
    [property: Id(3)] string Excerpt);

/// <summary>What one party's inbox shows of a thread.</summary>
[GenerateSerializer, Alias("jazari.conversation-summary")]
public sealed record ConversationSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string NeedId,
    [property: Id(2)] string NeedTitle,
    [property: Id(3)] string CounterpartId,
    [property: Id(4)] string CounterpartName,
    [property: Id(5)] DateTimeOffset LastMessageAt,
    [property: Id(6)] long LastSeq);
