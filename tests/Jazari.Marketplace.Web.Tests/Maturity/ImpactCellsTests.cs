using Jazari.Marketplace.Web.Application;

namespace Jazari.Marketplace.Web.Tests.Maturity;

/// <summary>The public impact figures' cells: none lets one SME's figures be worked out.</summary>
public sealed class ImpactCellsTests
{
    [Fact]
    public void A_breakdown_never_leaves_one_to_four_smes_to_be_found_by_subtracting_the_cells_shown_from_the_whole()
    {
        static IEnumerable<IGrouping<string, int>> Sectors(params (string Sector, int Smes)[] sizes) =>
            sizes.SelectMany(s => Enumerable.Range(0, s.Smes).Select(i => (s.Sector, i))).GroupBy(x => x.Sector, x => x.i);
        static string[] Shown(params (string, int)[] sizes) => [.. MaturityCommands.Shown(Sectors(sizes), 5).Select(g => g.Key)];

        // Retail 6, textile 5, and one SME alone in leather: the whole minus retail and textile would be that SME's
        // figures, so textile (the smallest shown) is left out with it.
        Assert.Equal(["retail"], Shown(("retail", 6), ("textile", 5), ("leather", 1)));
        // Nothing left out, or five and more left out together: every group of five shows.
        Assert.Equal(["retail", "textile"], Shown(("retail", 6), ("textile", 5)));
        Assert.Equal(["retail"], Shown(("retail", 6), ("leather", 3), ("wood", 2)));
        // One group only, too small with its neighbour: nothing shows.
        Assert.Empty(Shown(("retail", 5), ("leather", 2)));
    }
}
