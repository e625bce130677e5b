using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Conversations;

/// <summary>
/// The thread between the SME of a need and one startup (keyed by <see cref="ConversationRules.IdFor"/>). Only the
/// two parties read it, and admins while a report waits. The newest messages stay in the state (the head); every
/// full page of <see cref="ConversationRules.PageSize"/> moves to an <see cref="IConversationPageGrain"/>, so the
/// state stays bounded however long the thread. After each change the thread tells both parties' inboxes.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens the thread with a first message, or posts it into the thread already open: by the SME owning the need
    /// (to any startup with an account, once the need is published) or by the startup (while the need is open, or
    /// when it bid on it).
    /// </summary>
    Task<SentMessage> OpenAsync(Caller caller, string needId, string startupId, NewMessage first);
    /// <summary>A party posts a message; the same client message id again returns the message already posted.</summary>
    Task<SentMessage> SendAsync(Caller caller, NewMessage message);
    /// <summary>Up to a page of messages before <paramref name="before"/> (a message's seq; null: the newest), newest first.</summary>
    Task<ConversationView> GetAsync(Caller caller, long? before);
    /// <summary>The caller has read up to the message <paramref name="upTo"/> (null: the newest); a read mark never moves back.</summary>
    Task<ReadReceipt> MarkReadAsync(Caller caller, long? upTo);
    /// <summary>A party reports the thread to the admins; true when it is a new report.</summary>
    Task<bool> ReportAsync(Caller caller, string reason);
    /// <summary>An admin handled the waiting reports: the thread leaves the queue and admins no longer read it.</summary>
    Task HandleReportsAsync(Caller caller);
    /// <summary>What the inbox of <paramref name="accountId"/> shows of the thread; null when it is not one of its parties.</summary>
    Task<ConversationSummary?> GetSummaryAsync(string accountId);
    /// <summary>What to tell the recipient of a recent message; null when it is gone, erased or too old to look up.</summary>
    Task<MessageNotice?> GetNoticeAsync(string messageId);
    /// <summary>The recipient of the message was told (or there was nothing to tell): its notice is no longer pending.</summary>
    Task NoticeDoneAsync(string messageId);
    /// <summary>Hands the notices still pending to their job again (the sweep, after a lost hand-over).</summary>
    Task RaisePendingEventsAsync();
    /// <summary>
    /// Erasure of a person's data: blanks the texts and links of every message that account wrote, in the head and in
    /// every page, and the reasons of its reports. The messages keep their place ("message removed"); the party's name
    /// (and, for the SME, the need's title) copied into the thread becomes <paramref name="pseudonym"/>. Returns how
    /// many messages were blanked; repeating it blanks nothing more.
    /// </summary>
    Task<int> EraseAuthorAsync(string accountId, string pseudonym);
}

/// <summary>How far the reader has read, and what is left.</summary>
[GenerateSerializer, Alias("jazari.read-receipt")]
public sealed record ReadReceipt([property: Id(0)] long ReadUpTo, [property: Id(1)] int Unread);

