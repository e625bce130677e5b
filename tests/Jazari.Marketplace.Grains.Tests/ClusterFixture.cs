using Azure.Data.Tables;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Hosting;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>
/// An in-process silo for the grain tests of a collection (<see cref="ClusterCollection"/>, <see cref="ScaleCollection"/>), its
/// state in a real Azurite of its own, its clock fake. The tests call
/// grains through the silo's own grain factory, as the web host does. (Orleans' InProcessTestCluster was
/// tried first: its external client failed to find the gateway in about one start out of three here.)
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
    public AzuriteServer Storage { get; private set; } = null!;
    public IHost Silo { get; private set; } = null!;
    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();
    public RaisedNeedEvents Events { get; } = new();
    public RaisedEngagementEvents EngagementEvents { get; } = new();
    public RaisedPayoutDetailsEvents PayoutDetailsEvents { get; } = new();
    public RaisedExpertReviewEvents ExpertReviewEvents { get; } = new();
    public RaisedCohortEvents CohortEvents { get; } = new();

    public async Task InitializeAsync()
    {
        Storage = await AzuriteServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(AzuriteServer.FreePort(), AzuriteServer.FreePort());
            // The suite shares two cores with the page tests' hosts and browsers: a grain call waiting its turn there
            // overran Orleans' 30 s (an import among 3,000 at once). Production keeps the default.
            silo.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
            silo.AddAzureTableGrainStorage("marketplace", o =>
            {
                o.TableServiceClient = new TableServiceClient(Storage.ConnectionString);
                o.TableName = "marketplace";
                o.DeleteStateOnClear = true;
            });
            StoredLists.AddTo(silo.Services);
            silo.Services.AddSingleton(new OpenNeedRows(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddSingleton(new Matchmaking.ShardMembers(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddSingleton(new Accounts.PlaceRows(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddSingleton(new Incubation.MentorRows(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddSingleton(new Payments.ProgrammeOperationRows(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddSingleton(new ProfileNeedRows(new TableServiceClient(Storage.ConnectionString)));
            silo.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, Time);
            silo.Services.AddSingleton<INeedEvents>(Events);
            silo.Services.AddSingleton<Payments.IEngagementEvents>(EngagementEvents);
            silo.Services.AddSingleton<Payments.IPayoutDetailsEvents>(PayoutDetailsEvents);
            silo.Services.AddSingleton<IExpertReviewEvents>(ExpertReviewEvents);
            silo.Services.AddSingleton<Incubation.ICohortEvents>(CohortEvents);
            silo.Services.AddSingleton<Conversations.IConversationNotices>(new RaisedConversationNotices());
            silo.Services.AddSingleton(Payments.PaymentRules.Default);
            silo.Services.AddSingleton(new Conversations.MessageLimits(100_000, 100_000)); // the limits are tested through the API (MessageLimitsTests)
        });
        Silo = builder.Build();
        await Silo.StartAsync();
        Events.Grains = Grains;
    }

    public async Task DisposeAsync()
    {
        await Silo.StopAsync();
        Silo.Dispose();
        await Storage.DisposeAsync();
    }
}

/// <summary>
/// The need events grains raised, by need; each is followed up in the other grains as the host's job does
/// (<see cref="INeedGrain.FollowUpAsync"/>) but not confirmed. <see cref="Failing"/> makes the hand-over fail.
/// </summary>
public sealed class RaisedNeedEvents : INeedEvents
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<NeedEvent>> raised = new();
    private readonly List<Task> followUps = [];

    public bool Failing { get; set; }
    public IGrainFactory? Grains { get; set; }

    public Task RaiseAsync(string needId, IReadOnlyList<NeedEvent> events)
    {
        if (Failing) throw new InvalidOperationException("Hand-over failed.");
        var list = raised.GetOrAdd(needId, _ => []);
        lock (list) list.AddRange(events);
        if (Grains is { } grains)
            lock (followUps) followUps.AddRange(events.Select(e => Task.Run(() => grains.GetGrain<INeedGrain>(needId).FollowUpAsync(e.Id))));
        return Task.CompletedTask;
    }

    /// <summary>Waits for the follow-ups of every event raised so far.</summary>
    public Task FollowedUpAsync()
    {
        lock (followUps) return Task.WhenAll([.. followUps]);
    }

    public IReadOnlyList<NeedEvent> Of(string needId)
    {
        var list = raised.GetOrAdd(needId, _ => []);
        lock (list) return [.. list];
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>
/// The tests that fill a category or an account past its old bounds, on a silo and an Azurite of their own: they take
/// most of the suite's time, and beside the other grain tests they no longer keep them waiting.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScaleCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "scale";
}

/// <summary>Realistic inputs for the tests.</summary>
internal static class Samples
{
    public static Caller Sme(string id = "acc-sme") => new(id, Roles.Sme);
    public static Caller Startup(string id) => new(id, Roles.Startup);
    public static Caller Admin => new("admin", Roles.Admin);

    public static NeedDetails Need(string category = "ecommerce", string region = "Fes-Meknes", string title = "Boutique en ligne pour notre huile") =>
        new(title, "Une boutique en ligne avec paiement par carte et livraison au Maroc.", category, ["woocommerce"],
            1_500_000, 4_000_000, "MAD", Deadline, region, true, "fr");

    /// <summary>A sample need's deadline: far enough that the tests' moves of the shared clock (a few months in all,
    /// in any order) never pass it.</summary>
    public static readonly DateOnly Deadline = new(2027, 11, 30);

    public static BidOffer Offer(long priceMinor = 3_000_000) =>
        new(priceMinor, 60, "Nous livrons une boutique WooCommerce avec paiement CMI et formation de l'équipe.",
            [new("Maquettes et catalogue", priceMinor / 2, 20), new("Mise en ligne et formation", priceMinor - priceMinor / 2, 60)]);

    public static StartupDetails StartupProfile(string name = "Web Atlas") =>
        new(name, "Rabat", "Rabat-Sale-Kenitra", ["ecommerce", "website"], ["woocommerce", "seo"],
            "Boutiques en ligne pour PME.", ["fr", "ar"], 1_000_000, 8_000_000, ["*"], 3);

    public static string NewId(string prefix) => Ids.New(prefix);

    /// <summary>An open need with an owner, ready for bids.</summary>
    public static async Task<(INeedGrain Need, Caller Owner)> OpenNeedAsync(IGrainFactory grains, string category = "ecommerce", string region = "Fes-Meknes")
    {
        var owner = Sme(NewId("acc"));
        var need = grains.GetGrain<INeedGrain>(NewId("need"));
        await need.CreateAsync(owner, NewId("sme"), Need(category, region));
        await need.PublishAsync(owner);
        return (need, owner);
    }
}
