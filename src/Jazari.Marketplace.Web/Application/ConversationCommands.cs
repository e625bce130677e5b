using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Application;

/// <summary>Conversations between the SME of a need and a startup: a thread per need and startup, read by its two parties.</summary>
public sealed class ConversationCommands(IGrainFactory grains, AuditTrail audit)
{
    public const int InboxPageSize = 20;

    /// <summary>Opens the thread (or continues it) with a first message; Opened says whether it was created now.</summary>
    public async Task<(ConversationResponse Conversation, bool Opened)> OpenAsync(Caller caller, string needId, OpenConversationInput input)
    {
        var (message, startupId) = Checks.Valid(c =>
        {
            var message = input.ToMessage(c);
            var startupId = caller.Role == Roles.Sme ? c.Id("startupId", input.StartupId) : input.StartupId;
            if (caller.Role == Roles.Startup && startupId is not null) c.Error("startupId", "A startup writes for itself: leave it out.");
            return (message, startupId);
        });
        startupId ??= (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId
            ?? throw MarketplaceException.Conflict("Create your startup profile first.");
        var thread = grains.GetGrain<IConversationGrain>(ConversationRules.IdFor(needId, startupId));
        var sent = await thread.OpenAsync(caller, needId, startupId, message);
        return (ConversationResponse.From(await thread.GetAsync(caller, null)), sent.Opened);
    }

    /// <summary>Posts a message; Posted is false when the same client message id was already posted (a retry).</summary>
    public async Task<(SentResponse Sent, bool Posted)> SendAsync(Caller caller, string id, MessageInput input)
    {
        var message = Checks.Valid(input.ToMessage);
        var sent = await grains.GetGrain<IConversationGrain>(id).SendAsync(caller, message);
        return (new SentResponse(sent.ConversationId, MessageResponse.From(sent.Message)), sent.Posted);
    }

    /// <summary>A page of the thread, newest first; an admin reads one only while a report waits, and each such read is audited.</summary>
    public async Task<ConversationResponse> ReadAsync(Caller caller, string id, long? before)
    {
        Checks.Valid(c => { if (before is < 1) c.Error("before", "Must be a message's seq (1 or more)."); return 0; });
        var view = await grains.GetGrain<IConversationGrain>(id).GetAsync(caller, before);
        if (caller.IsAdmin) await audit.RecordAsync(caller, AuditActions.ConversationRead, id, before is null ? "newest" : $"before {before}");
        return ConversationResponse.From(view);
    }

    public Task<ReadReceipt> MarkReadAsync(Caller caller, string id, ReadInput input)
    {
        Checks.Valid(c => { if (input.UpTo is < 1) c.Error("upTo", "Must be a message's seq (1 or more)."); return 0; });
        return grains.GetGrain<IConversationGrain>(id).MarkReadAsync(caller, input.UpTo);
    }

    public async Task<Reported> ReportAsync(Caller caller, string id, ReportInput input)
    {
        var reason = Checks.Valid(c => c.Text("reason", input.Reason, ConversationRules.MaxReason, multiLine: true));
        return new Reported(await grains.GetGrain<IConversationGrain>(id).ReportAsync(caller, reason));
    }

    /// <summary>Unread messages across the caller's threads (the menu's count).</summary>
    public async Task<int> UnreadAsync(Caller caller) =>
        (await grains.GetGrain<IConversationInboxGrain>(caller.AccountId).PageAsync(0, 0)).Unread;

    public async Task<InboxResponse> InboxAsync(Caller caller, int? page)
    {
        var pageNumber = Checks.Valid(c => c.Whole("page", page ?? 1, 1, ConversationRules.MaxThreads / InboxPageSize));
        var inbox = await grains.GetGrain<IConversationInboxGrain>(caller.AccountId).PageAsync((pageNumber - 1) * InboxPageSize, InboxPageSize);
        var summaries = await Task.WhenAll(inbox.Entries.Select(e => grains.GetGrain<IConversationGrain>(e.ConversationId).GetSummaryAsync(caller.AccountId)));
        var items = inbox.Entries.Zip(summaries)
            .Where(pair => pair.Second is not null) // a thread whose opening failed after the inbox took it
            .Select(pair => new InboxItem(pair.First.ConversationId, pair.Second!.NeedId, pair.Second.NeedTitle, pair.Second.CounterpartId,
                pair.Second.CounterpartName, pair.First.LastMessageAt, pair.Second.LastSeq, pair.First.Unread));
        return new InboxResponse(pageNumber, InboxPageSize, inbox.Total, inbox.Unread, [.. items]);
    }

    public Task<IReadOnlyList<ReportedConversation>> ReportedAsync(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Reports");
        return grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key).ListAsync();
    }

    public async Task HandleReportsAsync(Caller caller, string id)
    {
        await grains.GetGrain<IConversationGrain>(id).HandleReportsAsync(caller);
        await audit.RecordAsync(caller, AuditActions.ConversationReportsHandled, id);
    }
}

/// <summary>The per-account message limits from the <c>Conversations:*</c> settings (one at least), for the conversation grains.</summary>
public static class MessageLimitSettings
{
    public static MessageLimits From(IConfiguration config) => new(
        Math.Max(1, config.GetValue("Conversations:MessagesPerMinute", MessageLimits.Default.PerMinutePerAccount)),
        Math.Max(1, config.GetValue("Conversations:MessagesPerMinutePerThread", MessageLimits.Default.PerMinutePerThread)));
}
