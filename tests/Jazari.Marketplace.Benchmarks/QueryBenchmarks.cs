using BenchmarkDotNet.Attributes;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>Top-10 startups for a need: the inverted index against a scan of every startup, same data, same run.</summary>
[Config(typeof(ShortConfig))]
public class QueryBenchmarks
{
    private const int QueriesPerInvoke = 32;
    private readonly StartupIndex index = new();
    private List<NeedProfile> needs = [];

    [Params(1_000, 10_000, 100_000)]
    public int Startups { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = new SyntheticCatalogue(seed: 42);
        foreach (var startup in catalogue.Startups(Startups))
        {
            index.Upsert(startup);
        }
        needs = catalogue.Needs(QueriesPerInvoke);
    }

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
}
