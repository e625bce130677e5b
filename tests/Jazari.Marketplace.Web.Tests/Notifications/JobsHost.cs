using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage.Monitoring;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>
/// The real host with Hangfire on SQLite or on a real PostgreSQL, e-mail through the SendGrid client to a
/// local <see cref="FakeSendGrid"/>, a fake clock, and a known key for the SendGrid event webhook.
/// </summary>
public abstract class JobsHost : IAsyncLifetime
{
    public MarketplaceHost Host { get; } = new();
    public FakeSendGrid SendGrid { get; private set; } = null!;
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
    public ECDsa WebhookKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public const int MatchesPerRound = 2;

    protected abstract Task<string?> StartPostgresAsync();

    public async Task InitializeAsync()
    {
        SendGrid = await FakeSendGrid.StartAsync(Host.OutboxDir);
        if (await StartPostgresAsync() is { } postgres)
        {
            Host.Settings["Hangfire:Storage"] = "PostgreSql";
            Host.Settings["ConnectionStrings:hangfire"] = postgres;
        }
        Host.Settings["SendGrid:ApiKey"] = "SG.test-key";
        Host.Settings["SendGrid:Host"] = SendGrid.Url;
        Host.Settings["SendGrid:FirstBackoff"] = "00:00:00.200";
        Host.Settings["SendGrid:WebhookPublicKey"] = Convert.ToBase64String(WebhookKey.ExportSubjectPublicKeyInfo());
        Host.Settings["Notifications:MatchesPerRound"] = $"{MatchesPerRound}";
        Host.Settings["Notifications:PublicUrl"] = "https://jazari.test";
        Host.Settings["Hangfire:Workers"] = "4";
        Host.Settings["Hangfire:PollMilliseconds"] = "200";
        Host.TestServices.Add(s => s.AddKeyedSingleton<TimeProvider>(Grains.Clock.Key, Time));
        await Host.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await SendGrid.DisposeAsync();
    }

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>Waits until Hangfire has nothing enqueued or processing (twice in a row).</summary>
    public Task SettleAsync() => MarketplaceHost.SettleAsync(Service<JobStorage>());

    public List<JsonElement> Emails(string email, string kind) =>
        [.. Host.Emails(email).Where(e => e.GetProperty("kind").GetString() == kind)];

    /// <summary>Waits for the e-mails of a kind to an address, then for the jobs to settle, and returns them all.</summary>
    public async Task<List<JsonElement>> EmailsAsync(string email, string kind, int atLeast = 1)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); Emails(email, kind).Count < atLeast && DateTime.UtcNow < deadline;)
            await Task.Delay(100);
        await SettleAsync();
        return Emails(email, kind);
    }

    public List<KeyValuePair<string, ScheduledJobDto>> Scheduled(string argument) =>
        [.. Service<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 10_000).Where(j => j.Value.Job?.Args.Contains(argument) == true)];

    /// <summary>A need body whose deadline is relative to the host's (fake) clock.</summary>
    public object Need(string category, string region, int deadlineInDays = 90) => new
    {
        title = $"Besoin {category} {Guid.NewGuid():N}"[..40], description = "Une solution numérique pour notre PME, livrée et expliquée à l'équipe.",
        category, skills = new[] { "php" }, budgetMinMad = 15000, budgetMaxMad = 40000,
        deadline = Time.GetUtcNow().AddDays(deadlineInDays).ToString("yyyy-MM-dd"), region, remoteOk = true, language = "fr",
    };

    public async Task<(Person Sme, string NeedId)> OpenNeedAsync(string category, string region, int deadlineInDays = 90, string language = "fr")
    {
        var sme = await Host.SignUpAsync("sme", language);
        await sme.Client.CreateAsync("/api/smes", Api.Sme(region));
        var needId = await sme.Client.CreateAsync("/api/needs", Need(category, region, deadlineInDays));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        return (sme, needId);
    }

    public async Task<(Person Startup, string StartupId)> StartupAsync(string category, string[] regionsServed, string language = "fr", string name = "Startup")
    {
        var startup = await Host.SignUpAsync("startup", language);
        var body = new
        {
            name, city = "Rabat", region = "Rabat-Sale-Kenitra", categories = new[] { category }, skills = new[] { "php" },
            description = "Solutions numériques pour PME.", languages = new[] { "fr", "ar" }, priceMinMad = 5000, priceMaxMad = 80000,
            regionsServed, capacity = 3,
        };
        return (startup, await startup.Client.CreateAsync("/api/startups", body));
    }

    public async Task<string> BidAsync(Person startup, string needId, decimal price = 30000) =>
        await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(price));

    public async Task<JsonElement> NeedAsync(string needId) =>
        await (await Host.Admin().GetAsync($"/api/needs/{needId}")).Content.ReadFromJsonAsync<JsonElement>();
}

public sealed class SqliteJobsHost : JobsHost
{
    public const string Name = "jobs-sqlite";
    protected override Task<string?> StartPostgresAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresJobsHost : JobsHost
{
    public const string Name = "jobs-postgresql";
    private PostgresServer? postgres;

    protected override async Task<string?> StartPostgresAsync()
    {
        postgres = await PostgresServer.StartAsync();
        return postgres.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (postgres is not null) await postgres.DisposeAsync();
    }
}

[CollectionDefinition(SqliteJobsHost.Name)]
public sealed class SqliteJobsCollection : ICollectionFixture<SqliteJobsHost>;

[CollectionDefinition(PostgresJobsHost.Name)]
public sealed class PostgresJobsCollection : ICollectionFixture<PostgresJobsHost>;
