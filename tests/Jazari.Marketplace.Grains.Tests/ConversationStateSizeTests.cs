using Jazari.Marketplace.Grains.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>A thread's head, its pages and the inboxes stay under 256 KiB with the longest texts the API accepts (as <see cref="StateSizeTests"/>).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConversationStateSizeTests(ClusterFixture fixture)
{
    private const int Bound = 256 * 1024;

    // The worst case for UTF-8: characters of three bytes (Arabic takes two), all different.
    private static string Longest(int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)Random.Shared.Next(0x4E00, 0x9FFF))]);

    private static NewMessage LongestMessage() => new(Longest(ConversationRules.MaxText),
        [.. Enumerable.Range(0, ConversationRules.MaxLinks).Select(_ => "https://example.ma/" + Longest(ConversationRules.MaxLink - 19))],
        Longest(ConversationRules.MaxClientMessageId));

    private int Size<T>(T value) => fixture.Silo.Services.GetRequiredService<Serializer>().SerializeToArray(value).Length;

    private static ConversationMessage Stored(long seq, NewMessage m) =>
        new(seq, Samples.NewId("msg"), ConversationSide.Startup, Samples.NewId("acc"), m.Text, m.Links, DateTimeOffset.UtcNow, int.MaxValue, int.MaxValue, false);

    [Fact]
    public void A_full_head_and_a_full_page_of_the_longest_messages_stay_under_the_bound()
    {
        var state = new ConversationState
        {
            NeedId = Samples.NewId("need"), StartupId = Samples.NewId("st"), SmeId = Samples.NewId("sme"),
            SmeAccountId = Samples.NewId("acc"), StartupAccountId = Samples.NewId("acc"),
            NeedTitle = Longest(200), SmeName = Longest(200), StartupName = Longest(200),
            Head = [.. Enumerable.Range(1, ConversationRules.PageSize - 1).Select(i => Stored(i, LongestMessage()))],
            Reports = [new(Samples.NewId("acc"), Longest(ConversationRules.MaxReason), DateTimeOffset.UtcNow), new(Samples.NewId("acc"), Longest(ConversationRules.MaxReason), DateTimeOffset.UtcNow)],
            Recent = [.. Enumerable.Range(0, ConversationRules.RememberedSends).Select(i => new RecentSend($"{Samples.NewId("acc")}:{Longest(ConversationRules.MaxClientMessageId)}", Samples.NewId("msg"), long.MaxValue))],
        };
        Assert.InRange(Size(state), 150 * 1024, Bound);
        var page = new ConversationPageState { Messages = [.. Enumerable.Range(1, ConversationRules.PageSize).Select(i => Stored(i, LongestMessage()))] };
        Assert.InRange(Size(page), 150 * 1024, Bound);
    }

    [Fact]
    public void A_full_inbox_and_the_full_report_queue_stay_under_the_bound()
    {
        var inbox = new ConversationInboxState
        {
            Entries = [.. Enumerable.Range(0, ConversationRules.MaxThreads).Select(_ =>
                new InboxEntry(ConversationRules.IdFor(Samples.NewId("need"), Samples.NewId("st")), DateTimeOffset.UtcNow, int.MaxValue, long.MaxValue))],
        };
        Assert.InRange(Size(inbox), 50 * 1024, Bound);
        var reported = new ReportedConversationsState
        {
            Conversations = [.. Enumerable.Range(0, ReportedConversationsGrain.MaxWaiting).Select(_ =>
                new ReportedConversation(Samples.NewId("conv"), Samples.NewId("need"), 2, DateTimeOffset.UtcNow))],
        };
        Assert.InRange(Size(reported), 50 * 1024, Bound);
    }

    [Fact]
    public async Task A_page_of_the_longest_messages_is_stored_in_table_storage()
    {
        var page = fixture.Grains.GetGrain<IConversationPageGrain>(IConversationPageGrain.Key(Samples.NewId("conv"), 0));
        var messages = Enumerable.Range(1, ConversationRules.PageSize).Select(i => Stored(i, LongestMessage())).ToList();
        await page.WriteAsync(messages);
        Assert.Equal(1, await page.EraseAuthorAsync(messages[0].AuthorAccountId)); // written again
        Assert.Equal(messages.Skip(1).Select(m => m.Text), (await page.GetAsync()).Skip(1).Select(m => m.Text));
    }
}
