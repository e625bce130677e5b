using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>
/// No ceiling on one category: the open needs and the matchable startups of a category go past the
/// old bounds of one grain (2,000 open needs, 3,000 startups) and the ones at the boundaries are still
/// browsable and recommended. The crowd is put in place in parallel; the needs and startups at the
/// boundaries go through their own grains, as a publish and a profile import do.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class NationalScaleTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task The_2001st_5000th_and_10000th_open_need_of_a_category_are_published_and_browsable()
    {
        const string category = "erp";
        var catalogue = Grains.GetGrain<IOpenNeedsGrain>(category);
        var before = (await catalogue.ListAsync(null, 0, 0)).Total;
        var published = new List<string>();
        var older = fixture.Time.GetUtcNow().AddDays(-1);
        foreach (var boundary in new[] { 2001, 5000, 10000 })
        {
            var listed = (await catalogue.ListAsync(null, 0, 0)).Total - before;
            await InParallelAsync(Enumerable.Range(listed, boundary - 1 - listed), i =>
                catalogue.AddAsync(new OpenNeed($"need-crowd-{i:D5}", "Oriental", older.AddSeconds(-i))));
            fixture.Time.Advance(TimeSpan.FromSeconds(1)); // each boundary need is the newest
            var (need, _) = await Samples.OpenNeedAsync(Grains, category, "Souss-Massa");
            published.Add(need.GetPrimaryKeyString());
            await fixture.Events.FollowedUpAsync(); // the publish's event lists the need

            var firstPage = await catalogue.ListAsync(null, 0, 20);
            Assert.Equal(before + boundary, firstPage.Total);
            Assert.Equal(need.GetPrimaryKeyString(), firstPage.Needs[0].NeedId);
            var souss = await catalogue.ListAsync("Souss-Massa", 0, 20);
            Assert.Contains(souss.Needs, n => n.NeedId == need.GetPrimaryKeyString());
        }

        // Page 50 and the last page hold the older needs, in order; the view comes back from the rows after a restart.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var all = await catalogue.ListAsync(null, 0, int.MaxValue);
        Assert.Equal(before + 10_000, all.Total);
        Assert.Equal(all.Needs.OrderByDescending(n => n.PublishedAt).ThenBy(n => n.NeedId, StringComparer.Ordinal).Select(n => n.NeedId), all.Needs.Select(n => n.NeedId));
        Assert.Equal([.. published.AsEnumerable().Reverse()], all.Needs.Take(3).Select(n => n.NeedId));
        var page50 = await catalogue.ListAsync(null, 49 * 20, 20);
        Assert.Equal(all.Needs.Skip(980).Take(20), page50.Needs);
        Assert.Equal(9_997, all.Needs.Count(n => n.NeedId.StartsWith("need-crowd-")));

        // A closed need leaves the list, and stays out after a restart.
        var cancelled = published[0];
        await Grains.GetGrain<INeedGrain>(cancelled).CancelAsync(Samples.Admin);
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.DoesNotContain((await catalogue.ListAsync(null, 0, int.MaxValue)).Needs, n => n.NeedId == cancelled);
    }

    /// <summary>
    /// The 3,001st startup of a category splits its shard and is matched when it fits best. (The 10,000th, two levels
    /// of splits down, is the scale benchmark's: importing 10,000 startup grains took two and a half minutes of the
    /// suite's CPU, more than the rest of the grain tests together.)
    /// </summary>
    [Fact]
    public async Task The_3001st_startup_of_a_category_splits_its_shard_and_is_matched_when_it_fits_best()
    {
        const string category = "cybersecurity";
        var crowd = Samples.NewId("st");
        await InParallelAsync(Enumerable.Range(1, 3000), i =>
            Grains.GetGrain<IStartupGrain>($"{crowd}-{i:D5}").ImportAsync(Generalist($"Cyber Généraliste {i}"), null));
        var best = $"{crowd}-best";
        await Grains.GetGrain<IStartupGrain>(best).CreateAsync("acc-atlas-3001", Pentesters("Atlas Pentest 3001"));

        var members = await Grains.GetGrain<IStartupMatchmakingGrain>(category).MembersAsync();
        Assert.Equal(3001, members.Count(m => m.StartsWith(crowd))); // nobody left out
        var top = await Grains.StartupsForNeedAsync(Samples.NewId("need"), Audit(), 10, "fr");
        Assert.Equal(best, top[0].Id);

        // An erased startup leaves its half. (A restart rebuilds each half from its rows and its members' grains:
        // MatchmakingGrainTests checks it on a small shard.)
        await Grains.GetGrain<IStartupGrain>(best).EraseAsync("acc-atlas-3001", "Startup effacée");
        var after = await Grains.StartupsForNeedAsync(Samples.NewId("need"), Audit(), 10, "fr");
        Assert.DoesNotContain(after, m => m.Id == best);
    }

    private static StartupDetails Generalist(string name) =>
        new(name, "Oujda", "Oriental", ["cybersecurity"], ["antivirus"], "Installation d'antivirus pour les postes de travail.",
            ["ar"], 90_000_000, 120_000_000, ["Oriental"], 1);

    private static StartupDetails Pentesters(string name) =>
        new(name, "Agadir", "Souss-Massa", ["cybersecurity"], ["pentest", "audit de sécurité"],
            "Tests d'intrusion et audit de sécurité des applications web et des réseaux des PME.",
            ["fr", "ar"], 2_000_000, 6_000_000, ["*"], 5);

    private static NeedDetails Audit() =>
        new("Audit de sécurité de notre site", "Nous voulons un test d'intrusion et un audit de sécurité de notre application web.",
            "cybersecurity", ["pentest"], 3_000_000, 5_000_000, "MAD", new DateOnly(2027, 6, 30), "Souss-Massa", true, "fr");

    private static async Task InParallelAsync(IEnumerable<int> items, Func<int, Task> action)
    {
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => await action(i));
    }
}
