using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ConversationGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static NewMessage Text(string text, string? clientId = null) => new(text, [], clientId);

    /// <summary>An SME (with a profile) and its open need, and a startup (with a profile) with its founder.</summary>
    private async Task<(INeedGrain Need, Caller Sme, Caller Founder, string StartupId)> PartiesAsync()
    {
        var sme = Samples.Sme(Samples.NewId("acc"));
        var smeId = Samples.NewId("sme");
        await Grains.GetGrain<ISmeGrain>(smeId).CreateAsync(sme.AccountId, new SmeDetails("Huilerie Zerhoun", "food", "Meknes", "Fes-Meknes", 22, ["fr"]));
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.CreateAsync(sme, smeId, Samples.Need());
        await need.PublishAsync(sme);
        var founder = Samples.Startup(Samples.NewId("acc"));
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(startupId).CreateAsync(founder.AccountId, Samples.StartupProfile());
        return (need, sme, founder, startupId);
    }

    private IConversationGrain Thread(INeedGrain need, string startupId) =>
        Grains.GetGrain<IConversationGrain>(ConversationRules.IdFor(need.GetPrimaryKeyString(), startupId));

    private async Task<(IConversationGrain Thread, Caller Sme, Caller Founder)> OpenedAsync()
    {
        var (need, sme, founder, startupId) = await PartiesAsync();
        var thread = Thread(need, startupId);
        await thread.OpenAsync(founder, need.GetPrimaryKeyString(), startupId, Text("Bonjour, une question sur le catalogue ?"));
        return (thread, sme, founder);
    }

    [Fact]
    public async Task Only_the_two_parties_read_a_thread_and_admins_only_while_a_report_waits()
    {
        var (thread, sme, founder) = await OpenedAsync();
        await thread.SendAsync(sme, Text("Oui, environ 40 produits."));

        var seen = await thread.GetAsync(founder, null);
        Assert.Equal(["Oui, environ 40 produits.", "Bonjour, une question sur le catalogue ?"], seen.Messages.Select(m => m.Text));
        Assert.Equal(1, seen.Unread);
        var stranger = Samples.Startup(Samples.NewId("acc"));
        foreach (var outsider in new[] { stranger, Samples.Admin })
        {
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => thread.GetAsync(outsider, null))).Problem);
            Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => thread.SendAsync(outsider, Text("Hello")))).Problem);
        }

        Assert.True(await thread.ReportAsync(sme, "Propos déplacés."));
        Assert.False(await thread.ReportAsync(sme, "Encore."));
        var reported = await Grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key).ListAsync();
        Assert.Contains(reported, r => r.ConversationId == thread.GetPrimaryKeyString());
        Assert.Equal(2, (await thread.GetAsync(Samples.Admin, null)).Messages.Count);
        await Assert.ThrowsAsync<MarketplaceException>(() => thread.SendAsync(Samples.Admin, Text("Bonjour")));

        await thread.HandleReportsAsync(Samples.Admin);
        await Assert.ThrowsAsync<MarketplaceException>(() => thread.GetAsync(Samples.Admin, null));
        reported = await Grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key).ListAsync();
        Assert.DoesNotContain(reported, r => r.ConversationId == thread.GetPrimaryKeyString());
    }

    [Fact]
    public async Task An_account_reporting_thread_after_thread_cannot_push_anybody_elses_report_out_of_the_moderators_queue()
    {
        var queue = Grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key);
        var (genuine, sme, founder) = await OpenedAsync();
        Assert.True(await genuine.ReportAsync(sme, "Insultes"));
        // The reported party reports the thread too, then floods: the thread the other party reported stays all the same.
        Assert.True(await genuine.ReportAsync(founder, "Il ment"));
        var flooder = founder.AccountId;
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < ReportedConversationsGrain.MaxWaiting; i++)
            await queue.ReportedByAsync(Samples.NewId("conv"), Samples.NewId("need"), 1, at.AddSeconds(i), flooder);

        var waiting = await queue.ListAsync();
        Assert.Contains(waiting, c => c.ConversationId == genuine.GetPrimaryKeyString());
        Assert.Equal(ReportedConversationsGrain.MaxWaitingPerReporter, waiting.Count(c => c.LastReporterId == flooder && c.Reports == 1)); // its newest
        Assert.Equal(at.AddSeconds(ReportedConversationsGrain.MaxWaiting - 1), waiting[0].LastReportedAt);
        await genuine.HandleReportsAsync(Samples.Admin);
    }

    [Fact]
    public async Task Who_may_open_a_thread_on_a_need()
    {
        var (need, sme, founder, startupId) = await PartiesAsync();
        var needId = need.GetPrimaryKeyString();
        var other = Samples.Startup(Samples.NewId("acc"));
        var otherId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(otherId).CreateAsync(other.AccountId, Samples.StartupProfile("Data Souss"));

        // A startup speaks only for itself; the SME may write to any startup.
        await Assert.ThrowsAsync<MarketplaceException>(() => Thread(need, startupId).OpenAsync(other, needId, startupId, Text("Hi")));
        var opened = await Thread(need, otherId).OpenAsync(sme, needId, otherId, Text("Seriez-vous disponibles en mars ?"));
        Assert.True(opened.Opened);
        // The key must be the pair's.
        await Assert.ThrowsAsync<MarketplaceException>(() => Thread(need, otherId).OpenAsync(founder, needId, startupId, Text("Hi")));

        // Once the need is awarded, only its bidders open a thread; the threads already open go on.
        var bidId = await need.SubmitBidAsync(founder, startupId, "Web Atlas", Samples.Offer());
        await need.AcceptBidAsync(sme, bidId);
        var late = Samples.Startup(Samples.NewId("acc"));
        var lateId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(lateId).CreateAsync(late.AccountId, Samples.StartupProfile("Tard"));
        Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(() =>
            Thread(need, lateId).OpenAsync(late, needId, lateId, Text("Encore ouvert ?")))).Problem);
        Assert.True((await Thread(need, startupId).OpenAsync(founder, needId, startupId, Text("Merci ! On commence lundi."))).Posted);
        Assert.True((await Thread(need, otherId).SendAsync(other, Text("Dommage, une autre fois."))).Posted);
    }

    [Fact]
    public async Task Messages_move_to_pages_and_page_back_newest_first_and_a_retried_send_posts_once()
    {
        var (thread, sme, founder) = await OpenedAsync();
        for (var i = 2; i <= 60; i++)
            await thread.SendAsync(i % 2 == 0 ? sme : founder, Text($"message {i}", $"client-{i}"));
        var again = await thread.SendAsync(founder, Text("message 59", "client-59"));
        Assert.False(again.Posted);
        Assert.Equal(59, again.Message.Seq);

        var newest = await thread.GetAsync(sme, null);
        Assert.Equal(60, newest.LastSeq);
        Assert.Equal(Enumerable.Range(36, 25).Reverse().Select(i => (long)i), newest.Messages.Select(m => m.Seq));
        var older = await thread.GetAsync(sme, newest.Before);
        Assert.Equal(Enumerable.Range(11, 25).Reverse().Select(i => (long)i), older.Messages.Select(m => m.Seq));
        var oldest = await thread.GetAsync(sme, older.Before);
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => (long)i), oldest.Messages.Select(m => m.Seq));
        Assert.Null(oldest.Before);
        Assert.Equal("message 2", oldest.Messages[^2].Text);
    }

    [Fact]
    public async Task Read_receipts_and_unread_counts_stay_right_under_concurrent_sends_from_both_sides()
    {
        var (thread, sme, founder) = await OpenedAsync();
        var inboxOfSme = Grains.GetGrain<IConversationInboxGrain>(sme.AccountId);
        Assert.Equal(1, (await inboxOfSme.PageAsync(0, 20)).Unread);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => thread.SendAsync(i % 2 == 0 ? founder : sme, Text($"m{i}"))));
        var all = new List<MessageView>();
        for (long? before = null; ;)
        {
            var page = await thread.GetAsync(sme, before);
            all.AddRange(page.Messages);
            if ((before = page.Before) is null) break;
        }
        Assert.Equal(41, all.Count);
        int UnreadOf(ConversationSide reader) =>
            all.Count(m => m.Author != reader && m.Seq > all.Where(w => w.Author == reader).Select(w => w.Seq).DefaultIfEmpty(0).Max());
        Assert.Equal(UnreadOf(ConversationSide.Sme), (await inboxOfSme.PageAsync(0, 20)).Unread);
        Assert.Equal(UnreadOf(ConversationSide.Startup), (await Grains.GetGrain<IConversationInboxGrain>(founder.AccountId).PageAsync(0, 20)).Unread);

        // Only the startup writes: the SME has exactly that many to read, then reads up to one, then all.
        var read = await thread.MarkReadAsync(sme, null);
        Assert.Equal((41L, 0), (read.ReadUpTo, read.Unread));
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => thread.SendAsync(founder, Text($"n{i}"))));
        Assert.Equal(30, (await inboxOfSme.PageAsync(0, 20)).Unread);
        Assert.Equal(20, (await thread.MarkReadAsync(sme, 51)).Unread);
        Assert.Equal(20, (await thread.MarkReadAsync(sme, 45)).Unread); // a read mark never moves back
        Assert.Equal(20, (await inboxOfSme.PageAsync(0, 20)).Unread);
        Assert.Equal(51, (await thread.GetAsync(founder, null)).SmeReadUpTo);
        await thread.MarkReadAsync(sme, null);
        Assert.Equal(0, (await inboxOfSme.PageAsync(0, 20)).Unread);
    }

    [Fact]
    public async Task Erasing_an_author_blanks_its_messages_in_the_head_and_every_page_and_keeps_the_thread()
    {
        var (thread, sme, founder) = await OpenedAsync();
        for (var i = 2; i <= 55; i++)
            await thread.SendAsync(i % 3 == 0 ? sme : founder, new NewMessage($"texte {i} de {(i % 3 == 0 ? "PME" : "startup")}", ["https://example.ma/devis"], null));
        await thread.ReportAsync(founder, "Le client m'insulte.");

        var threads = await Grains.GetGrain<IConversationInboxGrain>(founder.AccountId).ListConversationIdsAsync();
        Assert.Contains(thread.GetPrimaryKeyString(), threads);
        var erased = 0;
        foreach (var id in threads) erased += await Grains.GetGrain<IConversationGrain>(id).EraseAuthorAsync(founder.AccountId, "erased-0123456789");
        Assert.Equal(37, erased); // 55 messages, 18 of them by the SME
        Assert.Equal(0, await thread.EraseAuthorAsync(founder.AccountId, "erased-0123456789"));

        var all = new List<MessageView>();
        for (long? before = null; ;)
        {
            var page = await thread.GetAsync(sme, before);
            all.AddRange(page.Messages);
            if ((before = page.Before) is null) break;
        }
        Assert.Equal(55, all.Count);
        Assert.All(all.Where(m => m.Author == ConversationSide.Startup), m => Assert.True(m.Removed && m.Text == "" && m.Links.Count == 0));
        Assert.All(all.Where(m => m.Author == ConversationSide.Sme), m => Assert.True(!m.Removed && m.Text.Contains("PME")));
        Assert.DoesNotContain(all, m => m.Text.Contains("startup"));
        Assert.Null(await thread.GetNoticeAsync(all.First(m => m.Author == ConversationSide.Startup).Id));
        Assert.Equal("erased-0123456789", (await thread.GetAsync(sme, null)).StartupName); // the startup's name copied into the thread
    }

    [Fact]
    public async Task The_e_mail_excerpt_of_a_long_message_never_cuts_an_emoji_in_half()
    {
        var (thread, sme, _) = await OpenedAsync();
        var sent = await thread.SendAsync(sme, Text(new string('a', 199) + "😀 merci pour votre offre détaillée"));
        var notice = await thread.GetNoticeAsync(sent.Message.Id);
        Assert.Equal(new string('a', 199) + "…", notice!.Excerpt); // the emoji is left out whole, not halved into U+FFFD
        Assert.Equal("a😀…", Texts.Cut("a😀b", 3) + "…");
        Assert.Equal("a…", Texts.Cut("a😀b", 2) + "…");
    }
}
