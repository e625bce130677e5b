using BenchmarkDotNet.Attributes;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>Keeping the indexes current: one startup or need added, updated or removed in a full index.</summary>
[Config(typeof(ShortConfig))]
public class UpdateBenchmarks
{
    private readonly StartupIndex startups = new();
    private readonly NeedIndex needs = new();
    private StartupProfile[] startupVersions = [];
    private NeedProfile[] needVersions = [];
    private StartupProfile newcomer = null!;
    private int turn;

    [GlobalSetup]
    public void Setup()
    {
        var catalogue = new SyntheticCatalogue(seed: 7);
        foreach (var startup in catalogue.Startups(100_000))
        {
            startups.Upsert(startup);
        }
        foreach (var need in catalogue.Needs(10_000))
        {
            needs.Upsert(need);
        }
        startupVersions = [catalogue.Startup("startup-000042"), catalogue.Startup("startup-000042")];
        needVersions = [catalogue.Need("need-00042"), catalogue.Need("need-00042")];
        newcomer = catalogue.Startup("startup-new");
    }

    [Benchmark(Description = "Update one startup (100k indexed)")]
    public void UpdateStartup() => startups.Upsert(startupVersions[turn++ & 1]);

    [Benchmark(Description = "Add then remove one startup (100k indexed)")]
    public bool AddThenRemoveStartup()
    {
        startups.Upsert(newcomer);
        return startups.Remove(newcomer.Id);
    }

    [Benchmark(Description = "Update one need (10k indexed)")]
    public void UpdateNeed() => needs.Upsert(needVersions[turn++ & 1]);
}
