using System.Globalization;
using Jazari.Marketplace.Matching;
using Xunit.Abstractions;

namespace Jazari.Marketplace.Matching.Tests;

public class QualityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, StartupProfile> StartupsById = QualitySet.Startups.ToDictionary(s => s.Id);

    private static StartupIndex Index()
    {
        var index = new StartupIndex();
        foreach (var startup in QualitySet.Startups)
        {
            index.Upsert(startup);
        }
        return index;
    }

    [Fact]
    public void The_labelled_set_has_what_the_issue_asks_for()
    {
        Assert.True(QualitySet.Needs.Length >= 15);
        Assert.True(QualitySet.Startups.Length >= 30);
        Assert.Equal(["ar", "en", "fr"], QualitySet.Needs.Select(n => n.Need.Language).Distinct().Order());
        Assert.True(QualitySet.Needs.Count(n => n.Need.Category == "other") >= 3);
        var withInfeasibleTwin = QualitySet.Needs.Count(n =>
            StartupsById.Values.Any(s => s.Id.EndsWith("-twin", StringComparison.Ordinal) && s.Id.Contains(n.Best[4..], StringComparison.Ordinal)
                && !Build.CanTake(s, n.Need)));
        Assert.True(withInfeasibleTwin >= 5, $"{withInfeasibleTwin} needs with an infeasible twin");
    }

    [Fact]
    public void The_best_startup_is_in_the_top_3_for_every_need_in_every_language()
    {
        var index = Index();
        foreach (var labelled in QualitySet.Needs)
        {
            var top3 = index.TopFor(labelled.Need, 3, labelled.Need.Language).Select(m => m.Id).ToList();
            Assert.True(top3.Contains(labelled.Best), $"{labelled.Need.Id}: best {labelled.Best} not in [{string.Join(", ", top3)}]");
        }
    }

    [Fact]
    public void No_startup_that_cannot_take_the_job_is_ever_returned()
    {
        var index = Index();
        foreach (var labelled in QualitySet.Needs)
        {
            Assert.All(index.TopFor(labelled.Need, 50, "en"), m => Assert.True(Build.CanTake(StartupsById[m.Id], labelled.Need), $"{labelled.Need.Id}: {m.Id}"));
        }
    }

    [Fact]
    public void Our_engine_ranks_better_than_bm25_on_the_labelled_set()
    {
        var index = Index();
        var engine = Measure(n => index.TopFor(n, 5, n.Language).Select(m => m.Id).ToList());
        var bm25 = Measure(n => Bm25Baseline.Rank(n, QualitySet.Startups, 5).Select(r => r.Id).ToList());
        output.WriteLine("| ranking | NDCG@5 | best in top 3 | needs with an infeasible startup in top 3 |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(Row("matching engine", engine));
        output.WriteLine(Row("BM25 baseline", bm25));
        foreach (var labelled in QualitySet.Needs)
        {
            var top = index.TopFor(labelled.Need, 3, labelled.Need.Language);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{labelled.Need.Id} ({labelled.Need.Language}, {labelled.Need.Category}): {string.Join("; ", top.Select(m => $"{m.Id} {m.Score:0.000}"))} | {string.Join(" / ", top[0].Reasons.Select(r => r.Detail))}"));
        }
        Assert.True(engine.Ndcg > bm25.Ndcg);
        Assert.Equal(1.0, engine.BestInTop3);
        Assert.Equal(0.0, engine.InfeasibleInTop3);
    }

    private static string Row(string name, (double Ndcg, double BestInTop3, double InfeasibleInTop3) m) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.Ndcg:0.000} | {m.BestInTop3:P0} | {m.InfeasibleInTop3:P0} |");

    private static (double Ndcg, double BestInTop3, double InfeasibleInTop3) Measure(Func<NeedProfile, List<string>> rank)
    {
        double ndcg = 0, best = 0, infeasible = 0;
        foreach (var labelled in QualitySet.Needs)
        {
            var ranked = rank(labelled.Need);
            ndcg += Ndcg(ranked, labelled);
            best += ranked.Take(3).Contains(labelled.Best) ? 1 : 0;
            infeasible += ranked.Take(3).Any(id => !Build.CanTake(StartupsById[id], labelled.Need)) ? 1 : 0;
        }
        var n = QualitySet.Needs.Length;
        return (ndcg / n, best / n, infeasible / n);
    }

    /// <summary>NDCG@5 with gain 3 for the best startup, 1 for another good one, 0 for an infeasible one.</summary>
    private static double Ndcg(List<string> ranked, LabelledNeed labelled)
    {
        double Gain(string id) => !Build.CanTake(StartupsById[id], labelled.Need) ? 0 : id == labelled.Best ? 3 : labelled.Good.Contains(id) ? 1 : 0;
        static double Discounted(IEnumerable<double> gains) => gains.Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
        var ideal = Discounted(new[] { labelled.Best }.Concat(labelled.Good).Select(Gain).OrderDescending().Take(5));
        return Discounted(ranked.Take(5).Select(Gain)) / ideal;
    }
}
