using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ProfileGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static SmeDetails Olive => new("Huilerie Zerhoun", "food", "Meknes", "Fes-Meknes", 22, ["fr", "ar"]);

    [Fact]
    public async Task An_sme_profile_is_private_to_its_owner_and_admins_and_no_manager_reads_it()
    {
        var sme = Grains.GetGrain<ISmeGrain>(Samples.NewId("sme"));
        await sme.CreateAsync("acc-owner", Olive);

        Assert.Equal("Huilerie Zerhoun", (await sme.GetAsync(new Caller("acc-owner", Roles.Sme))).Details.Name);
        Assert.NotNull(await sme.GetAsync(Samples.Admin));
        var manager = await Assert.ThrowsAsync<MarketplaceException>(() => sme.GetAsync(new Caller("acc-manager", Roles.Manager)));
        Assert.Equal(Problem.NotFound, manager.Problem);
        var other = await Assert.ThrowsAsync<MarketplaceException>(() => sme.GetAsync(new Caller("acc-other", Roles.Sme)));
        Assert.Equal(Problem.NotFound, other.Problem);
        var startup = await Assert.ThrowsAsync<MarketplaceException>(() => sme.GetAsync(Samples.Startup("acc-st")));
        Assert.Equal(Problem.NotFound, startup.Problem);
    }

    [Fact]
    public async Task A_startup_profile_is_public_but_only_its_owner_changes_it()
    {
        var startup = Grains.GetGrain<IStartupGrain>(Samples.NewId("st"));
        await startup.CreateAsync("acc-founder", Samples.StartupProfile());

        Assert.Equal("Web Atlas", (await startup.GetAsync(Samples.Sme("acc-any-sme"))).Details.Name);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() =>
            startup.UpdateAsync(Samples.Sme("acc-any-sme"), Samples.StartupProfile("Hijacked")));
        Assert.Equal(Problem.NotFound, refused.Problem);
        var updated = await startup.UpdateAsync(Samples.Startup("acc-founder"), Samples.StartupProfile("Web Atlas Maroc"));
        Assert.Equal("Web Atlas Maroc", updated.Details.Name);
    }

    [Fact]
    public async Task An_import_creates_then_updates_the_same_profile()
    {
        var id = Samples.NewId("sme");
        var sme = Grains.GetGrain<ISmeGrain>(id);
        Assert.True(await sme.ImportAsync(Olive, null));
        Assert.False(await sme.ImportAsync(Olive with { Employees = 30 }, null));
        Assert.Equal(30, (await sme.GetAsync(Samples.Admin)).Details.Employees);
    }

    [Fact]
    public async Task Only_the_account_signed_up_with_the_catalogues_address_takes_an_imported_profile_over()
    {
        var sme = Grains.GetGrain<ISmeGrain>(Samples.NewId("sme"));
        await sme.ImportAsync(Olive, "contact@olive.ma");
        Assert.Null(await sme.ListedForAsync("other@olive.ma", "account-b"));
        Assert.NotNull(await sme.ListedForAsync("contact@olive.ma", "account-a"));
        await Assert.ThrowsAsync<MarketplaceException>(() => sme.ClaimAsync("account-b", "other@olive.ma"));

        Assert.Equal("account-a", (await sme.ClaimAsync("account-a", "contact@olive.ma")).OwnerAccountId);
        Assert.Equal("account-a", (await sme.ClaimAsync("account-a", "contact@olive.ma")).OwnerAccountId); // a repeat changes nothing
        // Held now: nobody else takes it, even with the address, and it is offered only to its new owner (whose takeover
        // may have been cut short before its account was linked).
        await Assert.ThrowsAsync<MarketplaceException>(() => sme.ClaimAsync("account-b", "contact@olive.ma"));
        Assert.Null(await sme.ListedForAsync("contact@olive.ma", "account-b"));
        Assert.NotNull(await sme.ListedForAsync("contact@olive.ma", "account-a"));
        Assert.Equal(Olive.Name, (await sme.GetAsync(new Caller("account-a", Roles.Sme))).Details.Name);
    }

    [Fact]
    public async Task A_need_imported_as_its_sme_is_taken_over_becomes_the_new_owners_need()
    {
        // The takeover read the SME's needs before the catalogue's import listed this one: the need still goes to the owner.
        var smeId = Samples.NewId("sme");
        await Grains.GetGrain<ISmeGrain>(smeId).ImportAsync(Olive, "contact@olive.ma");
        await Grains.GetGrain<ISmeGrain>(smeId).ClaimAsync("account-olive", "contact@olive.ma");
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.ImportAsync(smeId, Samples.Need());
        await need.SubmitBidAsync(Samples.Startup(Samples.NewId("acc")), Samples.NewId("st"), "Web Atlas", Samples.Offer());
        Assert.Single((await need.GetAsync(Samples.Sme("account-olive"))).Bids); // the owner reads every bid, others only theirs
        Assert.Empty((await need.GetAsync(Samples.Sme("account-other"))).Bids);
    }

    [Fact]
    public async Task A_profile_its_owner_created_is_never_taken_over_nor_offered()
    {
        var sme = Grains.GetGrain<ISmeGrain>(Samples.NewId("sme"));
        await sme.CreateAsync("account-a", Olive);
        Assert.Null(await sme.ListedForAsync("contact@olive.ma", "account-a"));
        await Assert.ThrowsAsync<MarketplaceException>(() => sme.ClaimAsync("account-a", "contact@olive.ma"));
    }

    [Fact]
    public async Task A_catalogues_track_record_never_overwrites_a_startup_taken_over()
    {
        var startup = Grains.GetGrain<IStartupGrain>(Samples.NewId("st"));
        await startup.ImportAsync(Samples.StartupProfile(), "hello@atlas.ma");
        await startup.ImportTrackRecordAsync(3, 4.5, 10);
        await startup.ClaimAsync("account-a", "hello@atlas.ma");
        await Assert.ThrowsAsync<MarketplaceException>(() => startup.ImportTrackRecordAsync(0, 1.0, 1));
        Assert.Equal(4.5, (await startup.GetTrackRecordAsync()).Rating);
    }

    [Fact]
    public async Task An_award_counts_once_however_often_it_is_retried()
    {
        var startup = Grains.GetGrain<IStartupGrain>(Samples.NewId("st"));
        await startup.ImportAsync(Samples.StartupProfile(), null);
        await startup.ImportTrackRecordAsync(1, 4.5, 10);
        await startup.ProjectAwardedAsync("need-1");
        await startup.ProjectAwardedAsync("need-1");
        var track = await startup.GetTrackRecordAsync();
        Assert.Equal(2, track.ActiveProjects);
        Assert.Equal(4.5, track.Rating);

        // Its engagement ends (the follow-up may run again): one project less, once; a need it never won changes nothing.
        await startup.ProjectEndedAsync("need-1");
        await startup.ProjectEndedAsync("need-1");
        await startup.ProjectEndedAsync("need-other");
        Assert.Equal(1, (await startup.GetTrackRecordAsync()).ActiveProjects);
    }

    [Fact]
    public async Task A_startup_lists_the_needs_it_won_newest_first_each_once()
    {
        var startup = Grains.GetGrain<IStartupGrain>(Samples.NewId("st"));
        await startup.ImportAsync(Samples.StartupProfile(), null);
        foreach (var need in new[] { "need-a", "need-b", "need-a", "need-c" }) await startup.ProjectAwardedAsync(need);
        Assert.Equal(["need-c", "need-b", "need-a"], await startup.GetProjectIdsAsync(10));
        Assert.Equal(["need-c", "need-b"], await startup.GetProjectIdsAsync(2));
    }
}
