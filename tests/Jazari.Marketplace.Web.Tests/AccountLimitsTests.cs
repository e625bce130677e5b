using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>A host of its own, with low limits per account: messages a minute (per account and per thread) and live bids.</summary>
public sealed class AccountLimitsTests : IAsyncLifetime
{
    private readonly MarketplaceHost host = new();

    public Task InitializeAsync()
    {
        host.Settings["Conversations:MessagesPerMinute"] = "6";
        host.Settings["Conversations:MessagesPerMinutePerThread"] = "4";
        host.Settings["Bids:MaxLivePerAccount"] = "2";
        return host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_burst_in_one_thread_is_refused_past_its_limit_and_the_other_party_still_answers()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (founder, _) = await Api.StartupAsync(host);
        var id = (await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Question 1" })).Json(HttpStatusCode.Created)).Id();
        for (var i = 2; i <= 4; i++)
            await (await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = $"Question {i}" })).Json(HttpStatusCode.Created);

        await Incubation.ReloadGrainsAsync(host); // the burst window is read back from the thread's newest messages
        var refused = await founder.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Question 5" });
        var problem = await refused.Problem(HttpStatusCode.TooManyRequests);
        Assert.Contains("At most 4 messages a minute in one conversation", problem.GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1));

        // A retry of a message already posted is no new message; the SME answers in the same thread.
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Réponse" })).Json(HttpStatusCode.Created);
        var thread = await (await sme.Client.GetAsync($"/api/conversations/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(5, thread.GetProperty("lastSeq").GetInt64()); // the refused message was not stored
        await host.JobsSettledAsync();
        Assert.DoesNotContain(host.Emails(sme.Email), e => e.ToString().Contains("Question 5")); // nor e-mailed
    }

    [Fact]
    public async Task An_account_writing_to_many_threads_is_refused_past_its_limit_per_minute()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (_, first) = await Api.StartupAsync(host, "Web Atlas");
        var (_, second) = await Api.StartupAsync(host, "Data Souss");
        var a = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId = first, text = "Bonjour 1" })).Json(HttpStatusCode.Created)).Id();
        for (var i = 2; i <= 4; i++)
            await (await sme.Client.PostAsJsonAsync($"/api/conversations/{a}/messages", new { text = $"Bonjour {i}" })).Json(HttpStatusCode.Created);
        var b = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { startupId = second, text = "Bonjour 5" })).Json(HttpStatusCode.Created)).Id();
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{b}/messages", new { text = "Bonjour 6" })).Json(HttpStatusCode.Created);
        await Incubation.ReloadGrainsAsync(host); // the window is stored with the account's inbox, not kept by one host: another host reads it back

        var refused = await sme.Client.PostAsJsonAsync($"/api/conversations/{b}/messages", new { text = "Bonjour 7" });
        Assert.Contains("At most 6 messages a minute per account", (await refused.Problem(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_startup_holds_at_most_its_limit_of_live_bids_and_bids_again_after_withdrawing_one()
    {
        var (founder, _) = await Api.StartupAsync(host);
        var needs = new List<string>();
        for (var i = 0; i < 3; i++) needs.Add((await Api.OpenNeedAsync(host)).NeedId);
        var bids = new List<string>();
        foreach (var needId in needs.Take(2))
        {
            bids.Add((await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/bids", Api.Bid())).Json(HttpStatusCode.Created)).Id());
            await host.FollowedUpAsync(needId); // the startup's list of needs holds it
        }

        var refused = await founder.Client.PostAsJsonAsync($"/api/needs/{needs[2]}/bids", Api.Bid());
        Assert.Contains("at most 2 live bids", (await refused.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        (await founder.Client.PostAsJsonAsync($"/api/needs/{needs[1]}/bids", Api.Bid())).EnsureSuccessStatusCode(); // the same bid again: a retry

        (await founder.Client.PostAsync($"/api/needs/{needs[0]}/bids/{bids[0]}/withdraw", null)).EnsureSuccessStatusCode();
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needs[2]}/bids", Api.Bid())).Json(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Of_eight_bids_at_the_same_instant_with_one_slot_left_exactly_one_is_stored_and_a_withdrawn_one_frees_its_slot()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needs = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var needId = await sme.Client.CreateAsync("/api/needs", Api.Need(title: $"Besoin en parallèle {i}"));
            (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
            needs.Add(needId);
        }
        var (founder, startupId) = await Api.StartupAsync(host);
        var firstBid = (await (await founder.Client.PostAsJsonAsync($"/api/needs/{needs[0]}/bids", Api.Bid())).Json(HttpStatusCode.Created)).Id();

        var racing = needs.Skip(1).Take(8).ToList();
        var answers = await Task.WhenAll(racing.Select(id => founder.Client.PostAsJsonAsync($"/api/needs/{id}/bids", Api.Bid())));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(7, refused.Count);
        foreach (var answer in refused) Assert.Contains("at most 2 live bids", (await answer.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        // Exactly one of the racing needs holds the startup's bid, as its SME sees them.
        var bidCounts = await Task.WhenAll(racing.Select(async id => (await (await sme.Client.GetAsync($"/api/needs/{id}")).Json(HttpStatusCode.OK))
            .GetProperty("bids").EnumerateArray().Count(b => b.GetProperty("startupId").GetString() == startupId)));
        Assert.Equal(1, bidCounts.Sum());

        // Withdrawn, the first bid frees its slot: one more bid is taken, and the next refused.
        (await founder.Client.PostAsync($"/api/needs/{needs[0]}/bids/{firstBid}/withdraw", null)).EnsureSuccessStatusCode();
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needs[9]}/bids", Api.Bid())).Json(HttpStatusCode.Created);
        var free = racing.First(id => bidCounts[racing.IndexOf(id)] == 0);
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{free}/bids", Api.Bid())).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_mentor_account_holds_one_directory_entry_even_when_it_creates_eight_at_once()
    {
        var mentor = await host.SignUpAsync("mentor");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => mentor.Client.PostAsJsonAsync("/api/mentors",
            new { name = $"Mentor {i}", expertise = new[] { "seo" }, languages = new[] { "fr" }, capacity = 2 })));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        await (await mentor.Client.PostAsJsonAsync("/api/mentors",
            new { name = "Mentor 9", expertise = new[] { "seo" }, languages = new[] { "fr" }, capacity = 2 })).Problem(HttpStatusCode.Conflict);
    }
}
