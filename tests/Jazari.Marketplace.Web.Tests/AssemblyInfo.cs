// Test collections run in parallel: each host has its own Hangfire (storage, activator, filters; see
// Extensions/HangfireExtensions.cs), its own Azurite and data folder. Most of the time goes to waiting (storage,
// jobs, the browser), so more collections run at once than there are cores. What measures time or starts
// several host processes is in the serial collection (SerialCollection), run alone after the others.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 4)]

namespace Jazari.Marketplace.Web.Tests
{
    /// <summary>Tests that measure time or start several host processes: run alone, after the parallel ones.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection
    {
        public const string Name = "serial";
    }
}
