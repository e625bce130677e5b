using BenchmarkDotNet.Attributes;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>The other direction: the top-10 open needs for a startup, over 10k open needs.</summary>
[Config(typeof(ShortConfig))]
public class ReverseBenchmarks
{
    private const int QueriesPerInvoke = 32;
    private readonly NeedIndex needs = new();
    private List<StartupProfile> startups = [];

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = new SyntheticCatalogue(seed: 11);
        foreach (var need in catalogue.Needs(10_000))
        {
            needs.Upsert(need);
        }
        startups = catalogue.Startups(QueriesPerInvoke).Select(s => s with { ActiveProjects = 0 }).ToList();
    }

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "Top-10 needs for a startup (10k open needs)")]
    public int NeedsForStartup()
    {
        var found = 0;
        foreach (var startup in startups)
        {
            found += needs.TopFor(startup, 10, "fr").Count;
        }
        return found;
    }
}
