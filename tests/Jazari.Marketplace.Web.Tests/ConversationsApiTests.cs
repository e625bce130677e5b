using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Web.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class ConversationsApiTests(MarketplaceHost host)
{
    /// <summary>An SME with an open need, and a startup that asked a question about it: the thread's id.</summary>
    private async Task<(Person Sme, string NeedId, Person Founder, string StartupId, string ConversationId)> AskedAsync(string question = "Bonjour, le catalogue compte combien de produits ?")
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (founder, startupId) = await Api.StartupAsync(host);
        var opened = await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = question })).Json(HttpStatusCode.Created);
        return (sme, needId, founder, startupId, opened.Id());
    }

    private static async Task<JsonElement> InboxAsync(Person person, int page = 1) =>
        await (await person.Client.GetAsync($"/api/conversations?page={page}")).Json(HttpStatusCode.OK);

    private static async Task<List<JsonElement>> AllMessagesAsync(Person person, string conversationId)
    {
        var all = new List<JsonElement>();
        for (var before = ""; ;)
        {
            var page = await (await person.Client.GetAsync($"/api/conversations/{conversationId}{before}")).Json(HttpStatusCode.OK);
            all.AddRange(page.GetProperty("messages").EnumerateArray());
            if (page.GetProperty("before").ValueKind == JsonValueKind.Null) return all;
            before = $"?before={page.GetProperty("before").GetInt64()}";
        }
    }

    [Fact]
    public async Task The_inbox_page_lists_the_older_threads_on_its_next_page()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (first, _) = await Api.StartupAsync(host, "Premiere Atlas");
        await (await first.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Bonjour" })).Json(HttpStatusCode.Created);
        // A page more of threads, from startups written straight to their grains (twenty sign-ups would cost seconds).
        var grains = host.Services.GetRequiredService<Orleans.IGrainFactory>();
        var details = System.Text.Json.JsonSerializer.Deserialize<Application.StartupInput>(
            System.Text.Json.JsonSerializer.Serialize(Api.Startup("Suivante")), System.Text.Json.JsonSerializerOptions.Web)!.ToDetails(new Application.Checks());
        await Parallel.ForEachAsync(Enumerable.Range(0, Application.ConversationCommands.InboxPageSize), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
        {
            var founder = new Grains.Caller(Grains.Ids.New("acc"), Grains.Roles.Startup);
            var startupId = Grains.Ids.New("st");
            await grains.GetGrain<Grains.Profiles.IStartupGrain>(startupId).CreateAsync(founder.AccountId, details);
            await grains.GetGrain<Grains.Conversations.IConversationGrain>(Grains.Conversations.ConversationRules.IdFor(needId, startupId))
                .OpenAsync(founder, needId, startupId, new Grains.Conversations.NewMessage("Bonjour", [], null));
        });
        using var pages = await Payments.ReceiptTests.PagesAsync(host, sme);
        Assert.DoesNotContain("Premiere Atlas", await pages.GetStringAsync("/messages"));
        Assert.Contains("Premiere Atlas", await pages.GetStringAsync("/messages?page=2")); // it showed page one again
    }

    [Fact]
    public async Task An_sme_and_a_startup_talk_about_a_need_and_nobody_else_reads_it()
    {
        var (sme, needId, founder, startupId, id) = await AskedAsync("سلام، شحال ديال المنتوجات فالكتالوج؟");

        var inbox = await InboxAsync(sme);
        Assert.Equal(1, inbox.GetProperty("unread").GetInt32());
        var item = Assert.Single(inbox.GetProperty("conversations").EnumerateArray());
        Assert.Equal((id, needId, startupId, "Web Atlas", 1), (item.Id(), item.GetProperty("needId").GetString(),
            item.GetProperty("counterpartId").GetString(), item.GetProperty("counterpartName").GetString(), item.GetProperty("unread").GetInt32()));

        var answer = await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages",
            new { text = "Environ 40 produits ; voici la liste.", links = new[] { "https://example.ma/catalogue.pdf" } })).Json(HttpStatusCode.Created);
        Assert.Equal("sme", answer.GetProperty("message").GetProperty("author").GetString());
        var seen = await (await founder.Client.GetAsync($"/api/conversations/{id}")).Json(HttpStatusCode.OK);
        var messages = seen.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["Environ 40 produits ; voici la liste.", "سلام، شحال ديال المنتوجات فالكتالوج؟"], messages.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal("https://example.ma/catalogue.pdf", messages[0].GetProperty("links")[0].GetString());
        Assert.Equal(1, seen.GetProperty("unread").GetInt32());
        Assert.Equal(2, seen.GetProperty("readUpTo").GetProperty("sme").GetInt64()); // the SME answered: it read the question
        var read = await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/read", new { })).Json(HttpStatusCode.OK);
        Assert.Equal((2, 0), (read.GetProperty("readUpTo").GetInt64(), read.GetProperty("unread").GetInt32()));
        Assert.Equal(0, (await InboxAsync(founder)).GetProperty("unread").GetInt32());

        // Another startup, another SME and an admin (nothing reported) see nothing; neither can they write.
        var (stranger, _) = await Api.StartupAsync(host, "Curieux");
        var (otherSme, _) = await Api.OpenNeedAsync(host);
        foreach (var outsider in new[] { stranger.Client, otherSme.Client, host.Admin() })
        {
            await (await outsider.GetAsync($"/api/conversations/{id}")).Problem(HttpStatusCode.NotFound);
            await (await outsider.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Coucou" })).Problem(HttpStatusCode.NotFound);
            await (await outsider.PostAsJsonAsync($"/api/conversations/{id}/report", new { reason = "?" })).Problem(HttpStatusCode.NotFound);
        }
        await (await otherSme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId, text = "Bonjour" })).Problem(HttpStatusCode.NotFound);
        Assert.Equal(0, (await InboxAsync(stranger)).GetProperty("total").GetInt32());
        await (await stranger.Client.GetAsync("/api/conversations/conv-00000000000000000000000000000000")).Problem(HttpStatusCode.NotFound);

        // The SME's side: writing to the startup again posts into the same thread.
        var again = await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId, text = "Autre question : délais ?" })).Json(HttpStatusCode.OK);
        Assert.Equal(id, again.Id());
        Assert.Equal(3, again.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task Each_new_message_is_emailed_to_the_other_party_once_with_an_excerpt_and_a_link()
    {
        var longText = "Nous aimerions savoir " + string.Concat(Enumerable.Repeat("si la boutique gère les variantes, ", 40)) + "merci.";
        var (sme, _, founder, _, id) = await AskedAsync(longText);
        var retried = new { text = "Pouvez-vous démarrer en mars ?", clientMessageId = "retry-1" };
        var first = await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", retried)).Json(HttpStatusCode.Created);
        var second = await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", retried)).Json(HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("message").Id(), second.GetProperty("message").Id());
        // Other words under the same id are a client's mistake: 409, and nothing is posted.
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", retried with { text = "Autre chose" })).Problem(HttpStatusCode.Conflict);

        var toSme = await EmailsAsync(sme.Email, 1);
        var mail = Assert.Single(toSme);
        Assert.Contains("Web Atlas", mail.GetProperty("subject").GetString());
        var text = mail.GetProperty("text").GetString()!;
        Assert.Contains($"/conversations/{id}", text);
        Assert.Contains("Nous aimerions savoir", text);
        Assert.DoesNotContain(longText, text); // an excerpt, not the whole message
        Assert.Equal("fr", mail.GetProperty("language").GetString());
        var toFounder = Assert.Single(await EmailsAsync(founder.Email, 1));
        Assert.Contains("Pouvez-vous démarrer en mars ?", toFounder.GetProperty("text").GetString());
        Assert.Equal(2, (await AllMessagesAsync(founder, id)).Count);
    }

    private async Task<List<JsonElement>> EmailsAsync(string email, int expected)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            var mails = host.Emails(email).Where(e => e.GetProperty("kind").GetString() == "message-received").ToList();
            if (mails.Count >= expected) { await Task.Delay(500); return [.. host.Emails(email).Where(e => e.GetProperty("kind").GetString() == "message-received")]; }
            await Task.Delay(100);
        }
        return [];
    }

    [Fact]
    public async Task Pages_go_back_in_time_and_unread_counts_stay_right_under_concurrent_sends()
    {
        var (sme, needId, founder, _, id) = await AskedAsync();
        // The SME has a second thread with another startup, to count unread across threads.
        var (other, otherStartupId) = await Api.StartupAsync(host, "Data Souss");
        var second = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId = otherStartupId, text = "Bonjour !" }))
            .Json(HttpStatusCode.Created)).Id();

        var sends = Enumerable.Range(0, 30).Select(i => (i % 3) switch
        {
            0 => founder.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = $"startup {i}" }),
            1 => sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = $"sme {i}" }),
            _ => other.Client.PostAsJsonAsync($"/api/conversations/{second}/messages", new { text = $"other {i}" }),
        });
        Assert.All(await Task.WhenAll(sends), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var all = await AllMessagesAsync(sme, id);
        Assert.Equal(21, all.Count);
        Assert.Equal(Enumerable.Range(1, 21).Reverse().Select(i => (long)i), all.Select(m => m.GetProperty("seq").GetInt64()));
        int UnreadOf(string reader) => all.Count(m => m.GetProperty("author").GetString() != reader && m.GetProperty("seq").GetInt64() >
            all.Where(w => w.GetProperty("author").GetString() == reader).Select(w => w.GetProperty("seq").GetInt64()).DefaultIfEmpty(0).Max());
        var inbox = await InboxAsync(sme);
        Assert.Equal(UnreadOf("sme") + 10, inbox.GetProperty("unread").GetInt32());
        Assert.Equal(2, inbox.GetProperty("total").GetInt32());
        Assert.Equal(UnreadOf("startup"), (await InboxAsync(founder)).GetProperty("unread").GetInt32());
        Assert.Equal(0, (await InboxAsync(other)).GetProperty("unread").GetInt32());

        var newest = await (await sme.Client.GetAsync($"/api/conversations/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(21, newest.GetProperty("messages").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("before").ValueKind);
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/read", new { upTo = 21 })).Json(HttpStatusCode.OK);
        Assert.Equal(10, (await InboxAsync(sme)).GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task A_reported_thread_is_read_by_admins_each_read_recorded_until_they_handle_it()
    {
        var (sme, _, founder, _, id) = await AskedAsync();
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Message déplacé." })).Json(HttpStatusCode.Created);
        using var admin = host.Admin();
        await (await admin.GetAsync($"/api/conversations/{id}")).Problem(HttpStatusCode.NotFound);

        var reported = await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/report", new { reason = "Propos insultants." })).Json(HttpStatusCode.OK);
        Assert.True(reported.GetProperty("first").GetBoolean());
        var queue = await (await admin.GetAsync("/api/admin/conversations/reported")).Json(HttpStatusCode.OK);
        Assert.Contains(queue.EnumerateArray(), r => r.GetProperty("conversationId").GetString() == id);
        await (await sme.Client.GetAsync("/api/admin/conversations/reported")).Problem(HttpStatusCode.Forbidden);

        var read = await (await admin.GetAsync($"/api/conversations/{id}")).Json(HttpStatusCode.OK);
        Assert.True(read.GetProperty("reported").GetBoolean());
        Assert.Equal(2, read.GetProperty("messages").GetArrayLength());
        await (await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Admin" })).Problem(HttpStatusCode.NotFound);
        (await admin.PostAsync($"/api/admin/conversations/{id}/handled", null)).EnsureSuccessStatusCode();
        await (await admin.GetAsync($"/api/conversations/{id}")).Problem(HttpStatusCode.NotFound);

        var audit = await (await admin.GetAsync("/api/admin/audit?action=" + AuditActions.ConversationRead)).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == id);
        audit = await (await admin.GetAsync("/api/admin/audit?action=" + AuditActions.ConversationReportsHandled)).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == id);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_field_errors_and_changes_nothing()
    {
        var (sme, needId, founder, startupId, id) = await AskedAsync();
        var bad = new object[]
        {
            new { text = "" },
            new { text = new string('x', 2001) },
            new { text = "Voir", links = new[] { "javascript:alert(1)" } },
            new { text = "Voir", links = new[] { "ftp://example.ma/x" } },
            new { text = "Voir", links = new[] { "https://a.ma/1", "https://a.ma/2", "https://a.ma/3", "https://a.ma/4" } },
            new { text = "Voir", links = new[] { "https://example.ma/" + new string('a', 300) } },
            new { text = "Voir", clientMessageId = new string('c', 65) },
            new { text = "Bell\u0007" },
        };
        foreach (var body in bad)
            await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", body)).Problem(HttpStatusCode.BadRequest);
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Sans startup" })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId, text = "Pour moi" })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/read", new { upTo = 0 })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.GetAsync($"/api/conversations/{id}?before=0")).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/report", new { reason = "" })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.GetAsync("/api/conversations?page=0")).Problem(HttpStatusCode.BadRequest);
        var mentor = await host.SignUpAsync("mentor");
        await (await mentor.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId, text = "Bonjour" })).Problem(HttpStatusCode.Forbidden);
        Assert.Single(await AllMessagesAsync(founder, id));
    }
}
