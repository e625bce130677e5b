using System.Net;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>A host of its own, with a low limit of open needs per account.</summary>
public sealed class NeedLimitsTests : IAsyncLifetime
{
    private readonly MarketplaceHost host = new();

    public Task InitializeAsync()
    {
        host.Settings["Needs:MaxOpenPerAccount"] = "2";
        return host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task An_sme_publishes_at_most_its_limit_of_open_needs_and_one_more_once_one_closes()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needs = new List<string>();
        for (var i = 0; i < 3; i++) needs.Add(await sme.Client.CreateAsync("/api/needs", Api.Need(title: $"Besoin numéro {i}")));
        (await sme.Client.PostAsync($"/api/needs/{needs[0]}/publish", null)).EnsureSuccessStatusCode();
        (await sme.Client.PostAsync($"/api/needs/{needs[1]}/publish", null)).EnsureSuccessStatusCode();

        var refused = await (await sme.Client.PostAsync($"/api/needs/{needs[2]}/publish", null)).Problem(HttpStatusCode.Conflict);
        Assert.Contains("at most 2 open needs", refused.GetProperty("detail").GetString());
        (await sme.Client.PostAsync($"/api/needs/{needs[1]}/publish", null)).EnsureSuccessStatusCode(); // already open: a retry, not a new one

        (await sme.Client.PostAsync($"/api/needs/{needs[0]}/cancel", null)).EnsureSuccessStatusCode();
        (await sme.Client.PostAsync($"/api/needs/{needs[2]}/publish", null)).EnsureSuccessStatusCode();
    }
}
