using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Conversations;

namespace Jazari.Marketplace.Web.Application;

// Request bodies and answers of the conversation endpoints, shared by the API and the pages.

public record MessageInput
{
    public string? Text { get; init; }
    public IReadOnlyList<string?>? Links { get; init; }
    /// <summary>Optional: the same id again (a retry) returns the message already posted instead of posting twice.</summary>
    public string? ClientMessageId { get; init; }

    public NewMessage ToMessage(Checks c)
    {
        var text = c.Text("text", Text, ConversationRules.MaxText, multiLine: true);
        var links = c.List("links", Links, ConversationRules.MaxLinks, ConversationRules.MaxLink);
        for (var i = 0; i < links.Count; i++)
        {
            if (!Uri.TryCreate(links[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
                || links[i].Any(char.IsWhiteSpace))
                c.Error($"links[{i}]", "Must be an http or https address.");
        }
        var clientId = c.OptionalText("clientMessageId", ClientMessageId, ConversationRules.MaxClientMessageId);
        return new NewMessage(text, links, clientId);
    }
}

public sealed record OpenConversationInput : MessageInput
{
    /// <summary>The startup the SME writes to; a startup leaves it out (it writes for itself).</summary>
    public string? StartupId { get; init; }
}

public sealed record ReadInput
{
    /// <summary>The seq of the last message read; empty: the newest.</summary>
    public long? UpTo { get; init; }
}

public sealed record ReportInput
{
    public string? Reason { get; init; }
}

public sealed record MessageResponse(string Id, long Seq, string Author, string Text, IReadOnlyList<string> Links, DateTimeOffset SentAt, bool Removed)
{
    public static MessageResponse From(MessageView m) =>
        new(m.Id, m.Seq, m.Author == ConversationSide.Sme ? Roles.Sme : Roles.Startup, m.Text, m.Links, m.SentAt, m.Removed);
}

public sealed record SentResponse(string ConversationId, MessageResponse Message);

public sealed record ReadUpTo(long Sme, long Startup);

public sealed record ConversationResponse(
    string Id, string NeedId, string NeedTitle, string SmeId, string SmeName, string StartupId, string StartupName, DateTimeOffset OpenedAt,
    long LastSeq, int Unread, ReadUpTo ReadUpTo, bool Reported, IReadOnlyList<MessageResponse> Messages, long? Before, bool Closed = false)
{
    public static ConversationResponse From(ConversationView v) => new(v.Id, v.NeedId, v.NeedTitle, v.SmeId, v.SmeName, v.StartupId, v.StartupName,
        v.OpenedAt, v.LastSeq, v.Unread, new(v.SmeReadUpTo, v.StartupReadUpTo), v.Reported, [.. v.Messages.Select(MessageResponse.From)], v.Before, v.Closed);
}

public sealed record InboxItem(string Id, string NeedId, string NeedTitle, string CounterpartId, string CounterpartName, DateTimeOffset LastMessageAt, long LastSeq, int Unread);

public sealed record InboxResponse(int Page, int PageSize, int Total, int Unread, IReadOnlyList<InboxItem> Conversations);

/// <summary>The answer to a report (of a conversation or a review): whether it was the first by this account.</summary>
public sealed record Reported(bool First);
