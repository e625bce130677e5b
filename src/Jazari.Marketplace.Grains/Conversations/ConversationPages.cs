namespace Jazari.Marketplace.Grains.Conversations;

/// <summary>
/// One full page of a thread's messages (<see cref="ConversationRules.PageSize"/>), keyed <c>{conversationId}/{index}</c>.
/// Written by its thread when the head fills up, never changed after but for erasure.
/// </summary>
public interface IConversationPageGrain : IGrainWithStringKey
{
    static string Key(string conversationId, int index) => $"{conversationId}/{index}";

    /// <summary>Stores the page; the thread writes it again only while it has not counted it as stored.</summary>
    Task WriteAsync(IReadOnlyList<ConversationMessage> messages);
    Task<IReadOnlyList<ConversationMessage>> GetAsync();
    /// <summary>Blanks the texts and links of this author's messages; the number of messages blanked.</summary>
    Task<int> EraseAuthorAsync(string accountId);
}

[GenerateSerializer, Alias("jazari.conversation-page-state")]
public sealed class ConversationPageState
{
    [Id(0)] public List<ConversationMessage> Messages { get; set; } = [];
}

internal sealed class ConversationPageGrain(
    [PersistentState("conversation-page", "marketplace")] IPersistentState<ConversationPageState> state) : Grain, IConversationPageGrain
{
    public async Task WriteAsync(IReadOnlyList<ConversationMessage> messages)
    {
        state.State.Messages = [.. messages];
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<ConversationMessage>> GetAsync() => Task.FromResult<IReadOnlyList<ConversationMessage>>(state.State.Messages);

    public async Task<int> EraseAuthorAsync(string accountId)
    {
        var erased = ConversationGrain.Erase(state.State.Messages, accountId);
        if (erased > 0) await state.SaveAsync();
        return erased;
    }
}

/// <summary>One thread in an account's inbox: what the thread last told it.</summary>
[GenerateSerializer, Alias("jazari.inbox-entry")]
public sealed record InboxEntry(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] DateTimeOffset LastMessageAt,
    [property: Id(2)] int Unread,
    /// <summary>The thread's version when it told this: an older update never overwrites a newer one.</summary>
    [property: Id(3)] long Version);

[GenerateSerializer, Alias("jazari.inbox-page")]
public sealed record InboxPage(
    [property: Id(0)] int Total,
    /// <summary>Unread messages across all the account's threads.</summary>
    [property: Id(1)] int Unread,
    [property: Id(2)] IReadOnlyList<InboxEntry> Entries);

/// <summary>
/// The threads of one account (keyed by account id) with their unread counts, newest activity first. The
/// threads keep it up to date; it lists every thread of the account, so erasure can find them all.
/// </summary>
public interface IConversationInboxGrain : IGrainWithStringKey
{
    /// <summary>Adds or updates a thread; a conflict when a new thread would exceed <see cref="ConversationRules.MaxThreads"/>.</summary>
    Task TrackAsync(InboxEntry entry);
    Task<InboxPage> PageAsync(int skip, int take);
    /// <summary>Every thread the account takes part in.</summary>
    Task<IReadOnlyList<string>> ListConversationIdsAsync();
    /// <summary>
    /// The account is about to post a message at <paramref name="at"/>: 429 when it posted <paramref name="perMinute"/>
    /// in the minute before, across its threads. The time is kept with the inbox and stored by the inbox's write that
    /// every posted message already makes (no write of its own).
    /// </summary>
    Task AdmitSendAsync(DateTimeOffset at, int perMinute);
}

[GenerateSerializer, Alias("jazari.conversation-inbox-state")]
public sealed class ConversationInboxState
{
    /// <summary>At most <see cref="ConversationRules.MaxThreads"/>.</summary>
    [Id(0)] public List<InboxEntry> Entries { get; set; } = [];
    /// <summary>When the account posted its messages of the last minute, oldest first (at most the per-account limit).</summary>
    [Id(1)] public List<DateTimeOffset> RecentSends { get; set; } = [];
}

