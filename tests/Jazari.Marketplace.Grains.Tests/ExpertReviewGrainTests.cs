using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ExpertReviewGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_mentor_is_reminded_once_and_the_request_expires_once_at_the_time_set_however_often_it_is_checked()
    {
        var sme = Samples.Sme(Samples.NewId("acc"));
        var mentor = new Caller(Samples.NewId("acc"), Roles.Mentor);
        var id = Samples.NewId("xrev");
        var review = fixture.Grains.GetGrain<IExpertReviewGrain>(id);
        await review.RequestAsync(new ExpertReviewRequest(Samples.NewId("need"), "Boutique", sme.AccountId, ExpertReviewKind.Bids, null,
            [new ReviewedBid("bid-1", "startup-1", "Web Atlas", 3_000_000, 60, "WooCommerce.")], "Le prix est-il juste ?", [], "MAD"));
        await review.AssignAsync(Samples.Admin, "mentor-1", "Salma", mentor.AccountId, fixture.Time.GetUtcNow().AddDays(5));
        var remindBefore = TimeSpan.FromDays(2);
        int Count(ExpertReviewEventKind kind) => fixture.ExpertReviewEvents.Of(id).Count(e => e.Kind == kind);

        Assert.Equal(ExpertReviewStatus.Assigned, await review.TickAsync(remindBefore));
        Assert.Equal(0, Count(ExpertReviewEventKind.Reminder));
        fixture.Time.Advance(TimeSpan.FromDays(3));
        for (var i = 0; i < 3; i++) Assert.Equal(ExpertReviewStatus.Assigned, await review.TickAsync(remindBefore));
        Assert.Equal(1, Count(ExpertReviewEventKind.Reminder));

        fixture.Time.Advance(TimeSpan.FromDays(2));
        for (var i = 0; i < 3; i++) Assert.Equal(ExpertReviewStatus.Expired, await review.TickAsync(remindBefore));
        Assert.Equal(1, Count(ExpertReviewEventKind.Expired));
        var late = await Assert.ThrowsAsync<MarketplaceException>(() => review.AnswerAsync(mentor, [new BidOpinion("bid-1", 4, 4, 4, "Bien.")]));
        Assert.Equal(Problem.Conflict, late.Problem);
        Assert.Equal(ExpertReviewStatus.Expired, (await review.GetAsync(sme)).Status);
        Assert.DoesNotContain(await fixture.Grains.GetGrain<IExpertReviewQueueGrain>(IExpertReviewQueueGrain.Key).ListAsync(), e => e.Id == id);
        // The bidding startup's account, or anyone else, does not read it.
        await Assert.ThrowsAsync<MarketplaceException>(() => review.GetAsync(Samples.Startup(Samples.NewId("acc"))));
    }
}
