using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Tests;
using Xunit.Abstractions;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Three hosts form one Orleans cluster through Azure Table clustering on one Azurite.</summary>
[Collection(SerialCollection.Name)]
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private AzuriteServer storage = null!;
    private readonly List<string> folders = [];

    public async Task InitializeAsync() => storage = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        await storage.DisposeAsync();
        foreach (var folder in folders) try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private Task<HostProcess> StartAsync(string clusterId)
    {
        var folder = Directory.CreateTempSubdirectory("jazari-cluster-").FullName;
        folders.Add(folder);
        return HostProcess.StartAsync(storage.ConnectionString, folder, new Dictionary<string, string>
        {
            ["HOME"] = folder, // each host its own home, as on its own machine: nothing shared but the marketplace's storage
            ["Silo__Clustering"] = "AzureTable",
            ["Silo__ClusterId"] = clusterId,
            ["Silo__AdvertisedIP"] = "127.0.0.1",
            ["Silo__ProbeTimeoutSeconds"] = "2",
            ["Silo__MissedProbesLimit"] = "2",
        });
    }

    private static object Need(int i) => new
    {
        id = $"need-cluster-{i:D3}", smeId = "sme-cluster", title = $"متجر إلكتروني رقم {i}",
        description = "نحتاج متجرا إلكترونيا بسيطا مع الدفع عند التسليم في جهة الشرق.", category = "ecommerce",
        budgetMinMad = 10000, budgetMaxMad = 30000, deadline = DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd"),
        region = "Oriental", remoteOk = false, language = "ar",
    };

    /// <summary>Writes one need, as a client would: a 503 (a silo is leaving) is retried; only a 200 counts as written.</summary>
    private static async Task<int> WriteAsync(HostProcess host, int i)
    {
        using var admin = host.Client(MarketplaceHost.AdminToken);
        for (var attempt = 1; ; attempt++)
        {
            var response = await admin.PostAsJsonAsync("/api/admin/import", new { needs = new[] { Need(i) } });
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 60)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                await Task.Delay(500);
                continue;
            }
            var report = await response.Json(HttpStatusCode.OK);
            Assert.Equal(0, report.GetProperty("refused").GetArrayLength());
            return attempt;
        }
    }

    [Fact]
    public async Task Requests_spread_over_three_hosts_survive_one_host_killed_and_nothing_acknowledged_is_lost()
    {
        var clusterId = $"test-{Guid.NewGuid():N}"[..20];
        var hosts = new List<HostProcess>();
        try
        {
            for (var i = 0; i < 3; i++) hosts.Add(await StartAsync(clusterId));
            using (var admin = hosts[0].Client(MarketplaceHost.AdminToken))
                await (await admin.PostAsJsonAsync("/api/admin/import", new
                {
                    smes = new[] { new { id = "sme-cluster", name = "Cluster SARL", sector = "retail", city = "Oujda", region = "Oriental", employees = 5, languages = new[] { "ar" } } },
                })).Json(HttpStatusCode.OK);

            var written = 0;
            for (; written < 30; written++) await WriteAsync(hosts[written % 3], written); // every host takes writes

            await hosts[1].KillAsync();
            var killedAt = Stopwatch.StartNew();
            var survivors = new[] { hosts[0], hosts[2] };
            var retried = 0;
            for (; written < 45; written++) retried += await WriteAsync(survivors[written % 2], written) - 1; // and the others go on
            var writesAfterKill = killedAt.Elapsed;

            // Every acknowledged need answers through both survivors, including those the killed host held.
            var missing = Enumerable.Range(0, written).ToHashSet();
            while (missing.Count > 0 && killedAt.Elapsed < TimeSpan.FromSeconds(90))
            {
                foreach (var i in missing.ToList())
                {
                    using var client = survivors[i % 2].Client(MarketplaceHost.AdminToken);
                    try
                    {
                        var response = await client.GetAsync($"/api/needs/need-cluster-{i:D3}");
                        if (response.StatusCode == HttpStatusCode.OK) missing.Remove(i);
                    }
                    catch (TaskCanceledException) { }
                }
                if (missing.Count > 0) await Task.Delay(250);
            }
            output.WriteLine($"15 writes through the survivors took {writesAfterKill.TotalSeconds:F1} s after the kill ({retried} retries after 503); " +
                $"all {written} needs answered {killedAt.Elapsed.TotalSeconds:F1} s after the kill");
            Assert.Empty(missing);
            using var check = hosts[2].Client(MarketplaceHost.AdminToken);
            var page = await (await check.GetAsync("/api/needs?category=ecommerce&region=Oriental&page=3")).Json(HttpStatusCode.OK);
            Assert.Equal(45, page.GetProperty("total").GetInt32());
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_page_session_and_its_antiforgery_token_from_one_host_are_accepted_by_another_host_of_the_cluster()
    {
        var clusterId = $"test-{Guid.NewGuid():N}"[..20];
        await using var first = await StartAsync(clusterId);
        await using var second = await StartAsync(clusterId);
        var email = $"session-{Guid.NewGuid():N}@example.ma";
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

        (await browser.PostAsJsonAsync($"{first.Url}/api/auth/sign-up", new { email, role = "sme", displayName = "Session SME", language = "fr" }))
            .EnsureSuccessStatusCode();
        var outbox = Path.Combine(first.DataDir, "outbox");
        for (var waited = Stopwatch.StartNew(); OutboxFiles.Emails(outbox, email).Count == 0; await Task.Delay(200))
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "no sign-up e-mail");
        var verify = await browser.GetStringAsync($"{first.Url}/verify?email={Uri.EscapeDataString(email)}");
        var signedIn = await browser.PostAsync($"{first.Url}/verify", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Code"] = OutboxFiles.LatestCode(outbox, email), ["__af"] = Antiforgery(verify),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(cookies.GetCookies(new Uri(first.Url)), c => c.Name == "jz-session");

        // The cookies go to the second host (cookies do not depend on the port): it reads the session and the form's token.
        var page = await browser.GetAsync($"{second.Url}/account/data");
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"the second host answered {(int)page.StatusCode} {page.Headers.Location}");
        var form = await browser.GetStringAsync($"{first.Url}/account/data");
        var signedOut = await browser.PostAsync($"{second.Url}/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = Antiforgery(form) }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode); // a refused antiforgery token would be a 400
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"{first.Url}/account/data")).StatusCode); // signed out everywhere
    }

    private static string Antiforgery(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"__af\"[^>]*value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token
            ? token : throw new InvalidOperationException("no antiforgery field on the page");
}
