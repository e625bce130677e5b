using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

public class IndexUpdateTests
{
    private static readonly NeedProfile CrmNeed = Need("n", "CRM pour suivre nos clients", "Programme de fidélité", "crm", region: Fes);

    [Fact]
    public void An_updated_profile_is_matched_on_its_new_skills_only()
    {
        var index = new StartupIndex();
        index.Upsert(Startup("s", ["crm"], ["HubSpot"], "CRM et fidélisation client."));
        Assert.Single(index.TopFor(CrmNeed, 5, "fr"));

        index.Upsert(Startup("s", ["iot"], ["capteurs"], "Capteurs pour l'agriculture."));
        Assert.Equal(1, index.Count);
        Assert.Empty(index.TopFor(CrmNeed, 5, "fr"));
    }

    [Fact]
    public void A_startup_that_fills_its_capacity_disappears_and_comes_back_when_a_project_ends()
    {
        var index = new StartupIndex();
        var startup = Startup("s", ["crm"], ["HubSpot"], "CRM et fidélisation client.", capacity: 1);
        index.Upsert(startup with { ActiveProjects = 1 });
        Assert.Empty(index.TopFor(CrmNeed, 5, "fr"));
        index.Upsert(startup);
        Assert.Single(index.TopFor(CrmNeed, 5, "fr"));
    }

    [Fact]
    public void A_removed_startup_or_need_is_no_longer_proposed()
    {
        var startups = new StartupIndex();
        startups.Upsert(Startup("a", ["crm"], ["HubSpot"], "CRM."));
        startups.Upsert(Startup("b", ["crm"], ["Salesforce"], "CRM."));
        Assert.True(startups.Remove("a"));
        Assert.False(startups.Remove("a"));
        Assert.Equal(["b"], startups.TopFor(CrmNeed, 5, "fr").Select(m => m.Id));

        var needs = new NeedIndex();
        needs.Upsert(CrmNeed);
        Assert.True(needs.Remove(CrmNeed.Id));
        Assert.Equal(0, needs.Count);
        Assert.Empty(needs.TopFor(Startup("b", ["crm"], ["Salesforce"], "CRM."), 5, "fr"));
    }

    [Fact]
    public void Equal_startups_come_in_id_order_and_asking_for_more_than_exist_returns_them_all()
    {
        var index = new StartupIndex();
        foreach (var id in new[] { "c", "a", "b" })
        {
            index.Upsert(Startup(id, ["crm"], ["HubSpot"], "CRM et fidélisation client."));
        }
        Assert.Equal(["a", "b", "c"], index.TopFor(CrmNeed, 1000, "fr").Select(m => m.Id));
        Assert.Empty(index.TopFor(CrmNeed, 0, "fr"));
    }

    [Fact]
    public void After_many_updates_and_removals_the_index_ranks_exactly_like_a_full_scan()
    {
        var random = new Random(7);
        var catalogue = new RandomCatalogue(random);
        var index = new StartupIndex();
        var live = new Dictionary<string, StartupProfile>();
        for (var i = 0; i < 3000; i++)
        {
            var s = catalogue.Startup($"s{random.Next(1200)}");
            if (random.Next(5) == 0 && live.Remove(s.Id))
            {
                index.Remove(s.Id);
                continue;
            }
            index.Upsert(s);
            live[s.Id] = s;
        }
        Assert.Equal(live.Count, index.Count);
        for (var q = 0; q < 40; q++)
        {
            var need = catalogue.Need($"n{q}");
            var fast = index.TopFor(need, 10, "en");
            var slow = index.ScanTopFor(need, 10, "en");
            Assert.Equal(slow.Select(m => m.Score), fast.Select(m => m.Score), (a, b) => Math.Abs(a - b) < 1e-9);
            Assert.All(fast, m => Assert.True(CanTake(live[m.Id], need)));
        }
    }
}