internal sealed class ConversationGrain(
    [PersistentState("conversation", "marketplace")] IPersistentState<ConversationState> state,
    IGrainFactory grains,
    MessageLimits limits,
    IConversationNotices notices,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IConversationGrain
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Who posted here in the last minute, for the burst limit: in the activation's memory only (seeded from the head
    /// on first use), so the limit costs no write; the thread has one activation in the cluster.
    /// </summary>
    private List<(string AccountId, DateTimeOffset At)>? burst;

    private const int PageSize = ConversationRules.PageSize;
    private const int ExcerptLength = 200;
    private static readonly Caller System = new("system", Roles.Admin);

    private ConversationState S => state.State;
    private string Id => this.GetPrimaryKeyString();

    public async Task<SentMessage> OpenAsync(Caller caller, string needId, string startupId, NewMessage first)
    {
        if (state.RecordExists)
        {
            if (S.NeedId != needId || S.StartupId != startupId) throw NotFound();
            return await AppendAsync(SideOf(caller) ?? throw NotFound(), caller.AccountId, first) with { Opened = false };
        }
        if (ConversationRules.IdFor(needId, startupId) != Id) throw NotFound();
        var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(caller); // not found for a draft of someone else
        var sme = await grains.GetGrain<ISmeGrain>(need.SmeId).GetAsync(System);
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(caller); // startups are public; not found when none
        ConversationSide side;
        if (caller.Role == Roles.Sme && caller.AccountId == sme.OwnerAccountId)
        {
            if (need.Status == NeedStatus.Draft) throw MarketplaceException.Conflict("Publish the need before talking about it.");
            if (startup.OwnerAccountId is null) throw MarketplaceException.Conflict("This startup has no account on the marketplace yet.");
            side = ConversationSide.Sme;
        }
        else if (caller.Role == Roles.Startup && caller.AccountId == startup.OwnerAccountId)
        {
            if (sme.OwnerAccountId is null) throw MarketplaceException.Conflict("This need's SME has no account on the marketplace yet.");
            if (need.Status != NeedStatus.Open && !need.Bids.Any(b => b.StartupId == startupId))
                throw MarketplaceException.Conflict($"The need is {need.Status.Name()}; only its bidders can still write about it.");
            side = ConversationSide.Startup;
        }
        else throw MarketplaceException.NotFound("Need");

        var now = time.GetUtcNow();
        state.State = new ConversationState
        {
            NeedId = needId, StartupId = startupId, SmeId = need.SmeId, SmeAccountId = sme.OwnerAccountId!,
            StartupAccountId = startup.OwnerAccountId!, NeedTitle = need.Details.Title, SmeName = sme.Details.Name,
            StartupName = startup.Details.Name, OpenedAt = now, OpenedBy = side, LastMessageAt = now,
        };
        // Both inboxes take the thread first: a full inbox refuses it before anything is stored.
        await Task.WhenAll(Inbox(S.SmeAccountId).TrackAsync(new(Id, now, 0, 0)), Inbox(S.StartupAccountId).TrackAsync(new(Id, now, 0, 0)));
        return await AppendAsync(side, caller.AccountId, first);
    }

    public async Task<SentMessage> SendAsync(Caller caller, NewMessage message)
    {
        if (!state.RecordExists) throw NotFound();
        return await AppendAsync(SideOf(caller) ?? throw NotFound(), caller.AccountId, message);
    }

    public async Task<ConversationView> GetAsync(Caller caller, long? before)
    {
        if (!state.RecordExists) throw NotFound();
        var side = SideOf(caller);
        if (side is null && !(caller.IsAdmin && OpenReports().Any())) throw NotFound();
        var hi = Math.Min((before ?? S.LastSeq + 1) - 1, S.LastSeq);
        var lo = Math.Max(1, hi - PageSize + 1);
        var messages = hi < 1 ? [] : await RangeAsync(lo, hi);
        return new ConversationView(Id, S.NeedId, S.NeedTitle, S.SmeId, S.SmeName, S.StartupId, S.StartupName, S.OpenedAt, S.LastSeq,
            side is { } s ? Unread(s) : 0, S.SmeRead.Seq, S.StartupRead.Seq, OpenReports().Any(),
            [.. messages.OrderByDescending(m => m.Seq).Select(View)], hi >= 1 && lo > 1 ? lo : null, S.PartyErased);
    }

    public async Task<ReadReceipt> MarkReadAsync(Caller caller, long? upTo)
    {
        if (!state.RecordExists) throw NotFound();
        var side = SideOf(caller) ?? throw NotFound();
        var target = Math.Min(upTo ?? S.LastSeq, S.LastSeq);
        if (target > ReadOf(side).Seq && (await RangeAsync(target, target)).FirstOrDefault() is { } message)
        {
            SetRead(side, new ReadMark(target, side == ConversationSide.Sme ? message.ByStartup : message.BySme));
            S.Version++;
            await state.SaveAsync();
        }
        await TellInboxesAsync();
        return new ReadReceipt(ReadOf(side).Seq, Unread(side));
    }

    public async Task<bool> ReportAsync(Caller caller, string reason)
    {
        if (!state.RecordExists) throw NotFound();
        if (SideOf(caller) is null) throw NotFound();
        if (OpenReports().Any(r => r.AccountId == caller.AccountId)) return false;
        S.Reports.RemoveAll(r => r.AccountId == caller.AccountId);
        var report = new ConversationReport(caller.AccountId, reason, time.GetUtcNow());
        S.Reports.Add(report);
        await state.SaveAsync();
        await grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key)
            .ReportedByAsync(Id, S.NeedId, OpenReports().Count(), report.At, caller.AccountId);
        return true;
    }

    public async Task HandleReportsAsync(Caller caller)
    {
        if (!caller.IsAdmin || !state.RecordExists || !OpenReports().Any()) throw NotFound();
        S.ReportsHandledAt = time.GetUtcNow();
        await state.SaveAsync();
        await grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key).HandledAsync(Id);
    }

    public Task<ConversationSummary?> GetSummaryAsync(string accountId)
    {
        if (!state.RecordExists) return Task.FromResult<ConversationSummary?>(null);
        var summary = accountId == S.SmeAccountId
            ? new ConversationSummary(Id, S.NeedId, S.NeedTitle, S.StartupId, S.StartupName, S.LastMessageAt, S.LastSeq)
            : accountId == S.StartupAccountId
            ? new ConversationSummary(Id, S.NeedId, S.NeedTitle, S.SmeId, S.SmeName, S.LastMessageAt, S.LastSeq)
            : null;
        return Task.FromResult(summary);
    }

    public async Task NoticeDoneAsync(string messageId)
    {
        var index = state.RecordExists ? S.Recent.FindIndex(r => r.MessageId == messageId && r.NoticePending) : -1;
        if (index < 0) return;
        S.Recent[index] = S.Recent[index] with { NoticePending = false };
        await state.SaveAsync();
    }

    public Task RaisePendingEventsAsync() => state.RecordExists ? RaiseNoticesAsync() : Task.CompletedTask;

    /// <summary>The notices written with their messages and not done yet (of the last <see cref="ConversationRules.RememberedSends"/> sends).</summary>
    private Task RaiseNoticesAsync() =>
        S.Recent.Where(r => r.NoticePending).Select(r => r.MessageId).ToList() is { Count: > 0 } pending ? notices.RaiseAsync(Id, pending) : Task.CompletedTask;

    public async Task<MessageNotice?> GetNoticeAsync(string messageId)
    {
        if (!state.RecordExists || S.Recent.Find(r => r.MessageId == messageId) is not { } sent) return null;
        if ((await RangeAsync(sent.Seq, sent.Seq)).FirstOrDefault() is not { Removed: false } message) return null;
        var text = message.Text.Length <= ExcerptLength ? message.Text : Texts.Cut(message.Text, ExcerptLength).TrimEnd() + "…";
        return message.Author == ConversationSide.Sme
            ? new MessageNotice(S.StartupAccountId, S.SmeName, S.NeedTitle, text)
            : new MessageNotice(S.SmeAccountId, S.StartupName, S.NeedTitle, text);
    }

    public async Task<int> EraseAuthorAsync(string accountId, string pseudonym)
    {
        if (!state.RecordExists) return 0;
        var erased = 0;
        for (var page = 0; page < S.Pages; page++)
            erased += await Page(page).EraseAuthorAsync(accountId);
        var inHead = Erase(S.Head, accountId);
        var reports = S.Reports.Count(r => r.AccountId == accountId && r.Reason.Length > 0);
        S.Reports = [.. S.Reports.Select(r => r.AccountId == accountId ? r with { Reason = "" } : r)];
        var changed = false;
        if ((accountId == S.SmeAccountId || accountId == S.StartupAccountId) && !S.PartyErased) (S.PartyErased, changed) = (true, true);
        if (accountId == S.SmeAccountId && S.SmeName != pseudonym)
        {
            (S.SmeName, S.NeedTitle, changed) = (pseudonym, ErasedNeed.Title(pseudonym), true);
        }
        else if (accountId == S.StartupAccountId && S.StartupName != pseudonym)
        {
            (S.StartupName, changed) = (pseudonym, true);
        }
        if (inHead > 0 || reports > 0 || changed) await state.SaveAsync();
        return erased + inHead;
    }

    /// <summary>Blanks the author's messages in the list; how many were blanked.</summary>
    internal static int Erase(List<ConversationMessage> messages, string accountId)
    {
        var erased = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].AuthorAccountId != accountId || messages[i].Removed) continue;
            messages[i] = messages[i] with { Text = "", Links = [], Removed = true };
            erased++;
        }
        return erased;
    }

    private async Task<SentMessage> AppendAsync(ConversationSide side, string accountId, NewMessage message)
    {
        // A party erased its account: nobody would read what is written now.
        if (S.PartyErased) throw MarketplaceException.Conflict("The other party erased its account: the conversation takes no more messages.");
        var clientKey = message.ClientMessageId is null ? null : $"{accountId}:{message.ClientMessageId}";
        if (clientKey is not null && S.Recent.Find(r => r.ClientKey == clientKey) is { } repeated
            && (await RangeAsync(repeated.Seq, repeated.Seq)).FirstOrDefault() is { } earlier)
        {
            // A retry sends the same words; other words under the same id are a client's mistake, not a retry to hide.
            if (!earlier.Removed && (earlier.Text != message.Text || !earlier.Links.SequenceEqual(message.Links)))
                throw MarketplaceException.Conflict("This clientMessageId was already used for another message.");
            await TellInboxesAsync(); // a retry also finishes what a failed first attempt left undone
            await RaiseNoticesAsync();
            return new SentMessage(Id, View(earlier), Posted: false, Opened: false);
        }

        var now = time.GetUtcNow();
        AdmitInThread(accountId, now);
        await Inbox(accountId).AdmitSendAsync(now, limits.PerMinutePerAccount); // the account's limit, across its threads
        var seq = ++S.LastSeq;
        if (side == ConversationSide.Sme) S.BySme++; else S.ByStartup++;
        var stored = new ConversationMessage(seq, Ids.New("msg"), side, accountId, message.Text, message.Links, now, S.BySme, S.ByStartup, false);
        S.Head.Add(stored);
        SetRead(side, new ReadMark(seq, side == ConversationSide.Sme ? S.ByStartup : S.BySme)); // writing means having read
        S.LastMessageAt = now;
        S.Version++;
        S.Recent.Add(new RecentSend(clientKey, stored.Id, seq, NoticePending: true)); // the notice is a follow-up of the write
        if (S.Recent.Count > ConversationRules.RememberedSends) S.Recent.RemoveAt(0);
        if (S.Head.Count == PageSize)
        {
            try
            {
                await Page(S.Pages).WriteAsync(S.Head); // written again (same index) if the thread's write below fails
            }
            catch
            {
                await state.ReadStateAsync();
                throw;
            }
            S.Pages++;
            S.Head = [];
        }
        await state.SaveAsync();
        burst!.Add((accountId, now));
        await notices.RaiseAsync(Id, [stored.Id]);
        await TellInboxesAsync();
        return new SentMessage(Id, View(stored), Posted: true, Opened: seq == 1);
    }

    /// <summary>Refuses a message past the author's burst limit in this thread (429 naming the limit).</summary>
    private void AdmitInThread(string accountId, DateTimeOffset now)
    {
        burst ??= [.. S.Head.Select(m => (m.AuthorAccountId, m.SentAt))];
        burst.RemoveAll(b => b.At <= now - Minute);
        var mine = burst.Where(b => b.AccountId == accountId).Select(b => b.At).Order().ToList();
        if (mine.Count >= limits.PerMinutePerThread)
            throw MarketplaceException.TooMany(
                $"At most {limits.PerMinutePerThread} messages a minute in one conversation; try again shortly.", mine[^limits.PerMinutePerThread] + Minute - now);
    }

    /// <summary>The messages with seq from <paramref name="lo"/> to <paramref name="hi"/>, from the stored pages and the head.</summary>
    private async Task<List<ConversationMessage>> RangeAsync(long lo, long hi)
    {
        var found = new List<ConversationMessage>();
        for (var page = (int)((lo - 1) / PageSize); page <= (hi - 1) / PageSize && page < S.Pages; page++)
            found.AddRange(await Page(page).GetAsync());
        found.AddRange(S.Head);
        return [.. found.Where(m => m.Seq >= lo && m.Seq <= hi)];
    }

    private Task TellInboxesAsync() => Task.WhenAll(
        Inbox(S.SmeAccountId).TrackAsync(new InboxEntry(Id, S.LastMessageAt, Unread(ConversationSide.Sme), S.Version)),
        Inbox(S.StartupAccountId).TrackAsync(new InboxEntry(Id, S.LastMessageAt, Unread(ConversationSide.Startup), S.Version)));

    private int Unread(ConversationSide side) =>
        side == ConversationSide.Sme ? S.ByStartup - S.SmeRead.Count : S.BySme - S.StartupRead.Count;

    private ReadMark ReadOf(ConversationSide side) => side == ConversationSide.Sme ? S.SmeRead : S.StartupRead;

    private void SetRead(ConversationSide side, ReadMark mark)
    {
        if (side == ConversationSide.Sme) S.SmeRead = mark; else S.StartupRead = mark;
    }

    private IEnumerable<ConversationReport> OpenReports() =>
        S.Reports.Where(r => S.ReportsHandledAt is null || r.At > S.ReportsHandledAt);

    private ConversationSide? SideOf(Caller caller) =>
        caller.AccountId == S.SmeAccountId ? ConversationSide.Sme
        : caller.AccountId == S.StartupAccountId ? ConversationSide.Startup
        : null;

    private static MessageView View(ConversationMessage m) => new(m.Id, m.Seq, m.Author, m.Text, m.Links, m.SentAt, m.Removed);

    private IConversationInboxGrain Inbox(string accountId) => grains.GetGrain<IConversationInboxGrain>(accountId);

    private IConversationPageGrain Page(int index) => grains.GetGrain<IConversationPageGrain>(IConversationPageGrain.Key(Id, index));

    private static MarketplaceException NotFound() => MarketplaceException.NotFound("Conversation");
}
