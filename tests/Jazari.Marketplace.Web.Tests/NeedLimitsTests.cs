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

    [Fact]
    public async Task Of_eight_publications_at_the_same_instant_with_one_slot_left_exactly_one_opens()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var first = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "Besoin déjà ouvert"));
        (await sme.Client.PostAsync($"/api/needs/{first}/publish", null)).EnsureSuccessStatusCode();
        var drafts = new List<string>();
        for (var i = 0; i < 8; i++) drafts.Add(await sme.Client.CreateAsync("/api/needs", Api.Need(title: $"Besoin simultané {i}")));

        var answers = await Task.WhenAll(drafts.Select(id => sme.Client.PostAsync($"/api/needs/{id}/publish", null)));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(7, refused.Count);
        foreach (var answer in refused) Assert.Contains("at most 2 open needs", (await answer.Problem(HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        // Exactly one more is stored open, and listed.
        var statuses = await Task.WhenAll(drafts.Select(async id => (await (await sme.Client.GetAsync($"/api/needs/{id}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString()));
        var opened = drafts[Array.IndexOf(statuses, "open")];
        Assert.Equal(7, statuses.Count(s => s == "draft"));
        await host.FollowedUpAsync(opened);
        var listed = await (await sme.Client.GetAsync("/api/needs?category=ecommerce")).Json(HttpStatusCode.OK);
        var ids = listed.GetProperty("needs").EnumerateArray().Select(n => n.Id()).ToList();
        Assert.Contains(opened, ids);
        Assert.Contains(first, ids);
        Assert.Empty(ids.Intersect(drafts.Where(d => d != opened)));
    }
}
