using BenchmarkDotNet.Attributes;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// Top-10 startups for a need: the inverted index against a scan of every startup, and against
/// Lucene.NET BM25 (Arabic, French and English analyzers; text only, no constraints) on the same
/// catalogue, same data, same run.
/// </summary>
[Config(typeof(ShortConfig))]
public class QueryBenchmarks
{
    private LuceneCatalogue? lucene;

    private const int QueriesPerInvoke = 32;
    private readonly StartupIndex index = new();
    private List<NeedProfile> needs = [];

    [Params(1_000, 10_000, 100_000)]
    public int Startups { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = new SyntheticCatalogue(seed: 42);
        var startups = catalogue.Startups(Startups);
        foreach (var startup in startups)
        {
            index.Upsert(startup);
        }
        needs = catalogue.Needs(QueriesPerInvoke);
        lucene = new LuceneCatalogue(startups);
    }

    [GlobalCleanup]
    public void Cleanup() => lucene?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = QueriesPerInvoke)]
    public int LinearScanTop10()
    {
        var found = 0;
        foreach (var need in needs)
        {
            found += index.ScanTopFor(need, 10, need.Language).Count;
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int IndexTop10()
    {
        var found = 0;
        foreach (var need in needs)
        {
            found += index.TopFor(need, 10, need.Language).Count;
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke)]
    public int LuceneBm25Top10()
    {
        var found = 0;
        foreach (var need in needs)
        {
            found += lucene!.Top(need, 10).Count;
        }
        return found;
    }
}
