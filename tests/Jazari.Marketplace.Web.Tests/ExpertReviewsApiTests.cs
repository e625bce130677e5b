using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Tests.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class ExpertReviewsApiTests(MarketplaceHost host)
{
    private const string Region = "Dakhla-Oued Ed-Dahab";

    [Fact]
    public async Task An_SME_asks_a_neutral_opinion_the_tied_mentor_is_never_suggested_nor_assigned_and_the_SME_reads_the_answer()
    {
        var institute = await Incubation.InstituteAsync(host, Region);
        var manager = await Incubation.ManagerAsync(host, institute);
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme(Region));
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need(region: Region, title: "Vendre notre huile d'argan en ligne"));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, startupId) = await Api.StartupAsync(host, "Atlas Shop");
        var (rival, _) = await Api.StartupAsync(host, "Rival Web");
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        var rivalBidId = await rival.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(25000));

        // A mentor of the bidding startup (in its cohort) is tied; another with the same expertise is not.
        var cohort = await Incubation.ProgrammeAsync(host);
        await cohort.AddMemberAsync(founder, startupId);
        // Both know argan oil, a word of the need: they come first among the network's e-commerce mentors.
        string[] expertise = ["ecommerce", "woocommerce", "argan"];
        var (tied, tiedId) = await Incubation.MentorAsync(host, expertise);
        (await cohort.Manager.Client.PostAsJsonAsync($"/api/cohorts/{cohort.CohortId}/mentors", new { mentorId = tiedId, startupId })).EnsureSuccessStatusCode();
        var (peer, peerId) = await Api.StartupAsync(host, "Cohort Peer");
        await cohort.AddMemberAsync(peer, peerId);
        var (_, cohortMentorId) = await Incubation.MentorAsync(host, expertise); // mentors another startup of the same cohort
        (await cohort.Manager.Client.PostAsJsonAsync($"/api/cohorts/{cohort.CohortId}/mentors", new { mentorId = cohortMentorId, startupId = peerId })).EnsureSuccessStatusCode();
        var (mentor, mentorId) = await Incubation.MentorAsync(host, expertise);
        // Suggested, it must be one an institute works with: it follows a startup of another institute's cohort. One that
        // only signed up, claiming the same expertise, is not suggested (it reads bids only if a manager chooses it by name).
        var elsewhere = await Incubation.ProgrammeAsync(host);
        var (followed, followedId) = await Api.StartupAsync(host, "Ailleurs");
        await elsewhere.AddMemberAsync(followed, followedId);
        (await elsewhere.Manager.Client.PostAsJsonAsync($"/api/cohorts/{elsewhere.CohortId}/mentors", new { mentorId, startupId = followedId })).EnsureSuccessStatusCode();
        var (_, newcomerId) = await Incubation.MentorAsync(host, expertise);

        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { bidIds = new[] { bidId, rivalBidId, "bid-x1", "bid-x2" }, question = "Q" }))
            .Problem(HttpStatusCode.BadRequest);
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { bidIds = new[] { "bid-unknown" }, question = "Le prix est-il juste ?" }))
            .Problem(HttpStatusCode.BadRequest);
        // Ten identical asks at once (a double click, a retry) and one after them: one opinion asked, one e-mail to the
        // institute's managers; every answer names it.
        object Ask(string question, params string[] bidIds) => new { bidIds, question };
        var asking = Ask("Le prix est-il juste ? Le plan est-il réaliste ?", bidId, rivalBidId);
        var racing = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", asking)));
        var answers = await Task.WhenAll(racing.Select(r => r.Json(HttpStatusCode.Created)));
        var created = Assert.Single(answers.DistinctBy(a => a.Id()));
        Assert.Equal("requested", created.GetProperty("status").GetString());
        var id = created.Id();
        Assert.Equal(id, (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask("Le prix est-il juste ? Le plan est-il réaliste ?", rivalBidId, bidId)))
            .Json(HttpStatusCode.Created)).Id());
        var reviews = host.Services.GetRequiredService<IGrainFactory>().GetGrain<INeedExpertReviewsGrain>(needId);
        Assert.Equal([id], await reviews.ListAsync());
        await host.ExpertReviewFollowedUpAsync(id);
        await host.JobsSettledAsync(); // the e-mails sent
        Assert.Single(host.Emails(manager.Email), e => e.GetProperty("kind").GetString() == "expert-review-requested");
        // Another question on the same bids is another ask.
        var other = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask("Le délai est-il tenable ?", bidId)))
            .Json(HttpStatusCode.Created)).Id();
        Assert.NotEqual(id, other);
        Assert.Equal(2, (await reviews.ListAsync()).Count);
        // The question the SME typed is in its data export, as its erasure covers it.
        var exported = (await (await sme.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK)).GetProperty("expertReviews").EnumerateArray().Single(r => r.Id() == id);
        Assert.Equal("Le prix est-il juste ? Le plan est-il réaliste ?", exported.GetProperty("question").GetString());
        Assert.False(exported.TryGetProperty("mentorAccountId", out _)); // as the API shows it: no one else's account id

        // Neutrality: the bidding startups never read it; the institute's manager does, with the untied mentor suggested.
        Assert.Equal(HttpStatusCode.Forbidden, (await founder.Client.GetAsync($"/api/expert-reviews/{id}")).StatusCode);
        await (await cohort.Manager.Client.GetAsync($"/api/expert-reviews/{id}")).Problem(HttpStatusCode.NotFound);
        var queue = await (await manager.Client.GetAsync("/api/expert-reviews")).Json(HttpStatusCode.OK);
        Assert.Contains(queue.EnumerateArray(), r => r.Id() == id);
        var suggested = (await (await manager.Client.GetAsync($"/api/expert-reviews/{id}/suggestions?language=fr")).Json(HttpStatusCode.OK))
            .EnumerateArray().Select(s => s.GetProperty("mentorId").GetString()).ToList();
        Assert.Contains(mentorId, suggested);
        Assert.DoesNotContain(tiedId, suggested);
        Assert.DoesNotContain(cohortMentorId, suggested);
        Assert.DoesNotContain(newcomerId, suggested);

        var refused = await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId = tiedId })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("Atlas Shop", refused.GetProperty("detail").GetString());
        await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId = cohortMentorId })).Problem(HttpStatusCode.Conflict);
        var assigned = await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Json(HttpStatusCode.OK);
        Assert.Equal("assigned", assigned.GetProperty("status").GetString());
        await host.ExpertReviewFollowedUpAsync(id);
        // The e-mail goes from the follow-up's job: on a busy machine it may still be on its way when the queues look settled.
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(mentor.Email).Any(e => e.GetProperty("kind").GetString() == "expert-review-assigned"
            && e.GetProperty("text").GetString()!.Contains($"/expert-reviews/{id}"))), "the mentor's assignment e-mailed");

        var opinion = new
        {
            bids = new[]
            {
                new { bidId, fit = 5, price = 3, risks = 4, notes = "Bonne équipe, prix un peu haut." },
                new { bidId = rivalBidId, fit = 2, price = 5, risks = 2, notes = "Peu d'expérience du paiement en ligne." },
            },
        };
        await (await tied.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion", opinion)).Problem(HttpStatusCode.NotFound);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion", new { bids = new[] { new { bidId, fit = 6, price = 3, risks = 4, notes = "x" } } }))
            .Problem(HttpStatusCode.BadRequest);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion", opinion)).Json(HttpStatusCode.OK);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion", opinion)).Json(HttpStatusCode.OK); // the same answer again

        var read = await (await sme.Client.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("answered", read.GetProperty("status").GetString());
        Assert.Equal(5, read.GetProperty("opinions").EnumerateArray().Single(o => o.GetProperty("bidId").GetString() == bidId).GetProperty("fit").GetInt32());
        await host.ExpertReviewFollowedUpAsync(id);
        // The e-mail goes once (a delivery retried under load comes a moment later: waited for, then no second one).
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(sme.Email).Any(e => e.GetProperty("kind").GetString() == "expert-review-answered")),
            "the answer e-mailed to the SME");
        await host.JobsSettledAsync();
        Assert.Single(host.Emails(sme.Email), e => e.GetProperty("kind").GetString() == "expert-review-answered");
        Assert.DoesNotContain((await (await manager.Client.GetAsync("/api/expert-reviews")).Json(HttpStatusCode.OK)).EnumerateArray(), r => r.Id() == id);
        await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_SME_asks_an_opinion_on_a_delivered_milestone_the_startup_never_reads_it_and_the_mentor_answers_on_the_awarded_bid()
    {
        var institute = await Incubation.InstituteAsync(host, Region);
        var manager = await Incubation.ManagerAsync(host, institute);
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme(Region));
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need(region: Region, title: "Vendre nos dattes en ligne"));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, startupId) = await Api.StartupAsync(host, "Oasis Web");
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId); // the engagement comes from the award's event
        var awarded = new Awarded(sme, needId, founder, startupId);
        await Engagements.ConfirmAsync(host, await awarded.FundAsync(0));

        // Funded but not delivered (and a milestone not even funded): nothing to give an expert yet.
        object Ask(int milestone) => new { milestone, question = "La livraison est-elle conforme à ce qui était convenu ?" };
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(0))).Problem(HttpStatusCode.Conflict);
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(1))).Problem(HttpStatusCode.Conflict);
        var delivered = (await awarded.DeliverAsync(0)).Milestone(0);
        // Five identical requests at once (a double click, a retry): one opinion is asked; each answer that asked it names it.
        var racing = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(0))));
        Assert.All(racing, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var id = Assert.Single((await Task.WhenAll(racing.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Json(HttpStatusCode.Created))))
            .Select(c => (c.Id(), c.GetProperty("status").GetString())).Distinct()) switch { (var one, "requested") => one, var other => throw new Xunit.Sdk.XunitException($"{other}") };
        Assert.Equal([id], await host.Services.GetRequiredService<IGrainFactory>().GetGrain<INeedExpertReviewsGrain>(needId).ListAsync());
        Assert.Equal(id, (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(0))).Json(HttpStatusCode.Created)).Id()); // a retry
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { milestone = 0, question = "Et le catalogue ?" }))
            .Problem(HttpStatusCode.Conflict); // one at a time
        Assert.Equal(HttpStatusCode.Forbidden, (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(0))).StatusCode);

        // The startup of the engagement never reads it; the manager reads the milestone as delivered, on the awarded bid.
        Assert.Equal(HttpStatusCode.Forbidden, (await founder.Client.GetAsync($"/api/expert-reviews/{id}")).StatusCode);
        var asked = await (await manager.Client.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("milestone", asked.GetProperty("kind").GetString());
        Assert.Equal(0, asked.GetProperty("milestone").GetInt32());
        var item = Assert.Single(asked.GetProperty("bids").EnumerateArray());
        Assert.Equal(bidId, item.GetProperty("bidId").GetString());
        Assert.Equal("Oasis Web", item.GetProperty("startupName").GetString());
        Assert.Equal(delivered.GetProperty("amountMinor").GetInt64(), item.GetProperty("priceMinor").GetInt64());
        Assert.Equal($"{delivered.GetProperty("title").GetString()}\n{delivered.GetProperty("deliveryNote").GetString()}", item.GetProperty("proposal").GetString());
        Assert.Contains((await (await manager.Client.GetAsync("/api/expert-reviews")).Json(HttpStatusCode.OK)).EnumerateArray(), r => r.Id() == id);

        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Json(HttpStatusCode.OK);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion",
            new { bids = new[] { new { bidId = "bid-other", fit = 4, price = 3, risks = 2, notes = "x" } } })).Problem(HttpStatusCode.BadRequest);
        var opinion = new { bids = new[] { new { bidId, fit = 4, price = 3, risks = 2, notes = "Maquettes conformes ; le catalogue reste à compléter." } } };
        Assert.Equal("answered", (await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion", opinion)).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await founder.Client.GetAsync($"/api/expert-reviews/{id}")).StatusCode);
        var read = await (await sme.Client.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("answered", read.GetProperty("status").GetString());
        var given = Assert.Single(read.GetProperty("opinions").EnumerateArray());
        Assert.Equal((bidId, 4, 3, 2), (given.GetProperty("bidId").GetString(), given.GetProperty("fit").GetInt32(), given.GetProperty("price").GetInt32(),
            given.GetProperty("risks").GetInt32()));
        Assert.Contains("catalogue reste à compléter", given.GetProperty("notes").GetString());
        // Given: the same ask sent again names it, another question on the delivery is refused.
        var again = await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", Ask(0))).Json(HttpStatusCode.Created);
        Assert.Equal((id, "answered"), (again.Id(), again.GetProperty("status").GetString()));
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { milestone = 0, question = "Et le catalogue ?" }))
            .Problem(HttpStatusCode.Conflict);
    }

    /// <summary>An SME's request for an opinion on the one bid its need of the region got, and a manager of the region's institute.</summary>
    private async Task<(Person Manager, Person Sme, string ReviewId)> RequestedAsync()
    {
        var (manager, sme, _, _, id) = await AskedAsync();
        return (manager, sme, id);
    }

    /// <summary>As <see cref="RequestedAsync"/>, with the startup that bid and its bid.</summary>
    private async Task<(Person Manager, Person Sme, Person Founder, string BidId, string ReviewId)> AskedAsync()
    {
        var institute = await Incubation.InstituteAsync(host, Region);
        var manager = await Incubation.ManagerAsync(host, institute);
        var (sme, needId) = await Api.OpenNeedAsync(host, region: Region);
        var (founder, _) = await Api.StartupAsync(host, "Atlas Shop");
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var id = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { bidIds = new[] { bidId }, question = "Avis ?" }))
            .Json(HttpStatusCode.Created)).Id();
        return (manager, sme, founder, bidId, id);
    }

    [Fact]
    public async Task A_mentor_whose_account_was_erased_is_not_assigned_an_opinion_nobody_could_give()
    {
        var (manager, sme, id) = await RequestedAsync();
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        Assert.Equal(HttpStatusCode.NoContent, (await mentor.Client.PostAsJsonAsync("/api/me/erase", new { confirm = mentor.Email })).StatusCode);
        var refused = await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Problem(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("mentorId", out _));
        Assert.Equal("requested", (await (await sme.Client.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_erased_startup_and_an_erased_mentor_leave_only_pseudonyms_in_the_opinion_asked()
    {
        var (manager, sme, founder, bidId, id) = await AskedAsync();
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Json(HttpStatusCode.OK);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/opinion",
            new { bids = new[] { new { bidId, fit = 4, price = 3, risks = 4, notes = "Équipe solide, prix un peu haut." } } })).Json(HttpStatusCode.OK);
        await host.JobsSettledAsync(); // the bid's follow-up lists the need among the startup's places, where erasure looks

        Assert.Equal(HttpStatusCode.NoContent, (await founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = founder.Email })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await mentor.Client.PostAsJsonAsync("/api/me/erase", new { confirm = mentor.Email })).StatusCode);
        var review = await (await sme.Client.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK);
        var bid = Assert.Single(review.GetProperty("bids").EnumerateArray());
        Assert.StartsWith("erased-", bid.GetProperty("startupName").GetString());
        Assert.Equal("", bid.GetProperty("proposal").GetString());
        Assert.StartsWith("erased-", review.GetProperty("mentorName").GetString());
        Assert.True(bid.GetProperty("priceMinor").GetInt64() > 0); // what the opinion weighed stays
        var opinion = Assert.Single(review.GetProperty("opinions").EnumerateArray());
        Assert.Equal(("", 4), (opinion.GetProperty("notes").GetString(), opinion.GetProperty("fit").GetInt32()));
        // The SME erased too: its question and its need's title go the way of the need's.
        Assert.Equal(HttpStatusCode.NoContent, (await sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = sme.Email })).StatusCode);
        using var admin = host.Admin();
        var erased = await (await admin.GetAsync($"/api/expert-reviews/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("", erased.GetProperty("question").GetString());
        Assert.StartsWith("Need of erased-", erased.GetProperty("needTitle").GetString());
    }

    [Fact]
    public async Task The_reminder_is_sent_once_however_often_the_check_runs()
    {
        var (manager, sme, id) = await RequestedAsync();
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await (await manager.Client.PostAsJsonAsync($"/api/expert-reviews/{id}/assign", new { mentorId })).Json(HttpStatusCode.OK);

        // Within the reminder window (here: the whole time set), the check runs three times: one reminder event, one e-mail.
        var review = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IExpertReviewGrain>(id);
        for (var i = 0; i < 3; i++) Assert.Equal(ExpertReviewStatus.Assigned, await review.TickAsync(TimeSpan.FromDays(30)));
        await review.RaisePendingEventsAsync(); // a duplicate hand-over changes nothing either
        await host.ExpertReviewFollowedUpAsync(id);
        await host.JobsSettledAsync(); // the e-mails sent
        Assert.Single(host.Emails(mentor.Email), e => e.GetProperty("kind").GetString() == "expert-review-reminder");
        // Not yet due: the check never expires it early.
        Assert.Equal(ExpertReviewStatus.Assigned, await review.TickAsync(TimeSpan.Zero));
    }
}