internal sealed class ConversationInboxGrain(
    [PersistentState("conversation-inbox", "marketplace")] IPersistentState<ConversationInboxState> state) : Grain, IConversationInboxGrain
{
    private List<InboxEntry> Entries => state.State.Entries;

    public async Task TrackAsync(InboxEntry entry)
    {
        var index = Entries.FindIndex(e => e.ConversationId == entry.ConversationId);
        if (index >= 0)
        {
            if (Entries[index].Version >= entry.Version) return;
            Entries[index] = entry;
        }
        else
        {
            if (Entries.Count >= ConversationRules.MaxThreads)
                throw MarketplaceException.Conflict($"This account takes part in {ConversationRules.MaxThreads} conversations already.");
            Entries.Add(entry);
        }
        await state.SaveAsync();
    }

    public Task<InboxPage> PageAsync(int skip, int take) => Task.FromResult(new InboxPage(Entries.Count, Entries.Sum(e => e.Unread),
        [.. Entries.OrderByDescending(e => e.LastMessageAt).ThenBy(e => e.ConversationId).Skip(skip).Take(take)]));

    public Task<IReadOnlyList<string>> ListConversationIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. Entries.Select(e => e.ConversationId)]);

    public Task AdmitSendAsync(DateTimeOffset at, int perMinute)
    {
        var sends = state.State.RecentSends;
        sends.RemoveAll(s => s <= at - TimeSpan.FromMinutes(1));
        if (sends.Count >= perMinute)
            throw MarketplaceException.TooMany(
                $"At most {perMinute} messages a minute per account; try again shortly.", sends[^perMinute] + TimeSpan.FromMinutes(1) - at);
        sends.Add(at);
        sends.Sort(); // times from different hosts may arrive out of order
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("jazari.reported-conversation")]
public sealed record ReportedConversation(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] int Reports,
    [property: Id(3)] DateTimeOffset LastReportedAt,
    [property: Id(4)] string? LastReporterId = null);

/// <summary>The threads reported and not yet handled by an admin: one grain (key <see cref="Key"/>), bounded.</summary>
public interface IReportedConversationsGrain : IGrainWithStringKey
{
    const string Key = "all";
    Task ReportedAsync(string conversationId, string needId, int reports, DateTimeOffset at);
    /// <summary>The thread waits for the moderators, last reported by <paramref name="reporterId"/> (a method of its own:
    /// hosts of the version before keep calling ReportedAsync).</summary>
    Task ReportedByAsync(string conversationId, string needId, int reports, DateTimeOffset at, string? reporterId);
    Task HandledAsync(string conversationId);
    Task<IReadOnlyList<ReportedConversation>> ListAsync();
}

[GenerateSerializer, Alias("jazari.reported-conversations-state")]
public sealed class ReportedConversationsState
{
    [Id(0)] public List<ReportedConversation> Conversations { get; set; } = [];
}

internal sealed class ReportedConversationsGrain(
    [PersistentState("reported-conversations", "marketplace")] IPersistentState<ReportedConversationsState> state) : Grain, IReportedConversationsGrain
{
    /// <summary>Past this many waiting, the least recently reported drop out of the queue (the reports stay on the thread).</summary>
    public const int MaxWaiting = 1000;
    /// <summary>
    /// Threads waiting on one account's latest report: its older ones make room first, so an account that opens and
    /// reports hundreds of threads cannot push anybody else's report out of the queue.
    /// </summary>
    public const int MaxWaitingPerReporter = 20;

    public Task ReportedAsync(string conversationId, string needId, int reports, DateTimeOffset at) =>
        ReportedByAsync(conversationId, needId, reports, at, null);

    public async Task ReportedByAsync(string conversationId, string needId, int reports, DateTimeOffset at, string? reporterId)
    {
        var list = state.State.Conversations;
        list.RemoveAll(c => c.ConversationId == conversationId);
        list.Add(new ReportedConversation(conversationId, needId, reports, at, reporterId));
        // Only threads it alone reported: a thread the other party reported too stays (it cannot be pushed out by its target).
        bool Alone(ReportedConversation c) => c.LastReporterId == reporterId && c.Reports == 1;
        if (reporterId is not null && list.Count(Alone) > MaxWaitingPerReporter) list.RemoveAt(list.FindIndex(Alone));
        if (list.Count > MaxWaiting) list.RemoveAt(0);
        await state.SaveAsync();
    }

    public async Task HandledAsync(string conversationId)
    {
        if (state.State.Conversations.RemoveAll(c => c.ConversationId == conversationId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<ReportedConversation>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ReportedConversation>>([.. Enumerable.Reverse(state.State.Conversations)]);
}
