using Jazari.Marketplace.Matching;
using static Jazari.Marketplace.Matching.Tests.Build;

namespace Jazari.Marketplace.Matching.Tests;

public class ConstraintTests
{
    private static readonly NeedProfile ShopInSouss = Need("n1", "Boutique en ligne WooCommerce",
        "Site marchand pour vendre notre huile d'argan", "ecommerce", ["woocommerce"], 20_000, 40_000, Souss);

    private static StartupProfile Shop(string id, string[]? served = null, long priceMin = 15_000, int capacity = 2, int active = 0) =>
        Startup(id, ["ecommerce"], ["WooCommerce", "boutique en ligne"], "Nous créons des boutiques en ligne WooCommerce.",
            served: served, priceMin: priceMin, capacity: capacity, active: active);

    private static IReadOnlyList<string> Matches(params StartupProfile[] startups)
    {
        var index = new StartupIndex();
        foreach (var s in startups)
        {
            index.Upsert(s);
        }
        return index.TopFor(ShopInSouss, 10, "fr").Select(m => m.Id).ToList();
    }

    [Fact]
    public void A_startup_serving_neither_the_need_region_nor_the_whole_country_is_never_proposed() =>
        Assert.Equal(["national", "souss"], Matches(Shop("national"), Shop("souss", [Souss]), Shop("north", [Tanger, Oriental])).Order());

    [Fact]
    public void A_startup_whose_minimum_price_is_above_the_maximum_budget_is_never_proposed() =>
        Assert.Equal(["fits"], Matches(Shop("fits", priceMin: 40_000), Shop("too-dear", priceMin: 40_001)));

    [Fact]
    public void A_startup_with_no_free_capacity_is_never_proposed() =>
        Assert.Equal(["free"], Matches(Shop("free", capacity: 2, active: 1), Shop("full", capacity: 2, active: 2)));

    [Fact]
    public void A_startup_with_nothing_in_common_with_the_need_is_not_proposed() =>
        Assert.Equal(["shop"], Matches(Shop("shop"),
            Startup("pentest", ["cybersecurity"], ["pentest"], "Tests d'intrusion et audits de sécurité.")));
}
