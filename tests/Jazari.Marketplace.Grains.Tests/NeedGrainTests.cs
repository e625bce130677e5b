using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NeedGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_draft_is_seen_only_by_its_owner_and_admins()
    {
        var owner = Samples.Sme(Samples.NewId("acc"));
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        var created = await need.CreateAsync(owner, "sme-1", Samples.Need());

        Assert.Equal(NeedStatus.Draft, created.Status);
        Assert.Equal(NeedStatus.Draft, (await need.GetAsync(Samples.Admin)).Status);
        var stranger = await Assert.ThrowsAsync<MarketplaceException>(() => need.GetAsync(Samples.Startup("acc-other")));
        Assert.Equal(Problem.NotFound, stranger.Problem);
        Assert.Null(await need.GetListingAsync());
    }

    [Fact]
    public async Task The_sme_lists_the_needs_it_posted_and_the_startup_the_needs_it_bid_on()
    {
        var smeId = Samples.NewId("sme");
        var startupId = Samples.NewId("st");
        var owner = Samples.Sme(Samples.NewId("acc"));
        var needId = Samples.NewId("need");
        var need = Grains.GetGrain<INeedGrain>(needId);
        await need.CreateAsync(owner, smeId, Samples.Need());
        Assert.Equal([needId], await Grains.GetGrain<IProfileNeedsGrain>(smeId).ListAsync(10));
        Assert.Empty(await Grains.GetGrain<IProfileNeedsGrain>(startupId).ListAsync(10));

        await need.PublishAsync(owner);
        await need.SubmitBidAsync(Samples.Startup(Samples.NewId("acc")), startupId, "Web Atlas", Samples.Offer());
        await fixture.Events.FollowedUpAsync(); // the bid's event lists the need among the startup's
        Assert.Equal([needId], await Grains.GetGrain<IProfileNeedsGrain>(startupId).ListAsync(10));
    }

    [Fact]
    public async Task Publishing_opens_the_need_and_lists_it_newest_first_in_its_category()
    {
        var (first, _) = await Samples.OpenNeedAsync(Grains, "iot", "Souss-Massa");
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var (second, _) = await Samples.OpenNeedAsync(Grains, "iot", "Oriental");
        await fixture.Events.FollowedUpAsync(); // the publication's event lists the need

        var all = await Grains.GetGrain<IOpenNeedsGrain>("iot").ListAsync(null, 0, 50);
        var ids = all.Needs.Select(n => n.NeedId).ToList();
        Assert.True(ids.IndexOf(second.GetPrimaryKeyString()) < ids.IndexOf(first.GetPrimaryKeyString()));
        var souss = await Grains.GetGrain<IOpenNeedsGrain>("iot").ListAsync("Souss-Massa", 0, 50);
        Assert.Contains(souss.Needs, n => n.NeedId == first.GetPrimaryKeyString());
        Assert.DoesNotContain(souss.Needs, n => n.NeedId == second.GetPrimaryKeyString());
    }

    [Fact]
    public async Task Only_the_owner_can_publish()
    {
        var owner = Samples.Sme(Samples.NewId("acc"));
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.CreateAsync(owner, "sme-1", Samples.Need());
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => need.PublishAsync(Samples.Sme("acc-someone-else")));
        Assert.Equal(Problem.NotFound, refused.Problem);
        Assert.Equal(NeedStatus.Draft, (await need.GetAsync(owner)).Status);
    }

    [Fact]
    public async Task A_startup_sees_only_its_own_bid_and_the_owner_sees_all()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var a = Samples.Startup(Samples.NewId("acc"));
        var b = Samples.Startup(Samples.NewId("acc"));
        var bidA = await need.SubmitBidAsync(a, "st-a", "A", Samples.Offer());
        await need.SubmitBidAsync(b, "st-b", "B", Samples.Offer());

        var seenByA = await need.GetAsync(a);
        Assert.Equal([bidA], seenByA.Bids.Select(x => x.Id));
        Assert.Equal(2, seenByA.BidCount);
        Assert.Equal(2, (await need.GetAsync(owner)).Bids.Count);
    }

    [Fact]
    public async Task One_live_bid_per_startup_but_it_may_bid_again_after_withdrawing()
    {
        var (need, _) = await Samples.OpenNeedAsync(Grains);
        var startup = Samples.Startup(Samples.NewId("acc"));
        var first = await need.SubmitBidAsync(startup, "st-x", "X", Samples.Offer());

        Assert.Equal(first, await need.SubmitBidAsync(startup, "st-x", "X", Samples.Offer())); // the same bid again: a retry
        var twice = await Assert.ThrowsAsync<MarketplaceException>(() => need.SubmitBidAsync(startup, "st-x", "X", Samples.Offer(3_100_000)));
        Assert.Equal(Problem.Conflict, twice.Problem);

        await need.WithdrawBidAsync(startup, first);
        var second = await need.SubmitBidAsync(startup, "st-x", "X", Samples.Offer(2_500_000));
        var bids = (await need.GetAsync(startup)).Bids;
        Assert.Equal(second, Assert.Single(bids).Id);
        Assert.Equal(2_500_000, bids[0].Offer.PriceMinor);
    }

    [Fact]
    public async Task Milestones_that_do_not_add_up_to_the_price_are_refused()
    {
        var (need, _) = await Samples.OpenNeedAsync(Grains);
        var offer = Samples.Offer() with { PriceMinor = 3_000_001 };
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => need.SubmitBidAsync(Samples.Startup("acc-s"), "st-s", "S", offer));
        Assert.Equal(Problem.Invalid, refused.Problem);
        Assert.Equal(0, (await need.GetListingAsync())!.BidCount);
    }

    [Fact]
    public async Task Accepting_awards_the_need_rejects_the_others_and_counts_one_project_for_the_winner()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var winnerStartup = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(winnerStartup).ImportAsync(Samples.StartupProfile(), null);
        var winner = await need.SubmitBidAsync(Samples.Startup("acc-w"), winnerStartup, "W", Samples.Offer());
        var loser = await need.SubmitBidAsync(Samples.Startup("acc-l"), Samples.NewId("st"), "L", Samples.Offer());

        var awarded = await need.AcceptBidAsync(owner, winner);

        Assert.Equal(NeedStatus.Awarded, awarded.Status);
        Assert.Equal(BidStatus.Accepted, awarded.Bids.Single(b => b.Id == winner).Status);
        Assert.Equal(BidStatus.Rejected, awarded.Bids.Single(b => b.Id == loser).Status);
        var retried = await need.AcceptBidAsync(owner, winner); // a retried accept answers the award
        Assert.Equal((NeedStatus.Awarded, winner, awarded.AwardedAt), (retried.Status, retried.AwardedBidId, retried.AwardedAt));
        var other = await Assert.ThrowsAsync<MarketplaceException>(() => need.AcceptBidAsync(owner, loser));
        Assert.Equal(Problem.Conflict, other.Problem);
        var late = await Assert.ThrowsAsync<MarketplaceException>(() => need.SubmitBidAsync(Samples.Startup("acc-z"), "st-z", "Z", Samples.Offer()));
        Assert.Equal(Problem.Conflict, late.Problem);
        await fixture.Events.FollowedUpAsync(); // the award's event counts the project and unlists the need
        Assert.Equal(1, (await Grains.GetGrain<IStartupGrain>(winnerStartup).GetTrackRecordAsync()).ActiveProjects);
        var listed = await Grains.GetGrain<IOpenNeedsGrain>("ecommerce").ListAsync(null, 0, 5000);
        Assert.DoesNotContain(listed.Needs, n => n.NeedId == need.GetPrimaryKeyString());
    }

    [Fact]
    public async Task A_startup_stored_before_ended_projects_were_counted_out_is_freed_when_next_loaded()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var startupId = Samples.NewId("st");
        var startup = Grains.GetGrain<IStartupGrain>(startupId);
        await startup.ImportAsync(Samples.StartupProfile(), null);
        var bid = await need.SubmitBidAsync(Samples.Startup("acc-w"), startupId, "W", Samples.Offer());
        await need.AcceptBidAsync(owner, bid);
        await fixture.Events.FollowedUpAsync();
        // As an older version left it: the engagement was cancelled, the project still counted.
        await need.EngagementClosedAsync(completed: false);
        var storage = fixture.Silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>("marketplace");
        var stored = new GrainState<TrackRecord>();
        await storage.ReadStateAsync("startup-track", startup.GetGrainId(), stored);
        stored.State!.EndsReconciled = false;
        await storage.WriteStateAsync("startup-track", startup.GetGrainId(), stored);
        Assert.Equal(1, stored.State.ActiveProjects);
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(0, (await startup.GetTrackRecordAsync()).ActiveProjects);
        await startup.ProjectEndedAsync(need.GetPrimaryKeyString()); // the follow-up of a newer version comes too: counted out once
        await startup.ProjectAwardedAsync(need.GetPrimaryKeyString());
        Assert.Equal(0, (await startup.GetTrackRecordAsync()).ActiveProjects);
    }

    [Fact]
    public async Task Twenty_concurrent_accepts_award_exactly_one_bid()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var bids = new List<string>();
        for (var i = 0; i < 20; i++)
            bids.Add(await need.SubmitBidAsync(Samples.Startup($"acc-c{i}"), Samples.NewId("st"), $"C{i}", Samples.Offer()));

        var outcomes = await Task.WhenAll(bids.Select(async bid =>
        {
            try { await need.AcceptBidAsync(owner, bid); return "accepted"; }
            catch (MarketplaceException e) when (e.Problem == Problem.Conflict) { return "conflict"; }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "accepted"));
        Assert.Equal(19, outcomes.Count(o => o == "conflict"));
        var stored = await need.GetAsync(owner);
        Assert.Equal(1, stored.Bids.Count(b => b.Status == BidStatus.Accepted));
        Assert.Equal(19, stored.Bids.Count(b => b.Status == BidStatus.Rejected));
    }

    [Fact]
    public async Task A_need_takes_at_most_twenty_bids()
    {
        var (need, _) = await Samples.OpenNeedAsync(Grains);
        for (var i = 0; i < NeedGrain.MaxBids; i++)
            await need.SubmitBidAsync(Samples.Startup($"acc-m{i}"), $"st-m{i}", $"M{i}", Samples.Offer());
        var full = await Assert.ThrowsAsync<MarketplaceException>(() =>
            need.SubmitBidAsync(Samples.Startup("acc-late"), "st-late", "Late", Samples.Offer()));
        Assert.Equal(Problem.Conflict, full.Problem);

        // A withdrawn bid no longer counts: the late startup takes its place, and the need still holds twenty.
        var first = (await need.GetAsync(Samples.Admin)).Bids[0];
        await need.WithdrawBidAsync(Samples.Startup("acc-m0"), first.Id);
        await need.SubmitBidAsync(Samples.Startup("acc-late"), "st-late", "Late", Samples.Offer());
        var bids = (await need.GetAsync(Samples.Admin)).Bids;
        Assert.Equal(NeedGrain.MaxBids, bids.Count);
        Assert.DoesNotContain(bids, b => b.Id == first.Id);
        Assert.Contains(bids, b => b.StartupId == "st-late");
    }

    [Fact]
    public async Task Cancelling_an_open_need_rejects_its_bids_and_unlists_it()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains, "training");
        await need.SubmitBidAsync(Samples.Startup("acc-t"), "st-t", "T", Samples.Offer());
        var cancelled = await need.CancelAsync(owner);
        Assert.Equal(NeedStatus.Cancelled, cancelled.Status);
        Assert.All(cancelled.Bids, b => Assert.Equal(BidStatus.Rejected, b.Status));
        var listed = await Grains.GetGrain<IOpenNeedsGrain>("training").ListAsync(null, 0, 5000);
        Assert.DoesNotContain(listed.Needs, n => n.NeedId == need.GetPrimaryKeyString());
    }
}
