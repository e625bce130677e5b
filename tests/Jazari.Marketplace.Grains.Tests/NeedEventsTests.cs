using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NeedEventsTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Events_are_raised_after_the_write_and_stay_pending_until_confirmed()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var id = need.GetPrimaryKeyString();
        var bidId = await need.SubmitBidAsync(Samples.Startup("acc-st1"), "st-1", "Web Atlas", Samples.Offer());
        var raised = fixture.Events.Of(id);
        Assert.Equal([NeedEventKind.Published, NeedEventKind.BidSubmitted], raised.Select(e => e.Kind));
        Assert.Equal(bidId, raised[1].BidId);

        await need.ConfirmEventAsync(raised[0].Id);
        await need.ConfirmEventAsync(raised[0].Id); // a retried job confirms twice
        await need.RaisePendingEventsAsync();
        Assert.Equal(raised[1].Id, fixture.Events.Of(id)[^1].Id);
        Assert.Equal(3, fixture.Events.Of(id).Count);
    }

    [Fact]
    public async Task Events_whose_hand_over_failed_are_kept_and_raised_again()
    {
        var owner = Samples.Sme(Samples.NewId("acc"));
        var need = Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.CreateAsync(owner, Samples.NewId("sme"), Samples.Need());
        fixture.Events.Failing = true;
        try
        {
            var published = await need.PublishAsync(owner); // the change is stored even though the hand-over failed
            Assert.Equal(NeedStatus.Open, published.Status);
        }
        finally
        {
            fixture.Events.Failing = false;
        }
        Assert.Empty(fixture.Events.Of(need.GetPrimaryKeyString()));
        await need.RaisePendingEventsAsync();
        Assert.Equal(NeedEventKind.Published, Assert.Single(fixture.Events.Of(need.GetPrimaryKeyString())).Kind);
    }

    [Fact]
    public async Task Expiring_closes_an_open_need_once_rejects_its_bids_and_takes_it_off_the_catalogue()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains, "training", "Souss-Massa");
        var id = need.GetPrimaryKeyString();
        await need.SubmitBidAsync(Samples.Startup("acc-st2"), "st-2", "Formatech", Samples.Offer());

        var expired = await need.ExpireAsync();
        Assert.Equal(NeedStatus.Expired, expired.Status);
        Assert.All(expired.Bids, b => Assert.Equal(BidStatus.Rejected, b.Status));
        await need.ExpireAsync();
        Assert.Single(fixture.Events.Of(id), e => e.Kind == NeedEventKind.Expired);
        var listed = await Grains.GetGrain<IOpenNeedsGrain>("training").ListAsync("Souss-Massa", 0, 100);
        Assert.DoesNotContain(listed.Needs, n => n.NeedId == id);
        await Assert.ThrowsAsync<MarketplaceException>(() => need.SubmitBidAsync(Samples.Startup("acc-st3"), "st-3", "X", Samples.Offer()));
    }

    [Fact]
    public async Task An_awarded_need_does_not_expire()
    {
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var bidId = await need.SubmitBidAsync(Samples.Startup("acc-st4"), Samples.NewId("st"), "Web Atlas", Samples.Offer());
        await need.AcceptBidAsync(owner, bidId);
        Assert.Equal(NeedStatus.Awarded, (await need.ExpireAsync()).Status);
    }

    [Fact]
    public async Task Startups_are_members_of_the_shards_of_the_categories_they_offer()
    {
        var id = Samples.NewId("st");
        var startup = Grains.GetGrain<IStartupGrain>(id);
        await startup.CreateAsync("acc-owner", Samples.StartupProfile() with { Categories = ["iot"], Skills = ["lorawan"], Description = "Capteurs.", RegionsServed = ["Oriental"] });
        Assert.Contains(id, await Grains.GetGrain<IStartupMatchmakingGrain>("iot").MembersAsync());

        await startup.UpdateAsync(Samples.Sme("acc-owner") with { Role = Roles.Startup },
            Samples.StartupProfile() with { Categories = ["cloud"], Skills = ["azure"], Description = "Migration.", RegionsServed = ["*"] });
        Assert.DoesNotContain(id, await Grains.GetGrain<IStartupMatchmakingGrain>("iot").MembersAsync());
        Assert.Contains(id, await Grains.GetGrain<IStartupMatchmakingGrain>("cloud").MembersAsync());
    }

    [Fact]
    public async Task A_notification_is_recorded_once_sent_once_and_a_second_attempt_waits_for_the_lease()
    {
        var account = Grains.GetGrain<IAccountNotificationsGrain>(Samples.NewId("acc"));
        var n = new Notification("bid:b1:received", NotificationKinds.BidReceived, new Dictionary<string, string> { ["title"] = "x" }, fixture.Time.GetUtcNow());
        Assert.Equal(Delivery.Immediate, (await account.RecordAsync(n)).Delivery);
        Assert.Equal(Delivery.Immediate, (await account.RecordAsync(n)).Delivery);

        var lease = fixture.Time.GetUtcNow().AddMinutes(3);
        Assert.NotNull(await account.BeginSendAsync(n.Key, "job-1", lease));
        await Assert.ThrowsAsync<MarketplaceException>(() => account.BeginSendAsync(n.Key, "job-2", lease));
        Assert.NotNull(await account.BeginSendAsync(n.Key, "job-1", lease)); // the same job, retried after a crash
        await account.MarkSentAsync(n.Key);
        Assert.Null(await account.BeginSendAsync(n.Key, "job-1", lease));
        Assert.Equal(Delivery.Off, (await account.RecordAsync(n)).Delivery); // already sent: nothing to do
    }

    [Fact]
    public async Task Preferences_send_kinds_to_the_digest_or_nowhere_and_a_bounce_stops_everything_but_sign_in_codes()
    {
        var account = Grains.GetGrain<IAccountNotificationsGrain>(Samples.NewId("acc"));
        await account.SetPreferencesAsync(new Dictionary<string, Delivery> { [NotificationKinds.NeedMatch] = Delivery.Digest, [NotificationKinds.WeeklyNeeds] = Delivery.Off });
        Notification N(string key, string kind) => new(key, kind, new Dictionary<string, string>(), fixture.Time.GetUtcNow());

        Assert.Equal(new RecordedNotification(Delivery.Digest, true), await account.RecordAsync(N("m1", NotificationKinds.NeedMatch)));
        Assert.Equal(new RecordedNotification(Delivery.Digest, false), await account.RecordAsync(N("m2", NotificationKinds.NeedMatch)));
        Assert.Equal(Delivery.Off, (await account.RecordAsync(N("w1", NotificationKinds.WeeklyNeeds))).Delivery);
        var digest = await account.GetDigestAsync();
        Assert.Equal(["m1", "m2"], digest.Select(d => d.Key));
        await account.RollUpDigestAsync(N("digest:m1", NotificationKinds.Digest), ["m1", "m2"]);
        Assert.Empty(await account.GetDigestAsync());
        Assert.NotNull(await account.BeginSendAsync("digest:m1", "job", fixture.Time.GetUtcNow().AddMinutes(1)));

        await account.StopEmailAsync("bounce");
        Assert.Equal(Delivery.Off, (await account.RecordAsync(N("b1", NotificationKinds.BidReceived))).Delivery);
        Assert.Equal(Delivery.Immediate, (await account.RecordAsync(N("code", NotificationKinds.SignInCode))).Delivery);
        Assert.Equal("bounce", (await account.GetPreferencesAsync()).EmailStoppedReason);
    }

    [Fact]
    public async Task A_digest_rolled_up_by_a_run_that_died_is_sent_by_the_next_and_items_recorded_meanwhile_wait_for_the_next_digest()
    {
        var account = Grains.GetGrain<IAccountNotificationsGrain>(Samples.NewId("acc"));
        await account.SetPreferencesAsync(new Dictionary<string, Delivery> { [NotificationKinds.NeedMatch] = Delivery.Digest, [NotificationKinds.FewBids] = Delivery.Digest });
        Notification N(string key, string kind = NotificationKinds.NeedMatch) => new(key, kind, new Dictionary<string, string>(), fixture.Time.GetUtcNow());
        await account.RecordAsync(N("m1"));
        var listed = await account.GetDigestAsync();
        // Recorded between the digest job's read and its roll-up: not the oldest, so it scheduled nothing itself.
        Assert.False((await account.RecordAsync(N("m2"))).ScheduleDigest);
        Assert.True(await account.RollUpDigestAsync(N("digest:m1", NotificationKinds.Digest), [.. listed.Select(i => i.Key)])); // m2 still waits: the job schedules the next digest
        Assert.Equal(["m2"], (await account.GetDigestAsync()).Select(i => i.Key));
        // The run died before handing the digest to a send job: the next run finds it unsent.
        Assert.Equal(["digest:m1"], await account.DigestsToSendAsync());
        Assert.NotNull(await account.BeginSendAsync("digest:m1", "job", fixture.Time.GetUtcNow().AddMinutes(1)));
        Assert.Empty(await account.DigestsToSendAsync()); // being sent
        await account.MarkSentAsync("digest:m1");
        Assert.Empty(await account.DigestsToSendAsync());

        // A second run that read the same items rolls nothing up and makes no second digest.
        await account.RollUpDigestAsync(N("digest:m0", NotificationKinds.Digest), ["m1"]);
        Assert.Empty(await account.DigestsToSendAsync());

        // Turning a kind off drops what of it waits, for the digest and for an immediate e-mail alike; an item of another
        // kind recorded after it is the oldest waiting, and schedules the digest (the one turned off waits for nothing).
        Assert.False(await account.RollUpDigestAsync(N("digest:m2", NotificationKinds.Digest), ["m2"]));
        await account.MarkSentAsync("digest:m2");
        await account.RecordAsync(N("f1", NotificationKinds.FewBids));
        await account.RecordAsync(N("b1", NotificationKinds.BidReceived));
        await account.SetPreferencesAsync(new Dictionary<string, Delivery> { [NotificationKinds.FewBids] = Delivery.Off });
        Assert.True((await account.RecordAsync(N("m3"))).ScheduleDigest);
        await account.UnsubscribeAsync(null);
        Assert.Empty(await account.GetDigestAsync());
        Assert.False(await account.RollUpDigestAsync(null, []));
        Assert.Null(await account.BeginSendAsync("b1", "job", fixture.Time.GetUtcNow().AddMinutes(1)));

        // A hundred items waiting send the digest at once rather than in the morning.
        await account.SetPreferencesAsync(new Dictionary<string, Delivery> { [NotificationKinds.NeedMatch] = Delivery.Digest });
        var recorded = new List<RecordedNotification>();
        for (var i = 0; i < AccountNotificationsGrain.DigestEarlyAt; i++) recorded.Add(await account.RecordAsync(N($"n{i}")));
        Assert.Equal([AccountNotificationsGrain.DigestEarlyAt - 1], recorded.Select((r, i) => (r, i)).Where(x => x.r.DigestFull).Select(x => x.i));
    }

    [Fact]
    public async Task An_account_full_of_waiting_emails_can_still_sign_in()
    {
        var account = Grains.GetGrain<IAccountNotificationsGrain>(Samples.NewId("acc"));
        Notification N(string key, string kind) => new(key, kind, new Dictionary<string, string>(), fixture.Time.GetUtcNow());
        for (var i = 0; i < AccountNotificationsGrain.MaxPending; i++) await account.RecordAsync(N($"b{i}", NotificationKinds.BidReceived));
        await Assert.ThrowsAsync<MarketplaceException>(() => account.RecordAsync(N("one-more", NotificationKinds.BidReceived)));
        for (var i = 0; i < AccountNotificationsGrain.MaxSignInWaiting + 1; i++)
            Assert.Equal(Delivery.Immediate, (await account.RecordAsync(N($"code{i}", NotificationKinds.SignInCode))).Delivery);
        Assert.Null(await account.BeginSendAsync("code0", "job", fixture.Time.GetUtcNow().AddMinutes(1))); // the oldest code e-mail made room
        Assert.NotNull(await account.BeginSendAsync($"code{AccountNotificationsGrain.MaxSignInWaiting}", "job", fixture.Time.GetUtcNow().AddMinutes(1)));
    }

    [Fact]
    public void A_full_account_notifications_state_stays_under_the_bound()
    {
        var arabic = new string('ش', 200);
        var state = new AccountNotificationsState
        {
            Pending = [.. Enumerable.Range(0, AccountNotificationsGrain.MaxPending).Select(i => new PendingNotification(
                new Notification($"need:need-{Guid.NewGuid():N}:match", NotificationKinds.NeedMatch,
                    new Dictionary<string, string> { ["title"] = arabic + i, ["link"] = $"https://jazari.ma/needs/need-{Guid.NewGuid():N}", ["region"] = "Laayoune-Sakia El Hamra" },
                    DateTimeOffset.UtcNow), Delivery.Digest, "123456", DateTimeOffset.UtcNow))],
            DoneKeys = [.. Enumerable.Range(0, AccountNotificationsGrain.RememberedKeys).Select(_ => $"bid:bid-{Guid.NewGuid():N}:received")],
        };
        var size = fixture.Silo.Services.GetRequiredService<Serializer>().SerializeToArray(state).Length;
        Assert.InRange(size, 100 * 1024, 256 * 1024);
    }
}
