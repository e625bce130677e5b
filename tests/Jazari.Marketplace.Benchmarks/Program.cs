using BenchmarkDotNet.Running;
using Jazari.Marketplace.Benchmarks;
using Jazari.Marketplace.Matching;

if (args.Contains("--memory"))
{
    _ = Lexicon.Default; // loaded once per process, not per startup
    MemoryReport.Run(1_000);
    MemoryReport.Run(10_000);
    MemoryReport.Run(100_000);
    return;
}
if (args.Contains("--quality"))
{
    QualityReport.Run();
    return;
}
if (args.Contains("--load"))
{
    await LoadReport.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(10));
    return;
}
if (args.Contains("--bids"))
{
    await BidsReport.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(15));
    return;
}
if (args.Contains("--bids-probe"))
{
    await BidsProbe.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(15));
    return;
}
if (args.Contains("--storage-probe"))
{
    await StorageProbe.RunAsync(workers: 16, duration: TimeSpan.FromSeconds(6));
    return;
}
if (args.Contains("--scale"))
{
    await ScaleReport.RunAsync(ScaleReport.Options.From(args));
    return;
}
if (args.Contains("--http"))
{
    await HttpMatchesReport.RunAsync(startups: 5_000, needs: 200, calls: 2_000);
    return;
}
if (args.Contains("--dashboard"))
{
    await HttpDashboardReport.RunAsync(startups: 200, calls: 1_000);
    return;
}
if (args.Contains("--pages-dump"))
{
    await PagesReport.RunAsync(loads: 0, dumpDir: args[Array.IndexOf(args, "--pages-dump") + 1]);
    return;
}
if (args.Contains("--pages-probe"))
{
    await PagesProbe.RunAsync(args[(Array.IndexOf(args, "--pages-probe") + 1)..]);
    return;
}
if (args.Contains("--pages"))
{
    await PagesReport.RunAsync(loads: 20);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(QueryBenchmarks).Assembly).Run(args);
