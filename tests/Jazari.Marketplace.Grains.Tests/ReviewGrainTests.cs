using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ReviewGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static readonly ReviewRatings Good = new(5, 4, 5);
    private static readonly ReviewRatings Poor = new(2, 1, 3);

    /// <summary>An awarded need whose engagement completed: the SME owner, the startup's founder, and the startup (with a profile).</summary>
    private async Task<(INeedReviewsGrain Reviews, Caller Sme, Caller Founder, string StartupId)> AwardedAsync()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var founder = Samples.Startup(Samples.NewId("acc"));
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(startupId).CreateAsync(founder.AccountId, Samples.StartupProfile());
        var bidId = await need.SubmitBidAsync(founder, startupId, "Web Atlas", Samples.Offer());
        await need.AcceptBidAsync(owner, bidId);
        await EngagementGrainTests.CompleteAsync(Grains, need.GetPrimaryKeyString(), owner, founder);
        return (Grains.GetGrain<INeedReviewsGrain>(need.GetPrimaryKeyString()), owner, founder, startupId);
    }

    [Fact]
    public async Task Neither_side_sees_the_other_review_until_both_are_in_then_both_are_revealed()
    {
        var (reviews, sme, founder, startupId) = await AwardedAsync();

        var smeReview = await reviews.WriteAsync(sme, Good, "Travail soigné, livré à temps.");
        Assert.False(smeReview.Revealed);
        Assert.Equal(startupId, smeReview.SubjectId);
        Assert.Empty((await reviews.ListAsync(founder)).Reviews);
        Assert.Single((await reviews.ListAsync(sme)).Reviews);
        Assert.Equal(0, (await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync()).RatingCount);

        await reviews.WriteAsync(founder, new(4, 4, 4), "Client clair et réactif.");
        var seen = await reviews.ListAsync(founder);
        Assert.NotNull(seen.RevealedAt);
        Assert.Equal(2, seen.Reviews.Count);
        Assert.All(seen.Reviews, r => Assert.True(r.Revealed));
        Assert.Equal(2, (await reviews.ListAsync(sme)).Reviews.Count);

        var track = await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync();
        Assert.Equal(1, track.RatingCount);
        Assert.Equal(Good.Overall, track.Rating, 2);
        Assert.Equal(Good.Overall, (await Grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Kpis.Rating!.Value, 2); // the reviews' average, not rounded to whole stars
        var listed = await Grains.GetGrain<IStartupReviewsGrain>(startupId).PageAsync(0, 20);
        Assert.Equal(smeReview.Id, Assert.Single(listed.Reviews).ReviewId);
    }

    [Fact]
    public async Task Fourteen_days_after_the_first_review_it_is_revealed_alone_and_counts()
    {
        var (reviews, sme, founder, startupId) = await AwardedAsync();
        var written = await reviews.WriteAsync(sme, Poor, "Retards répétés.");

        fixture.Time.Advance(NeedReviewsGrain.RevealAfter - TimeSpan.FromMinutes(1));
        Assert.Null(await reviews.RevealIfDueAsync());
        Assert.Empty((await reviews.ListAsync(founder)).Reviews);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull(await reviews.RevealIfDueAsync());
        Assert.Equal(written.Id, Assert.Single((await reviews.ListAsync(founder)).Reviews).Id);
        var track = await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync();
        Assert.Equal((1, Poor.Overall), (track.RatingCount, Math.Round(track.Rating, 2)));

        var late = await Assert.ThrowsAsync<MarketplaceException>(() => reviews.WriteAsync(founder, Good, "Trop tard ?"));
        Assert.Equal(Problem.Conflict, late.Problem);
        await reviews.RevealIfDueAsync();
        Assert.Equal(1, (await Grains.GetGrain<IStartupGrain>(startupId).GetTrackRecordAsync()).RatingCount);
    }

    [Fact]
    public async Task A_second_review_or_an_edit_is_a_conflict_and_the_same_review_again_changes_nothing()
    {
        var (reviews, sme, founder, _) = await AwardedAsync();
        var first = await reviews.WriteAsync(sme, Good, "Très bien.");
        Assert.Equal(first.Id, (await reviews.WriteAsync(sme, Good, "Très bien.")).Id);
        var edit = await Assert.ThrowsAsync<MarketplaceException>(() => reviews.WriteAsync(sme, Poor, "Finalement non."));
        Assert.Equal(Problem.Conflict, edit.Problem);

        await reviews.WriteAsync(founder, Good, "Parfait.");
        var afterReveal = await Assert.ThrowsAsync<MarketplaceException>(() => reviews.WriteAsync(sme, Poor, "Finalement non."));
        Assert.Equal(Problem.Conflict, afterReveal.Problem);
        Assert.Equal("Très bien.", (await reviews.ListAsync(sme)).Reviews.Single(r => r.Author == ReviewAuthor.Sme).Comment);
    }

    [Fact]
    public async Task Strangers_and_unawarded_needs_get_no_reviews()
    {
        var (reviews, _, _, _) = await AwardedAsync();
        var stranger = await Assert.ThrowsAsync<MarketplaceException>(() => reviews.WriteAsync(Samples.Sme(Samples.NewId("acc")), Good, "Je passais."));
        Assert.Equal(Problem.NotFound, stranger.Problem);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => reviews.ListAsync(Samples.Startup(Samples.NewId("acc"))))).Problem);

        var (open, owner) = await Samples.OpenNeedAsync(Grains);
        var early = await Assert.ThrowsAsync<MarketplaceException>(() =>
            Grains.GetGrain<INeedReviewsGrain>(open.GetPrimaryKeyString()).WriteAsync(owner, Good, "Trop tôt."));
        Assert.Equal(Problem.Conflict, early.Problem);
    }

    [Fact]
    public async Task The_reviewed_side_answers_a_revealed_review_once()
    {
        var (reviews, sme, founder, _) = await AwardedAsync();
        var smeReview = await reviews.WriteAsync(sme, Poor, "Délais non tenus.");
        var hiddenYet = await Assert.ThrowsAsync<MarketplaceException>(() => reviews.AnswerAsync(founder, smeReview.Id, "Réponse."));
        Assert.Equal(Problem.NotFound, hiddenYet.Problem);

        await reviews.WriteAsync(founder, Good, "Client agréable.");
        var answered = await reviews.AnswerAsync(founder, smeReview.Id, "Le cahier des charges a changé deux fois.");
        Assert.Equal("Le cahier des charges a changé deux fois.", answered.Answer);
        Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(() => reviews.AnswerAsync(founder, smeReview.Id, "Autre chose."))).Problem);
        Assert.Equal(Problem.Conflict, (await Assert.ThrowsAsync<MarketplaceException>(() => reviews.AnswerAsync(sme, smeReview.Id, "Moi aussi."))).Problem);
    }

    [Fact]
    public async Task A_hidden_review_no_longer_counts_nor_shows_and_hiding_twice_changes_nothing()
    {
        var (reviews, sme, founder, startupId) = await AwardedAsync();
        var smeReview = await reviews.WriteAsync(sme, Poor, "Insultes...");
        await reviews.WriteAsync(founder, Good, "Bien.");
        var startup = Grains.GetGrain<IStartupGrain>(startupId);
        Assert.Equal(1, (await startup.GetTrackRecordAsync()).RatingCount);

        var reader = Samples.Startup(Samples.NewId("acc"));
        Assert.True(await reviews.ReportAsync(reader, smeReview.Id));
        Assert.False(await reviews.ReportAsync(reader, smeReview.Id));
        Assert.Contains(await Grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).ListAsync(), r => r.ReviewId == smeReview.Id);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => reviews.HideAsync(reader, smeReview.Id, "non"))).Problem);

        var hidden = await reviews.HideAsync(Samples.Admin, smeReview.Id, "Propos injurieux.");
        Assert.True(hidden.Hidden);
        await reviews.HideAsync(Samples.Admin, smeReview.Id, "Propos injurieux.");
        var track = await startup.GetTrackRecordAsync();
        Assert.Equal((0, 0.0), (track.RatingCount, track.Rating));
        Assert.Null(await reviews.GetPublicAsync(smeReview.Id));
        Assert.Empty((await Grains.GetGrain<IStartupReviewsGrain>(startupId).PageAsync(0, 20)).Reviews);
        Assert.DoesNotContain(await Grains.GetGrain<IReportedReviewsGrain>(IReportedReviewsGrain.Key).ListAsync(), r => r.ReviewId == smeReview.Id);
        Assert.Equal("Propos injurieux.", (await reviews.ListAsync(founder)).Reviews.Single(r => r.Id == smeReview.Id).HiddenReason);
        Assert.Equal(Problem.NotFound, (await Assert.ThrowsAsync<MarketplaceException>(() => reviews.ReportAsync(reader, smeReview.Id))).Problem);
    }

    [Fact]
    public async Task A_revealed_review_is_counted_once_on_top_of_an_imported_reputation()
    {
        var startup = Grains.GetGrain<IStartupGrain>(Samples.NewId("st"));
        await startup.ImportAsync(Samples.StartupProfile(), "founder@rep.ma");
        await startup.ImportTrackRecordAsync(1, 4.0, 3);
        await startup.ClaimAsync("acc-founder-rep", "founder@rep.ma"); // its founder took it over with its reputation
        await startup.ReviewRevealedAsync("rev-1", 2.0);
        await startup.ReviewRevealedAsync("rev-1", 2.0);
        var track = await startup.GetTrackRecordAsync();
        Assert.Equal((4, 3.5), (track.RatingCount, track.Rating));
        Assert.Equal(3.5, (await startup.GetCardAsync())!.Rating);
        await startup.ReviewHiddenAsync("rev-1", 2.0);
        await startup.ReviewHiddenAsync("rev-1", 2.0);
        await startup.ReviewRevealedAsync("rev-1", 2.0);
        track = await startup.GetTrackRecordAsync();
        Assert.Equal((3, 4.0), (track.RatingCount, track.Rating));
    }
}
