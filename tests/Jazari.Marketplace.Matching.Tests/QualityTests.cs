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
        var (engine, bm25) = Report(QualitySet.Startups, QualitySet.Needs);
        Assert.True(engine.Ndcg > bm25.Ndcg);
        Assert.True(engine.Ndcg >= 0.95, $"NDCG@5 {engine.Ndcg:0.000}");
        Assert.Equal(1.0, engine.BestInTop3);
        Assert.Equal(0.0, engine.InfeasibleInTop3);
    }

    [Fact]
    public void Needs_written_in_darija_arabizi_and_everyday_words_find_their_startups()
    {
        var (engine, bm25) = Report(DarijaSet.Startups, DarijaSet.Needs);
        Assert.True(engine.Ndcg > bm25.Ndcg);
        Assert.True(engine.Ndcg >= 0.90, $"NDCG@5 {engine.Ndcg:0.000}");
        Assert.Equal(1.0, engine.BestInTop3);
        Assert.Equal(0.0, engine.InfeasibleInTop3);
    }

    [Fact]
    public void The_darija_set_has_at_least_30_needs_10_in_arabic_script_10_in_arabizi_20_filed_as_other_each_with_a_feasible_best_match()
    {
        Assert.True(DarijaSet.Needs.Length >= 30);
        bool Arabic(LabelledNeed n) => n.Need.Description.Any(TextNormalizer.IsArabic);
        bool Arabizi(LabelledNeed n) => Tokenizer.Words(TextNormalizer.Normalize(n.Need.Description)).Any(Darija.IsArabizi);
        Assert.True(DarijaSet.Needs.Count(Arabic) >= 10);
        Assert.True(DarijaSet.Needs.Count(Arabizi) >= 10);
        Assert.True(DarijaSet.Needs.Count(n => n.Need.Category == "other") >= 20);
        var byId = DarijaSet.Startups.ToDictionary(s => s.Id);
        Assert.All(DarijaSet.Needs.SelectMany(n => n.Good.Prepend(n.Best)), id => Assert.True(byId.ContainsKey(id), id));
        Assert.All(DarijaSet.Needs, n => Assert.True(Build.CanTake(byId[n.Best], n.Need), n.Need.Id));
    }

    [Fact]
    public void Every_feasible_startup_sharing_a_concept_with_a_darija_need_is_a_candidate()
    {
        var index = Index(DarijaSet.Startups);
        foreach (var labelled in DarijaSet.Needs)
        {
            var need = ConceptsOf(labelled.Need.Title + " . " + labelled.Need.Description);
            var returned = index.TopFor(labelled.Need, DarijaSet.Startups.Length, "fr").Select(m => m.Id).ToHashSet();
            foreach (var startup in DarijaSet.Startups.Where(s => Build.CanTake(s, labelled.Need)))
            {
                var offered = ConceptsOf(string.Join(" , ", startup.Skills) + " . " + startup.Description);
                if (need.Overlaps(offered))
                {
                    Assert.True(returned.Contains(startup.Id), $"{labelled.Need.Id}: {startup.Id} shares {string.Join(", ", need.Intersect(offered))}");
                }
            }
        }
    }

    private static HashSet<string> ConceptsOf(string text) =>
        TextAnalyzer.Analyze(text, Lexicon.Default).Concepts.Select(c => c.Key).ToHashSet();

    private static StartupIndex Index(IEnumerable<StartupProfile> startups)
    {
        var index = new StartupIndex();
        foreach (var startup in startups)
        {
            index.Upsert(startup);
        }
        return index;
    }

    private ((double Ndcg, double BestInTop3, double InfeasibleInTop3) Engine, (double Ndcg, double BestInTop3, double InfeasibleInTop3) Bm25) Report(
        StartupProfile[] startups, LabelledNeed[] needs)
    {
        var index = Index(startups);
        var byId = startups.ToDictionary(s => s.Id);
        var engine = Measure(byId, needs, n => index.TopFor(n, 5, n.Language).Select(m => m.Id).ToList());
        var bm25 = Measure(byId, needs, n => Bm25Baseline.Rank(n, startups, 5).Select(r => r.Id).ToList());
        output.WriteLine("| ranking | NDCG@5 | best in top 3 | needs with an infeasible startup in top 3 |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(Row("matching engine", engine));
        output.WriteLine(Row("BM25 baseline", bm25));
        foreach (var labelled in needs)
        {
            var top = index.TopFor(labelled.Need, 3, labelled.Need.Language);
            var mark = top.Take(3).Any(m => m.Id == labelled.Best) ? "" : " <-- best missing";
            mark += string.Create(CultureInfo.InvariantCulture, $" ndcg {Ndcg(byId, index.TopFor(labelled.Need, 5, "en").Select(m => m.Id).ToList(), labelled):0.00}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{labelled.Need.Id} ({labelled.Need.Language}, {labelled.Need.Category}): {string.Join("; ", top.Select(m => $"{m.Id} {m.Score:0.000}"))}{mark} | {(top.Count > 0 ? string.Join(" / ", top[0].Reasons.Select(r => r.Detail)) : "")}"));
        }
        return (engine, bm25);
    }

    private static string Row(string name, (double Ndcg, double BestInTop3, double InfeasibleInTop3) m) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.Ndcg:0.000} | {m.BestInTop3:P0} | {m.InfeasibleInTop3:P0} |");

    internal static (double Ndcg, double BestInTop3, double InfeasibleInTop3) Measure(
        Dictionary<string, StartupProfile> startups, LabelledNeed[] needs, Func<NeedProfile, List<string>> rank)
    {
        double ndcg = 0, best = 0, infeasible = 0;
        foreach (var labelled in needs)
        {
            var ranked = rank(labelled.Need);
            ndcg += Ndcg(startups, ranked, labelled);
            best += ranked.Take(3).Contains(labelled.Best) ? 1 : 0;
            infeasible += ranked.Take(3).Any(id => !Build.CanTake(startups[id], labelled.Need)) ? 1 : 0;
        }
        var n = needs.Length;
        return (ndcg / n, best / n, infeasible / n);
    }

    /// <summary>NDCG@5 with gain 3 for the best startup, 1 for another good one, 0 for an infeasible one.</summary>
    private static double Ndcg(Dictionary<string, StartupProfile> startups, List<string> ranked, LabelledNeed labelled)
    {
        double Gain(string id) => !Build.CanTake(startups[id], labelled.Need) ? 0 : id == labelled.Best ? 3 : labelled.Good.Contains(id) ? 1 : 0;
        static double Discounted(IEnumerable<double> gains) => gains.Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
        var ideal = Discounted(new[] { labelled.Best }.Concat(labelled.Good).Select(Gain).OrderDescending().Take(5));
        return Discounted(ranked.Take(5).Select(Gain)) / ideal;
    }
}
