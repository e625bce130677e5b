using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

public class ReverseDirectionTests
{
    private static readonly StartupProfile SecurityStartup = Startup("atlas-sec", ["cybersecurity"], ["pentest", "ISO 27001"],
        "Audits de sécurité et tests d'intrusion pour PME.", region: Rabat, served: [Rabat, Casablanca], priceMin: 30_000);

    private static NeedIndex Needs()
    {
        var needs = new NeedIndex();
        needs.Upsert(Need("audit-rabat", "Audit de sécurité", "Test d'intrusion de notre site et du réseau", "cybersecurity", budgetMax: 80_000, region: Rabat));
        needs.Upsert(Need("audit-agadir", "Audit de sécurité", "Test d'intrusion de notre réseau", "cybersecurity", budgetMax: 80_000, region: Souss));
        needs.Upsert(Need("audit-cheap", "اختبار الاختراق", "تدقيق أمني لموقعنا", "cybersecurity", budgetMax: 20_000, region: Casablanca, language: "ar"));
        needs.Upsert(Need("audit-arabic", "اختبار الاختراق", "تدقيق أمني للشبكة", "other", budgetMax: 90_000, region: Casablanca, language: "ar"));
        needs.Upsert(Need("shop", "Boutique en ligne", "Vendre nos produits", "ecommerce", region: Rabat));
        return needs;
    }

    [Fact]
    public void A_startup_sees_the_open_needs_it_can_take_in_any_language_and_only_those()
    {
        var matches = Needs().TopFor(SecurityStartup, 10, "fr");
        Assert.Equal(["audit-arabic", "audit-rabat"], matches.Select(m => m.Id).Order());
        Assert.All(matches, m => Assert.Contains(m.Reasons, r => r.Factor == "skills"));
    }

    [Fact]
    public void A_startup_with_no_free_capacity_sees_no_need() =>
        Assert.Empty(Needs().TopFor(SecurityStartup with { ActiveProjects = 3 }, 10, "fr"));

    [Fact]
    public void A_pair_gets_a_close_score_from_both_sides()
    {
        var need = Need("audit-rabat", "Audit de sécurité", "Test d'intrusion de notre site et du réseau", "cybersecurity", budgetMax: 80_000, region: Rabat);
        var startups = new StartupIndex();
        foreach (var startup in QualitySet.Startups.Append(SecurityStartup))
        {
            startups.Upsert(startup);
        }
        var forward = startups.TopFor(need, 50, "en").Single(m => m.Id == SecurityStartup.Id);
        var backward = Needs().TopFor(SecurityStartup, 10, "en").Single(m => m.Id == need.Id);
        Assert.Equal(forward.Score, backward.Score, 0.1);
        Assert.Equal(need.Title, backward.Name);
    }
}
