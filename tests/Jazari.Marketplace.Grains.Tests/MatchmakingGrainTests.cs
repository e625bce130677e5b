using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MatchmakingGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static StartupDetails Drones(string name) =>
        new(name, "Dakhla", "Dakhla-Oued Ed-Dahab", ["iot"], ["lorawan", "capteurs"], "Capteurs connectés pour l'irrigation et la pêche.",
            ["fr", "ar"], 2_000_000, 20_000_000, ["Dakhla-Oued Ed-Dahab"], 2);

    private static NeedDetails Irrigation(string category = "iot") =>
        new("Capteurs pour l'irrigation de nos serres", "Nous voulons suivre l'humidité du sol avec des capteurs connectés LoRaWAN.",
            category, ["lorawan"], 3_000_000, 9_000_000, "MAD", new DateOnly(2027, 6, 30), "Dakhla-Oued Ed-Dahab", false, "fr");

    [Fact]
    public async Task The_shards_are_rebuilt_from_storage_when_they_are_activated_again()
    {
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(startupId).ImportAsync(Drones("Sahara Sensors " + startupId[^4..]), null);
        var needId = Samples.NewId("need");
        await Grains.GetGrain<INeedGrain>(needId).ImportAsync(Samples.NewId("sme"), Irrigation());

        var before = await Grains.StartupsForNeedAsync(needId, Irrigation(), 50, "fr");
        Assert.Contains(before, m => m.Id == startupId);

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = await Grains.StartupsForNeedAsync(needId, Irrigation(), 50, "fr");
        Assert.Equal(before.Single(m => m.Id == startupId).Score, after.Single(m => m.Id == startupId).Score);
        var card = await Grains.GetGrain<IStartupGrain>(startupId).GetCardAsync();
        Assert.Contains(await Grains.NeedsForStartupAsync(startupId, card!, 50, "fr"), m => m.Id == needId);
    }

    [Fact]
    public async Task A_need_filed_under_other_still_reaches_the_startups_its_text_names()
    {
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<IStartupGrain>(startupId).ImportAsync(Drones("Oasis IoT " + startupId[^4..]), null);
        var matches = await Grains.StartupsForNeedAsync(Samples.NewId("need"), Irrigation("other"), 50, "fr");
        Assert.Contains(matches, m => m.Id == startupId && m.Reasons.Count > 0);
    }

    [Fact]
    public async Task A_startup_at_full_capacity_is_not_proposed()
    {
        var startupId = Samples.NewId("st");
        var startup = Grains.GetGrain<IStartupGrain>(startupId);
        await startup.ImportAsync(Drones("Busy Sensors " + startupId[^4..]), null);
        await startup.ImportTrackRecordAsync(2, 4.8, 12);
        var matches = await Grains.StartupsForNeedAsync(Samples.NewId("need"), Irrigation(), 50, "fr");
        Assert.DoesNotContain(matches, m => m.Id == startupId);
    }

    [Fact]
    public void Shard_categories_cover_the_declared_one_and_those_the_text_names()
    {
        var shards = MatchCards.Shards(Samples.Need("other") with { Title = "متجر إلكتروني", Description = "نريد متجرا إلكترونيا مع الدفع بالبطاقة." });
        Assert.Contains("ecommerce", shards);
        Assert.DoesNotContain("other", shards);
        Assert.Equal([.. Reference.Categories], MatchCards.Shards(Samples.Need("other") with { Title = "Aide", Description = "Nous cherchons un coup de main." , Skills = [] }));
    }
}
