using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Tests;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Two hosts form one Orleans cluster through Azure Table clustering on Azurite.</summary>
public sealed class ClusterTests : IAsyncLifetime
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
            ["Silo__Clustering"] = "AzureTable",
            ["Silo__ClusterId"] = clusterId,
            ["Silo__AdvertisedIP"] = "127.0.0.1",
            ["Silo__ProbeTimeoutSeconds"] = "2",
            ["Silo__MissedProbesLimit"] = "2",
        });
    }

    [Fact]
    public async Task A_need_written_through_one_host_is_read_through_the_other_after_the_first_is_killed()
    {
        var clusterId = $"test-{Guid.NewGuid():N}"[..20];
        await using var first = await StartAsync(clusterId);
        await using var second = await StartAsync(clusterId);

        // Everything written through the first host: the account, its profile and the need.
        using var admin = first.Client(MarketplaceHost.AdminToken);
        var report = await (await admin.PostAsJsonAsync("/api/admin/import", new
        {
            smes = new[] { new { id = "sme-cluster", name = "Cluster SARL", sector = "retail", city = "Oujda", region = "Oriental", employees = 5, languages = new[] { "ar" } } },
            needs = new[]
            {
                new
                {
                    id = "need-cluster", smeId = "sme-cluster", title = "متجر إلكتروني للملابس",
                    description = "نحتاج متجرا إلكترونيا بسيطا مع الدفع عند التسليم في جهة الشرق.", category = "ecommerce",
                    budgetMinMad = 10000, budgetMaxMad = 30000, deadline = DateTime.UtcNow.AddDays(40).ToString("yyyy-MM-dd"),
                    region = "Oriental", remoteOk = false, language = "ar",
                },
            },
        })).Json(HttpStatusCode.OK);
        Assert.Equal(1, report.GetProperty("created").GetProperty("needs").GetInt32());
        (await admin.GetAsync("/api/needs/need-cluster")).EnsureSuccessStatusCode();

        await first.KillAsync();

        using var throughSecond = second.Client(MarketplaceHost.AdminToken);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        HttpResponseMessage? response = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                response = await throughSecond.GetAsync("/api/needs/need-cluster");
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (TaskCanceledException) { }
            await Task.Delay(500);
        }
        Assert.NotNull(response);
        var need = await response.Json(HttpStatusCode.OK);
        Assert.Equal("متجر إلكتروني للملابس", need.GetProperty("title").GetString());
        Assert.Equal("open", need.GetProperty("status").GetString());
    }
}
