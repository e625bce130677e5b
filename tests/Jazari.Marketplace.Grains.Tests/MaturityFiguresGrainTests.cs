using Jazari.Marketplace.Grains.Maturity;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MaturityFiguresGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_full_shard_of_a_regions_figures_leaves_a_new_sme_out_and_its_assessment_is_not_refused()
    {
        // A region's 6,401st SME (400 a shard): its assessment was stored but answered 409, and sent again, stored twice.
        var shard = fixture.Grains.GetGrain<IMaturityFiguresGrain>($"{Samples.NewId("region")}/0");
        static MaturityLine Line(string smeId, int tenths) =>
            new(smeId, new PeerGroup("Casablanca-Settat", "retail", "10-49"), [new DimensionScore(MaturityLine.Overall, tenths)], null, []);
        for (var i = 0; i < 400; i++) await shard.PutAsync(Line($"sme-{i}", 20));
        await shard.PutAsync(Line("sme-late", 30)); // not counted, not refused
        await shard.PutAsync(Line("sme-7", 35)); // one counted already is still updated
        var lines = await shard.ListAsync();
        Assert.Equal(400, lines.Count);
        Assert.DoesNotContain(lines, l => l.SmeId == "sme-late");
        Assert.Equal(35, lines.Single(l => l.SmeId == "sme-7").Before.Single().Tenths);
    }
}
