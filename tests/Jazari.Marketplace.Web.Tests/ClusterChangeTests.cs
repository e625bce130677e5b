using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// While hosts join or leave a cluster, a grain may briefly run on two of them, and the late one's write finds its row
/// already changed; or a grain's activation is cancelled as its silo goes (seen when one of three hosts was killed
/// mid-import). Nothing was written: an import tries the record again, and a request answers 503 (try again), never a 500.
/// </summary>
public sealed class ClusterChangeTests : IAsyncLifetime
{
    private readonly RowChanged changed = new();
    private readonly MarketplaceHost host = new();

    public async Task InitializeAsync()
    {
        host.TestServices.Add(services => services.AddSingleton<Orleans.IIncomingGrainCallFilter>(changed));
        await host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task An_import_whose_need_met_a_changed_row_stores_it_on_a_second_try_and_refuses_nothing()
    {
        using var admin = host.Admin();
        var tag = Guid.NewGuid().ToString("N")[..8];
        changed.Refuse(nameof(INeedGrain.ImportAsync), RowChangedFailure(), new TaskCanceledException("Activation cancelled (test)."));
        var body = new JsonObject
        {
            ["smes"] = new JsonArray(new JsonObject
            {
                ["id"] = $"sme-move-{tag}", ["name"] = "Riad", ["sector"] = "hotel", ["city"] = "Fes", ["region"] = "Fes-Meknes",
                ["employees"] = 4, ["languages"] = new JsonArray("fr"),
            }),
            ["needs"] = new JsonArray(new JsonObject
            {
                ["id"] = $"need-move-{tag}", ["smeId"] = $"sme-move-{tag}", ["title"] = "Site vitrine", ["description"] = "Un site vitrine simple pour notre riad.",
                ["category"] = "website", ["budgetMinMad"] = 5000, ["budgetMaxMad"] = 9000, ["deadline"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
                ["region"] = "Fes-Meknes", ["remoteOk"] = true, ["language"] = "fr",
            }),
        };

        var report = await (await admin.PostAsJsonAsync("/api/admin/import", body)).Json(HttpStatusCode.OK);

        Assert.Equal(2, changed.Refused);
        Assert.Equal(0, report.GetProperty("refused").GetArrayLength());
        Assert.Equal(1, report.GetProperty("created").GetProperty("needs").GetInt32());
        var need = await (await admin.GetAsync($"/api/needs/need-move-{tag}")).Json(HttpStatusCode.OK);
        Assert.Equal("Site vitrine", need.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_publication_that_met_a_changed_row_answers_503_with_a_retry_and_leaves_the_draft()
    {
        var (sme, needId) = await DraftAsync();
        changed.Refuse(nameof(INeedGrain.PublishAsync), RowChangedFailure());

        var refused = await sme.PostAsync($"/api/needs/{needId}/publish", null);

        var problem = await refused.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("try again", problem.GetProperty("detail").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        var need = await (await sme.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal("draft", need.GetProperty("status").GetString());
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode(); // the retry the answer asked for
    }

    private async Task<(HttpClient Sme, string NeedId)> DraftAsync()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        return (sme.Client, await sme.Client.CreateAsync("/api/needs", Api.Need()));
    }

    private static Exception RowChangedFailure() => new Orleans.Storage.InconsistentStateException("The row changed since it was read (test).");

    /// <summary>Fails the next calls of one method of needs, one given failure each, as a changing cluster may.</summary>
    private sealed class RowChanged : Orleans.IIncomingGrainCallFilter
    {
        private string? method;
        private System.Collections.Concurrent.ConcurrentQueue<Exception> failures = new();
        private int refused;
        public int Refused => Volatile.Read(ref refused);

        public void Refuse(string methodName, params Exception[] next) => (method, failures) = (methodName, new(next));

        public Task Invoke(Orleans.IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == method && context.Grain is INeedGrain && failures.TryDequeue(out var failure))
            {
                Interlocked.Increment(ref refused);
                throw failure;
            }
            return context.Invoke();
        }
    }
}
