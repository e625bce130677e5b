using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Its own host (not the shared marketplace one): its tests make many needs, and together they were the longest
/// part of the shared host's queue.</summary>
public sealed class NeedsApiTests(MarketplaceHost host) : IClassFixture<MarketplaceHost>
{
    [Fact]
    public async Task A_startup_withdraws_its_bid_from_its_page_only_once_it_confirmed()
    {
        var (_, needId) = await Api.OpenNeedAsync(host);
        var (startup, _) = await Api.StartupAsync(host);
        var bidId = await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        using var pages = await Payments.ReceiptTests.PagesAsync(host, startup);
        var page = await pages.GetStringAsync($"/startup/needs/{needId}");
        Assert.DoesNotContain("id=\"confirm\"", page);

        // The button only asks; a post without the confirmation (an old page, a double tap) asks too and takes nothing back.
        var asked = await pages.PostAsync($"/startup/needs/{needId}?handler=withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["bidId"] = bidId, ["__af"] = Payments.ReceiptTests.Antiforgery(page),
        }));
        Assert.Equal($"/startup/needs/{needId}?confirm=withdraw#confirm", asked.Headers.Location?.OriginalString);
        Assert.Equal("submitted", await BidStatusAsync());
        var confirm = await pages.GetStringAsync($"/startup/needs/{needId}?confirm=withdraw");
        Assert.Contains("Retirer votre offre ?", System.Net.WebUtility.HtmlDecode(confirm));

        var done = await pages.PostAsync($"/startup/needs/{needId}?handler=withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["bidId"] = bidId, ["confirmed"] = "true", ["__af"] = Payments.ReceiptTests.Antiforgery(confirm),
        }));
        Assert.Equal($"/startup/needs/{needId}?withdrawn=true", done.Headers.Location?.OriginalString);
        Assert.Equal("withdrawn", await BidStatusAsync());
        Assert.Contains("id=\"withdrawn\"", await pages.GetStringAsync(done.Headers.Location!.OriginalString));

        async Task<string?> BidStatusAsync() =>
            (await (await startup.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK)).GetProperty("bids").EnumerateArray()
                .Single(b => b.Id() == bidId).GetProperty("status").GetString();
    }

    [Fact]
    public async Task A_need_starts_as_a_private_draft_and_publishing_opens_it_to_startups()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var created = await (await sme.Client.PostAsJsonAsync("/api/needs", Api.Need())).Json(HttpStatusCode.Created);
        Assert.Equal("draft", created.GetProperty("status").GetString());
        var id = created.Id();

        var (startup, _) = await Api.StartupAsync(host);
        await (await startup.Client.GetAsync($"/api/needs/{id}")).Problem(HttpStatusCode.NotFound);
        await (await startup.Client.PostAsJsonAsync($"/api/needs/{id}/bids", Api.Bid())).Problem(HttpStatusCode.NotFound);

        var open = await (await sme.Client.PostAsync($"/api/needs/{id}/publish", null)).Json(HttpStatusCode.OK);
        Assert.Equal("open", open.GetProperty("status").GetString());
        var seen = await (await startup.Client.GetAsync($"/api/needs/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(15000m, seen.GetProperty("budgetMinMad").GetDecimal());
        Assert.Equal("MAD", seen.GetProperty("currency").GetString());

        // Its deadline is 90 days away, but a need stays open 30 days at most: the startup's page shows the day bidding
        // really ends, the day the need's follow-up closes it.
        var lastDay = Languages.Formats.Today(DateTimeOffset.Parse(open.GetProperty("publishedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddDays(30));
        using var pages = await Payments.ReceiptTests.PagesAsync(host, startup);
        var page = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/startup/needs/{id}"));
        Assert.Contains($"id=\"last-day\">{Languages.Formats.For("fr").Date(lastDay)}<", page);
    }

    [Fact]
    public async Task The_sme_edits_its_draft_before_publishing_and_not_after()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var id = await sme.Client.CreateAsync("/api/needs", Api.Need());

        // Bad input changes nothing; another SME is told the need does not exist.
        await (await sme.Client.PutAsJsonAsync($"/api/needs/{id}", Api.Need(title: "x"))).Problem(HttpStatusCode.BadRequest);
        var other = await host.SignUpAsync("sme");
        await (await other.Client.PutAsJsonAsync($"/api/needs/{id}", Api.Need(title: "Pas le mien"))).Problem(HttpStatusCode.NotFound);
        Assert.Equal("Vendre notre huile en ligne", (await (await sme.Client.GetAsync($"/api/needs/{id}")).Json(HttpStatusCode.OK)).GetProperty("title").GetString());

        var edited = await (await sme.Client.PutAsJsonAsync($"/api/needs/{id}", Api.Need(title: "Boutique en ligne et stock", region: "Souss-Massa")))
            .Json(HttpStatusCode.OK);
        Assert.Equal("Boutique en ligne et stock", edited.GetProperty("title").GetString());
        Assert.Equal("Souss-Massa", edited.GetProperty("region").GetString());
        Assert.Equal("draft", edited.GetProperty("status").GetString());

        (await sme.Client.PostAsync($"/api/needs/{id}/publish", null)).EnsureSuccessStatusCode();
        await (await sme.Client.PutAsJsonAsync($"/api/needs/{id}", Api.Need(title: "Trop tard pour changer"))).Problem(HttpStatusCode.Conflict);
        Assert.Equal("Boutique en ligne et stock", (await (await sme.Client.GetAsync($"/api/needs/{id}")).Json(HttpStatusCode.OK)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_sme_must_have_a_profile_before_posting_a_need()
    {
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.PostAsJsonAsync("/api/needs", Api.Need())).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Only_the_owner_publishes_or_cancels()
    {
        var (_, needId) = await Api.OpenNeedAsync(host);
        var other = await host.SignUpAsync("sme");
        await (await other.Client.PostAsync($"/api/needs/{needId}/cancel", null)).Problem(HttpStatusCode.NotFound);
        await (await other.Client.PostAsync($"/api/needs/{needId}/publish", null)).Problem(HttpStatusCode.NotFound);

        // An admin reads an SME's draft but neither edits nor publishes it: only the SME makes it public.
        var (sme, _) = await Api.OpenNeedAsync(host);
        var draft = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "Brouillon confidentiel"));
        using var admin = host.Admin();
        await (await admin.PostAsync($"/api/needs/{draft}/publish", null)).Problem(HttpStatusCode.Forbidden);
        await (await admin.PutAsJsonAsync($"/api/needs/{draft}", Api.Need(title: "Changé par un admin"))).Problem(HttpStatusCode.Forbidden);
        var seen = await (await admin.GetAsync($"/api/needs/{draft}")).Json(HttpStatusCode.OK);
        Assert.Equal("draft", seen.GetProperty("status").GetString());
        Assert.Equal("Brouillon confidentiel", seen.GetProperty("title").GetString());
        // It may take an improper open need off the marketplace (moderation; nothing is paid before an award).
        var cancelled = await (await admin.PostAsync($"/api/needs/{needId}/cancel", null)).Json(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Browsing_lists_open_needs_by_category_and_region_newest_first_in_pages()
    {
        var region = "Draa-Tafilalet";
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await Api.OpenNeedAsync(host, "iot", region)).NeedId);
        var (otherSme, elsewhere) = await Api.OpenNeedAsync(host, "iot", "Oriental");

        var (startup, _) = await Api.StartupAsync(host);
        var page = await (await startup.Client.GetAsync($"/api/needs?status=open&category=iot&region={region}")).Json(HttpStatusCode.OK);
        var listed = page.GetProperty("needs").EnumerateArray().Select(n => n.Id()).ToList();
        Assert.Equal(ids.AsEnumerable().Reverse(), listed.Where(ids.Contains));
        Assert.DoesNotContain(elsewhere, listed);
        Assert.All(page.GetProperty("needs").EnumerateArray(), n => Assert.Equal(0, n.GetProperty("bids").GetArrayLength()));

        await (await otherSme.Client.PostAsync($"/api/needs/{elsewhere}/cancel", null)).Json(HttpStatusCode.OK);
        var oriental = await (await startup.Client.GetAsync("/api/needs?category=iot&region=Oriental")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(elsewhere, oriental.GetProperty("needs").EnumerateArray().Select(n => n.Id()));
    }

    [Fact]
    public async Task Browsing_pages_hold_twenty_needs_and_page_two_continues_page_one()
    {
        var ours = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 22), new ParallelOptions { MaxDegreeOfParallelism = 6 },
            async (_, _) => ours.Add((await Api.OpenNeedAsync(host, "fintech-payments", "Guelmim-Oued Noun")).NeedId));
        var (startup, _) = await Api.StartupAsync(host);
        var first = await (await startup.Client.GetAsync("/api/needs?category=fintech-payments&region=Guelmim-Oued%20Noun&page=1")).Json(HttpStatusCode.OK);
        var second = await (await startup.Client.GetAsync("/api/needs?category=fintech-payments&region=Guelmim-Oued%20Noun&page=2")).Json(HttpStatusCode.OK);
        Assert.Equal(20, first.GetProperty("needs").GetArrayLength());
        Assert.True(second.GetProperty("needs").GetArrayLength() >= 2);
        Assert.True(first.GetProperty("total").GetInt32() >= 22);
        Assert.Empty(first.GetProperty("needs").EnumerateArray().Select(n => n.Id())
            .Intersect(second.GetProperty("needs").EnumerateArray().Select(n => n.Id())));

        // Following each page's "next" instead, a need published and one cancelled between two pages neither repeat nor hide
        // one (by number, the new one pushes page one's last need onto page two, the cancelled one pulls page two's first up).
        var (sme, cancelled) = await Api.OpenNeedAsync(host, "fintech-payments", "Guelmim-Oued Noun");
        first = await (await startup.Client.GetAsync("/api/needs?category=fintech-payments&region=Guelmim-Oued%20Noun")).Json(HttpStatusCode.OK);
        var seen = first.GetProperty("needs").EnumerateArray().Select(n => n.Id()).ToList();
        Assert.Equal(cancelled, seen[0]);
        await Api.OpenNeedAsync(host, "fintech-payments", "Guelmim-Oued Noun");
        await (await sme.Client.PostAsync($"/api/needs/{cancelled}/cancel", null)).Json(HttpStatusCode.OK);
        for (var next = first.GetProperty("next").GetString(); next is not null;)
        {
            var page = await (await startup.Client.GetAsync($"/api/needs?category=fintech-payments&region=Guelmim-Oued%20Noun&after={Uri.EscapeDataString(next)}")).Json(HttpStatusCode.OK);
            Assert.Equal(JsonValueKind.Null, page.GetProperty("page").ValueKind);
            seen.AddRange(page.GetProperty("needs").EnumerateArray().Select(n => n.Id()));
            next = page.GetProperty("next").GetString();
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), ours.ToHashSet());

        foreach (var bad in new[] { "after=abc", "after=99999999999999999999.need-x", "after=1.need%20x", "after=1.need-x&page=2" })
            await (await startup.Client.GetAsync($"/api/needs?category=fintech-payments&{bad}")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_sme_with_more_needs_than_a_page_reaches_its_oldest_through_older()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var oldest = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "La toute première"));
        await Parallel.ForEachAsync(Enumerable.Range(0, Web.Pages.Sme.IndexModel.Shown), new ParallelOptions { MaxDegreeOfParallelism = 6 },
            async (i, _) => await sme.Client.CreateAsync("/api/needs", Api.Need(title: $"Besoin {i}")));
        using var pages = await Payments.ReceiptTests.PagesAsync(host, sme);

        var first = await pages.GetStringAsync("/sme");
        Assert.DoesNotContain(oldest, first);
        Assert.Contains("href=\"/sme?page=2\"", first);
        var second = await pages.GetStringAsync("/sme?page=2");
        Assert.Contains($"/sme/needs/{oldest}", second); // it showed page one again: "page" named the Razor page's route value
        Assert.Contains("href=\"/sme?page=1\"", second);
        Assert.DoesNotContain("href=\"/sme?page=3\"", second);
    }

    [Theory]
    [InlineData("?status=draft")]
    [InlineData("?category=blockchain")]
    [InlineData("?region=Paris")]
    [InlineData("?page=0")]
    [InlineData("?page=abc")]
    public async Task Browsing_with_bad_filters_is_a_400(string query)
    {
        var (startup, _) = await Api.StartupAsync(host);
        await (await startup.Client.GetAsync("/api/needs" + query)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bids_are_private_between_the_sme_and_each_bidder()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (a, _) = await Api.StartupAsync(host, "Alpha");
        var (b, _) = await Api.StartupAsync(host, "Beta");
        var bidA = await a.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        await b.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(25000.50m));

        var seenByA = await (await a.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        var own = Assert.Single(seenByA.GetProperty("bids").EnumerateArray());
        Assert.Equal(bidA, own.Id());
        Assert.Equal(2, seenByA.GetProperty("bidCount").GetInt32());

        var seenBySme = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        var bids = seenBySme.GetProperty("bids").EnumerateArray().ToList();
        Assert.Equal(2, bids.Count);
        var beta = bids.Single(x => x.GetProperty("startupName").GetString() == "Beta");
        Assert.Equal(2_500_050, beta.GetProperty("priceMinor").GetInt64());
        Assert.Equal(2, beta.GetProperty("milestones").GetArrayLength());
    }

    [Fact]
    public async Task A_bid_whose_milestones_do_not_add_up_is_refused_and_nothing_is_stored()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (startup, _) = await Api.StartupAsync(host);
        var bad = new
        {
            priceMad = 30000, durationDays = 60, proposal = "Boutique WooCommerce avec paiement CMI et formation.",
            milestones = new[] { new { title = "Tout", amountMad = 29000, dueInDays = 60 } },
        };
        var problem = await (await startup.Client.PostAsJsonAsync($"/api/needs/{needId}/bids", bad)).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("milestones", out _));
        var need = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal(0, need.GetProperty("bids").GetArrayLength());
    }

    [Fact]
    public async Task Only_startups_bid_and_only_the_bidder_withdraws()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/bids", Api.Bid())).Problem(HttpStatusCode.Forbidden);
        var (startup, _) = await Api.StartupAsync(host);
        var bidId = await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var (rival, _) = await Api.StartupAsync(host, "Rival");
        await (await rival.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/withdraw", null)).Problem(HttpStatusCode.NotFound);
        await (await host.Admin().PostAsync($"/api/needs/{needId}/bids/{bidId}/withdraw", null)).Problem(HttpStatusCode.Forbidden);

        var withdrawn = await (await startup.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/withdraw", null)).Json(HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.GetProperty("bids")[0].GetProperty("status").GetString());
        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Accepting_a_bid_awards_the_need_and_rejects_the_others_and_a_second_accept_is_409()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (winner, winnerId) = await Api.StartupAsync(host, "Winner");
        var (loser, _) = await Api.StartupAsync(host, "Loser");
        var winning = await winner.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var losing = await loser.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());

        await (await winner.Client.PostAsync($"/api/needs/{needId}/bids/{winning}/accept", null)).Problem(HttpStatusCode.Forbidden);
        await (await host.Admin().PostAsync($"/api/needs/{needId}/bids/{winning}/accept", null)).Problem(HttpStatusCode.Forbidden); // the SME's decision
        var awarded = await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{winning}/accept", null)).Json(HttpStatusCode.OK);
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        Assert.Equal("awarded", awarded.GetProperty("status").GetString());
        Assert.Equal(winning, awarded.GetProperty("awardedBidId").GetString());
        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{losing}/accept", null)).Problem(HttpStatusCode.Conflict);

        var loserView = await (await loser.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal("rejected", loserView.GetProperty("bids")[0].GetProperty("status").GetString());
        var profile = await (await sme.Client.GetAsync($"/api/startups/{winnerId}")).Json(HttpStatusCode.OK);
        Assert.Equal(1, profile.GetProperty("activeProjects").GetInt32());
        await (await loser.Client.PostAsJsonAsync($"/api/needs/{needId}/bids", Api.Bid())).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Twenty_parallel_accepts_of_different_bids_give_exactly_one_200()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var bids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (startup, _) = await Api.StartupAsync(host, $"Parallel {i}");
            bids.Add(await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid()));
        }

        var responses = await Task.WhenAll(bids.Select(bid => sme.Client.PostAsync($"/api/needs/{needId}/bids/{bid}/accept", null)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var stored = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        var statuses = stored.GetProperty("bids").EnumerateArray().Select(b => b.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(s => s == "accepted"));
        Assert.Equal(19, statuses.Count(s => s == "rejected"));
        var accepted = stored.GetProperty("bids").EnumerateArray().Single(b => b.GetProperty("status").GetString() == "accepted").Id();
        Assert.Equal(accepted, stored.GetProperty("awardedBidId").GetString());
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(accepted, winner.GetProperty("awardedBidId").GetString());
    }
}
