using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Jazari.Marketplace.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// The real web host (silo, API, Hangfire) in the test process, on a real Azurite and a fresh data folder;
/// shared by the HTTP tests of one collection.
/// </summary>
public sealed class MarketplaceHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminToken = HostProcess.AdminToken;
    public AzuriteServer Storage { get; private set; } = null!;
    public string DataDir { get; } = Directory.CreateTempSubdirectory("jazari-web-").FullName;
    public string OutboxDir => Path.Combine(DataDir, "outbox");

    /// <summary>Settings a test class may change (e.g. a low rate limit) before the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    private readonly HostErrors errors = new();

    /// <summary>Services a test class replaces (e.g. a fake clock) before the host starts.</summary>
    public List<Action<IServiceCollection>> TestServices { get; } = [];

    public async Task InitializeAsync()
    {
        Storage = await AzuriteServer.StartAsync();
        try
        {
            _ = Server; // start now, so every test sees a running host
        }
        catch
        {
            errors.Save(Path.GetFileName(DataDir)); // why it did not start, for test.sh's report (every test of the collection fails)
            await Storage.DisposeAsync(); // xunit does not dispose what failed to start: its Azurite must not outlive the test
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:storage", Storage.ConnectionString);
        builder.UseSetting("JAZARI_DATA_DIR", DataDir);
        builder.UseSetting("JAZARI_ADMIN_TOKEN", AdminToken);
        builder.UseSetting("Demo:Enabled", "false");
        builder.UseSetting("RateLimits:AuthPerMinute", "100000");
        builder.UseSetting("Conversations:MessagesPerMinute", "100000"); // tests that post many messages; MessageLimitsTests sets its own
        builder.UseSetting("Conversations:MessagesPerMinutePerThread", "100000");
        builder.UseSetting("Silo:SiloPort", AzuriteServer.FreePort().ToString());
        builder.UseSetting("Silo:GatewayPort", AzuriteServer.FreePort().ToString());
        builder.UseSetting("Hangfire:Workers", "2");
        builder.UseSetting("Hangfire:SchedulePollMilliseconds", "1000"); // a retry or reminder due is queued within 1 s, not 15
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(errors));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
            TestServices.ForEach(add => add(services));
        });
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        errors.Save(Path.GetFileName(DataDir));
        await Storage.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    public HttpClient Anonymous() => CreateClient();

    /// <summary>An anonymous client whose requests come from <paramref name="clientAddress"/> (the test server has no network).</summary>
    public HttpClient From(string clientAddress)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, clientAddress);
        return client;
    }

    /// <summary>Waits until this host's Hangfire has nothing enqueued or processing (e-mails sent, follow-ups done).</summary>
    public Task JobsSettledAsync() => SettleAsync(Services.GetRequiredService<JobStorage>());

    /// <summary>
    /// Waits until Hangfire has nothing enqueued, fetched or processing (twice in a row). A job a worker has fetched but
    /// not yet marked processing is in no queue's length: under load that moment lasted past two looks, and a test
    /// read the outbox before its e-mail was sent.
    /// </summary>
    public static async Task SettleAsync(JobStorage jobs)
    {
        var monitor = jobs.GetMonitoringApi();
        var quiet = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); quiet < 2; await Task.Delay(200))
        {
            var busy = monitor.Queues().Sum(q => q.Length + (q.Fetched ?? 0)) + monitor.ProcessingCount();
            quiet = busy == 0 ? quiet + 1 : 0;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Hangfire still busy: {busy} jobs");
        }
    }

    /// <summary>Waits until every event of the need is followed up (lists, matching, KPIs, places, e-mails recorded).</summary>
    public async Task FollowedUpAsync(string needId)
    {
        var need = Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Grains.Needs.INeedGrain>(needId);
        for (var deadline = DateTime.UtcNow.AddSeconds(90); (await need.GetPendingEventsAsync()).Count > 0; await Task.Delay(100))
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Need {needId}: events still pending");
    }

    /// <summary>Waits until every event of the expert review is followed up (e-mails recorded).</summary>
    public async Task ExpertReviewFollowedUpAsync(string reviewId)
    {
        var review = Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Grains.Needs.IExpertReviewGrain>(reviewId);
        for (var deadline = DateTime.UtcNow.AddSeconds(90); (await review.GetPendingEventsAsync()).Count > 0; await Task.Delay(100))
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Expert review {reviewId}: events still pending");
    }

    public HttpClient Admin() => WithToken(AdminToken);

    public HttpClient WithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The person signs in again with a new e-mailed code: a new token (once the fake clock outran the first).</summary>
    public async Task<Person> SignInAsync(Person person)
    {
        using var anonymous = Anonymous();
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).StatusCode);
        var verified = await anonymous.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = LatestCode(person.Email) });
        verified.EnsureSuccessStatusCode();
        var token = await verified.Content.ReadFromJsonAsync<JsonElement>();
        return person with { Client = WithToken(token.GetProperty("token").GetString()!) };
    }

    /// <summary>Signs a new person up by the emailed code, as a user would, and returns a client with their token;
    /// from <paramref name="clientAddress"/> when given (else the test server's, which has none).</summary>
    public async Task<Person> SignUpAsync(string role, string language = "fr", string? email = null, string? clientAddress = null)
    {
        email ??= $"{role}-{Guid.NewGuid():N}@example.ma";
        using var anonymous = clientAddress is null ? Anonymous() : From(clientAddress);
        var response = await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email, role, displayName = "Test " + role, language });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var code = LatestCode(new Jazari.Marketplace.Web.Application.Checks().Email("email", email)); // e-mailed to the address as the marketplace keeps it
        var verified = await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code });
        verified.EnsureSuccessStatusCode();
        var token = await verified.Content.ReadFromJsonAsync<JsonElement>();
        return new Person(new Jazari.Marketplace.Web.Application.Checks().Email("email", email), token.GetProperty("accountId").GetString()!, WithToken(token.GetProperty("token").GetString()!));
    }

    /// <summary>The sign-in code of the newest e-mail sent to this address, read from the outbox.</summary>
    public string LatestCode(string email) => OutboxFiles.LatestCode(OutboxDir, email);

    public List<JsonElement> Emails(string email) => OutboxFiles.Emails(OutboxDir, email);
}

public sealed record Person(string Email, string AccountId, HttpClient Client);

/// <summary>Test only: a request's client address taken from a header, so a test can play several requesters.</summary>
internal sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (System.Net.IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address)) context.Connection.RemoteIpAddress = address;
            return following(context);
        });
        next(app);
    };
}

[CollectionDefinition(Name)]
public sealed class MarketplaceCollection : ICollectionFixture<MarketplaceHost>
{
    public const string Name = "marketplace";
}

/// <summary>
/// The payment tests on a host of their own: the tests of one collection run one after another, and the one
/// marketplace queue of 176 tests was the last to finish, its host half idle, long after the others.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PaymentsCollection : ICollectionFixture<MarketplaceHost>
{
    public const string Name = "marketplace-payments";
}

/// <summary>
/// The privacy and review tests on a host of their own, for the same reason: an account's 2,001 needs exported and
/// erased take minutes, and the marketplace queue had become the last to finish again.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AccountsCollection : ICollectionFixture<MarketplaceHost>
{
    public const string Name = "marketplace-accounts";
}
