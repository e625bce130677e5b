// Test collections run in parallel: each host has its own Hangfire (storage, activator, filters; see
// Extensions/HangfireExtensions.cs), its own Azurite and data folder. Most of the time goes to waiting (storage,
// jobs, the browser), so more collections run at once than there are cores: five. xUnit starts a collection when
// another ends, so the longest queues start first (LongestFirst); started last, the marketplace queue ran alone for
// the last five minutes. What measures time or starts several host processes is in the serial collection
// (SerialCollection), run alone after the others.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 5)]
[assembly: TestCollectionOrderer("Jazari.Marketplace.Web.Tests.LongestFirst", "Jazari.Marketplace.Web.Tests")]

namespace Jazari.Marketplace.Web.Tests
{
    using Xunit.Abstractions;

    /// <summary>Tests that measure time or start several host processes: run alone, after the parallel ones.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SerialCollection
    {
        public const string Name = "serial";
    }

    /// <summary>The collections that take longest first (measured), then the others in xUnit's order.</summary>
    public sealed class LongestFirst : ITestCollectionOrderer
    {
        private static readonly string[] Longest =
        [
            Pages.BrowserCollection.Name, Pages.SecondBrowserCollection.Name, MarketplaceCollection.Name, PaymentsCollection.Name,
            Payments.StripeHost.Name,
            $"Test collection for {typeof(FollowUpsAfterAKillTests).FullName}", $"Test collection for {typeof(FollowUpsOnAWorkerHostTests).FullName}",
            $"Test collection for {typeof(Payments.EngagementDurabilityTests).FullName}",
            $"Test collection for {typeof(FollowUpTests).FullName}", $"Test collection for {typeof(NeedsApiTests).FullName}",
            $"Test collection for {typeof(PrivacyApiTests).FullName}",
            // Then the ones of a minute or less, longest first, so that they fill the queues the long ones leave instead
            // of running last while the others wait.
            Notifications.SqliteJobsHost.Name, AccountsCollection.Name, $"Test collection for {typeof(AccountLimitsTests).FullName}",
            $"Test collection for {typeof(DurabilityTests).FullName}", Notifications.PostgresJobsHost.Name,
            $"Test collection for {typeof(ClusterChangeTests).FullName}", Maturity.MaturityHost.Name,
        ];

        public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
            testCollections.OrderBy(c => Array.IndexOf(Longest, c.DisplayName) is var i and >= 0 ? i : Longest.Length);
    }
}
