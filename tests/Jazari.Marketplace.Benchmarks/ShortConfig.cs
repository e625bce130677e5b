using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// A short job (the whole run stays within minutes on 2 cores) reporting medians and allocations.
/// With JAZARI_BENCHMARK_IN_PROCESS=1 the benchmarks run in this process, without generating and
/// building a separate project (which can exceed BenchmarkDotNet's build timeout on a busy machine).
/// </summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short");
        if (Environment.GetEnvironmentVariable("JAZARI_BENCHMARK_IN_PROCESS") == "1")
        {
            job = job.WithToolchain(InProcessEmitToolchain.Instance);
        }
        AddJob(job);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
