using Jazari.Marketplace.Grains.Maturity;
using Jazari.Marketplace.Web.Application;

namespace Jazari.Marketplace.Web.Tests.Maturity;

/// <summary>The public impact figures' cells: no subtraction of cells, in one answer or across filtered ones, gives the
/// figures of fewer than five SMEs.</summary>
public sealed class ImpactCellsTests
{
    private static string[] Shown(params (string, int)[] sizes) => [.. MaturityCommands.Shown(sizes, 5).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_breakdown_never_leaves_one_to_four_smes_to_be_found_by_subtracting_the_cells_shown_from_the_whole()
    {
        // Retail 6, textile 5, and one SME alone in leather: the whole minus retail and textile would be that SME's
        // figures, so textile (the smallest shown) is left out with it.
        Assert.Equal(["retail"], Shown(("retail", 6), ("textile", 5), ("leather", 1)));
        // Nothing left out, or five and more left out together: every group of five shows.
        Assert.Equal(["retail", "textile"], Shown(("retail", 6), ("textile", 5)));
        Assert.Equal(["retail"], Shown(("retail", 6), ("leather", 3), ("wood", 2)));
        // One group only, too small with its neighbour: nothing shows.
        Assert.Empty(Shown(("retail", 5), ("leather", 2)));
    }

    [Fact]
    public void A_cell_hidden_in_one_answer_is_hidden_in_every_filtered_answer_too()
    {
        // Leather: one SME in the Oriental, six in Fes-Meknes, seven in Souss-Massa. Asked for leather alone, the regions
        // show Souss-Massa only (Fes-Meknes is left out with the Oriental's one SME); asked for leather in Fes-Meknes, the
        // cell must stay hidden, or leather's whole minus the two regions would be the Oriental's SME.
        var lines = new List<MaturityLine>();
        void Add(string region, string sector, int smes)
        {
            for (var i = 0; i < smes; i++)
                lines.Add(new MaturityLine($"sme-{region}-{sector}-{i}", new PeerGroup(region, sector, "10-49"), [], null, []));
        }
        Add("Oriental", "cuir", 1);
        Add("Fes-Meknes", "cuir", 6);
        Add("Souss-Massa", "cuir", 7);
        Add("Fes-Meknes", "textile", 9);
        var visible = new MaturityCommands.Visibility(lines, 5);
        Assert.True(visible.Of(null, "cuir"));
        Assert.False(visible.Of("Fes-Meknes", "cuir"));
        Assert.False(visible.Of("Oriental", "cuir"));
        // The regions whole: the Oriental's one SME holds back Souss-Massa (the smallest shown) too; Souss-Massa's only
        // sector is leather, so its leather cell stays hidden as well, or it would give Souss-Massa whole.
        Assert.False(visible.Of("Oriental", null));
        Assert.False(visible.Of("Souss-Massa", null));
        Assert.False(visible.Of("Souss-Massa", "cuir"));
        Assert.True(visible.Of("Fes-Meknes", null));
        Assert.True(visible.Of("Fes-Meknes", "textile"));
    }

    [Fact]
    public void A_programmes_smes_show_whole_only_when_no_subtraction_from_another_whole_leaves_one_to_four()
    {
        static void Add(List<MaturityLine> lines, int smes, params string[] programmes) => In(lines, "Souss-Massa", smes, programmes);
        static void In(List<MaturityLine> lines, string region, int smes, params string[] programmes) => Of(lines, region, "agro", smes, programmes);
        static bool Shown(List<MaturityLine> lines, string programmeId) =>
            new MaturityCommands.ProgrammeVisibility(lines, new MaturityCommands.Visibility(lines, 5), 5).Of(programmeId);
        var lines = new List<MaturityLine>();
        Add(lines, 6, "pme", "export");
        Add(lines, 2, "export"); // export minus pme: these two
        Add(lines, 7, "digital");
        Add(lines, 5);
        var programmes = new MaturityCommands.ProgrammeVisibility(lines, new MaturityCommands.Visibility(lines, 5), 5);
        // Export minus pme would give two SMEs: the smaller of the two splitting them (export) is held back; pme and
        // digital leave groups of 6, 7 and 7.
        Assert.True(programmes.Of("pme"));
        Assert.False(programmes.Of("export"));
        Assert.True(programmes.Of("digital"));
        Assert.False(programmes.Of("unknown"));
        // Every SME but two in one programme: all minus the programme gives those two.
        var few = new List<MaturityLine>();
        Add(few, 7, "digital");
        Add(few, 2);
        Assert.False(Shown(few, "digital"));
        // A regional programme with ten of its region's twelve SMEs: the region's cell minus the programme's gives two.
        var regional = new List<MaturityLine>();
        In(regional, "Oriental", 10, "oriental-pme");
        In(regional, "Oriental", 2);
        In(regional, "Fes-Meknes", 20);
        Assert.False(Shown(regional, "oriental-pme"));
        // Its ten with two SMEs of a region too small to show (Souss-Massa held back with it): the programme minus the
        // Oriental's cell gives those two.
        var spread = new List<MaturityLine>();
        In(spread, "Oriental", 10, "oriental-pme");
        In(spread, "Draa-Tafilalet", 2, "oriental-pme");
        In(spread, "Souss-Massa", 6);
        In(spread, "Fes-Meknes", 20);
        Assert.False(Shown(spread, "oriental-pme"));
        In(spread, "Draa-Tafilalet", 3, "oriental-pme"); // five there: shown, and the programme with it
        Assert.True(Shown(spread, "oriental-pme"));
        // Two programmes of five each in a region of twelve: the region minus both would give the other two; one is held back.
        var two = new List<MaturityLine>();
        In(two, "Oriental", 5, "a-pme");
        In(two, "Oriental", 5, "b-pme");
        In(two, "Oriental", 2);
        In(two, "Fes-Meknes", 20);
        Assert.False(Shown(two, "a-pme"));
        Assert.True(Shown(two, "b-pme"));
        // A programme with twenty of a region's twenty-four SMEs, the four others in a sector whose cell there is hidden:
        // the region minus the programme would give those four.
        var hidden = new List<MaturityLine>();
        Of(hidden, "Tanger-Tetouan-Al Hoceima", "agro", 3);
        Of(hidden, "Oriental", "textile", 4);
        Of(hidden, "Fes-Meknes", "agro", 20, "pme");
        Of(hidden, "Fes-Meknes", "textile", 4);
        Of(hidden, "Souss-Massa", "agro", 3);
        Of(hidden, "Souss-Massa", "textile", 8);
        Assert.False(Shown(hidden, "pme"));
    }

    [Fact]
    public void No_sum_or_difference_of_the_cells_and_programmes_shown_gives_one_to_four_smes()
    {
        // The last stop's table alone: Souss-Massa x agro shown, Souss-Massa x textile hidden, so Souss-Massa minus its
        // agro cell was its textile cell, and textile minus that the Oriental's four.
        var table = new List<MaturityLine>();
        Of(table, "Oriental", "agro", 20);
        Of(table, "Oriental", "textile", 4);
        Of(table, "Souss-Massa", "agro", 6);
        Of(table, "Souss-Massa", "textile", 8);
        AssertNothingSmallReachable(table);
        // A programme with twenty of a region's twenty-four SMEs, and two programmes of five in a region of twelve.
        var programmes = new List<MaturityLine>();
        Of(programmes, "Tanger-Tetouan-Al Hoceima", "agro", 3);
        Of(programmes, "Oriental", "textile", 4);
        Of(programmes, "Fes-Meknes", "agro", 20, "pme");
        Of(programmes, "Fes-Meknes", "textile", 4);
        Of(programmes, "Souss-Massa", "agro", 3);
        Of(programmes, "Souss-Massa", "textile", 8);
        Of(programmes, "Draa-Tafilalet", "agro", 5, "a-pme");
        Of(programmes, "Draa-Tafilalet", "agro", 5, "b-pme");
        Of(programmes, "Draa-Tafilalet", "agro", 2);
        var audited = AssertNothingSmallReachable(programmes);
        Assert.True(audited.Of(null, null)); // the whole still shows
    }

    [Fact]
    public void Two_or_three_small_groups_given_together_by_a_difference_hold_back_the_smaller_set()
    {
        // Groups a and b of two SMEs, and a large group G: the whole {a, b, G} minus X = {G} gives a and b, four SMEs.
        Assert.Equal([1], Disclosure.HeldBack([[0, 1, 2], [2]], [2, 2, 10], 5, new HashSet<int> { 0 }));
        // Three groups of one SME the same way.
        Assert.Equal([1], Disclosure.HeldBack([[0, 1, 2, 3], [3]], [1, 1, 1, 10], 5, new HashSet<int> { 0 }));
        // Nothing small given: nothing held back.
        Assert.Empty(Disclosure.HeldBack([[0, 1], [1]], [6, 10], 5, new HashSet<int> { 0 }));
    }

    private static void Of(List<MaturityLine> lines, string region, string sector, int smes, params string[] programmes)
    {
        for (var i = 0; i < smes; i++)
            lines.Add(new MaturityLine($"sme-{lines.Count}", new PeerGroup(region, sector, "10-49"), [], null,
                [.. programmes.Select(p => new ImpactSums(p, 1, 1_000_000, 300_000))]));
    }

    /// <summary>Every combination of the sets shown with coefficients -1, 0 or 1 (brute force, apart from the audit):
    /// none is a set of 1 to 4 SMEs.</summary>
    private static MaturityCommands.Audited AssertNothingSmallReachable(List<MaturityLine> lines)
    {
        var audited = new MaturityCommands.Audited(lines, 5);
        var regions = lines.Select(l => l.Group.Region).Distinct().ToList();
        var sectors = lines.Select(l => l.Group.Sector).Distinct().ToList();
        var sets = new List<bool[]>();
        void Add(Func<MaturityLine, bool> member) => sets.Add([.. lines.Select(member)]);
        if (audited.Of(null, null)) Add(_ => true);
        foreach (var r in regions.Where(r => audited.Of(r, null))) Add(l => l.Group.Region == r);
        foreach (var x in sectors.Where(x => audited.Of(null, x))) Add(l => l.Group.Sector == x);
        foreach (var (r, x) in regions.SelectMany(r => sectors.Select(x => (r, x))).Where(c => audited.Of(c.r, c.x))) Add(l => l.Group.Region == r && l.Group.Sector == x);
        foreach (var p in audited.Programmes) Add(l => l.Completed.Any(c => c.ProgrammeId == p));
        Assert.InRange(sets.Count, 1, 13);
        var coefficients = new int[sets.Count];
        for (var combination = 0; combination < (int)Math.Pow(3, sets.Count); combination++)
        {
            for (int i = 0, rest = combination; i < sets.Count; i++, rest /= 3) coefficients[i] = rest % 3 - 1;
            var sums = lines.Select((_, sme) => sets.Select((set, i) => set[sme] ? coefficients[i] : 0).Sum()).ToList();
            if (sums.All(v => v is 0 or 1)) Assert.False(sums.Count(v => v == 1) is > 0 and < 5, $"combination {string.Join(',', coefficients)} gives {sums.Count(v => v == 1)} SMEs");
        }
        return audited;
    }
}
