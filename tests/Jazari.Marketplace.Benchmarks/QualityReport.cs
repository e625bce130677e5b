using System.Globalization;
using Jazari.Marketplace.Matching;
using Jazari.Marketplace.Matching.Tests;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// Quality on the labelled sets of the tests (linked here): the engine, its own BM25 baseline and
/// Lucene.NET BM25 with its Arabic, French and English analyzers, same needs, same catalogue.
/// </summary>
public static class QualityReport
{
    public static void Run()
    {
        Console.WriteLine("| set | ranking | NDCG@5 | best in top 3 | needs with an infeasible startup in top 3 |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        Report("MSA/fr/en (18 needs)", QualitySet.Startups, QualitySet.Needs);
        Report("Darija (35 needs)", DarijaSet.Startups, DarijaSet.Needs);
    }

    private static void Report(string set, StartupProfile[] startups, LabelledNeed[] needs)
    {
        var index = new StartupIndex();
        foreach (var startup in startups)
        {
            index.Upsert(startup);
        }
        using var lucene = new LuceneCatalogue(startups);
        var byId = startups.ToDictionary(s => s.Id);
        Row(set, "matching engine", Measure(byId, needs, n => index.TopFor(n, 5, n.Language).Select(m => m.Id).ToList()));
        Row(set, "BM25 baseline (ours)", Measure(byId, needs, n => Bm25Baseline.Rank(n, startups, 5).Select(r => r.Id).ToList()));
        Row(set, "Lucene.NET BM25 (ar+fr+en analyzers)", Measure(byId, needs, n => lucene.Top(n, 5)));
    }

    private static void Row(string set, string name, (double Ndcg, double Best, double Infeasible) m) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {set} | {name} | {m.Ndcg:0.000} | {m.Best:P0} | {m.Infeasible:P0} |"));

    private static (double Ndcg, double Best, double Infeasible) Measure(
        Dictionary<string, StartupProfile> startups, LabelledNeed[] needs, Func<NeedProfile, List<string>> rank)
    {
        double ndcg = 0, best = 0, infeasible = 0;
        foreach (var labelled in needs)
        {
            var ranked = rank(labelled.Need);
            double Gain(string id) => !Build.CanTake(startups[id], labelled.Need) ? 0 : id == labelled.Best ? 3 : labelled.Good.Contains(id) ? 1 : 0;
            static double Discounted(IEnumerable<double> gains) => gains.Select((g, i) => (Math.Pow(2, g) - 1) / Math.Log2(i + 2)).Sum();
            var ideal = Discounted(new[] { labelled.Best }.Concat(labelled.Good).Select(Gain).OrderDescending().Take(5));
            ndcg += Discounted(ranked.Take(5).Select(Gain)) / ideal;
            best += ranked.Take(3).Contains(labelled.Best) ? 1 : 0;
            infeasible += ranked.Take(3).Any(id => !Build.CanTake(startups[id], labelled.Need)) ? 1 : 0;
        }
        return (ndcg / needs.Length, best / needs.Length, infeasible / needs.Length);
    }
}
