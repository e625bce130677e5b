using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// Bytes of managed heap per indexed startup: heap after building the index and dropping the
/// profiles, minus heap before. Counts everything the index keeps (ids and names included).
/// </summary>
public static class MemoryReport
{
    public static void Run(int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = Build(count);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"StartupIndex: {count:N0} startups, {after - before:N0} bytes retained, {(after - before) / (double)count:N0} bytes per startup");
        GC.KeepAlive(index);
    }

    private static StartupIndex Build(int count)
    {
        var index = new StartupIndex();
        foreach (var startup in new SyntheticCatalogue(seed: 42).Startups(count))
        {
            index.Upsert(startup);
        }
        return index;
    }
}
