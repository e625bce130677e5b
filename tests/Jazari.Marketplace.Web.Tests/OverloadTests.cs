using System.Net;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>An overloaded host sheds load with 503 and Retry-After instead of queueing without bound.</summary>
[Collection(SerialCollection.Name)]
public sealed class OverloadTests : IAsyncLifetime
{
    private readonly MarketplaceHost host = new();

    public Task InitializeAsync()
    {
        host.Settings["Overload:MaxConcurrentRequests"] = "2";
        host.Settings["Overload:QueueLimit"] = "2";
        return host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Past_the_limit_requests_are_answered_503_with_retry_after_and_health_still_answers()
    {
        using var admin = host.Admin();
        // 200 at once: on a loaded machine 60 could arrive one after the other and never overlap past the limit.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => admin.GetAsync("/api/needs?page=3")));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"unexpected {s}"));
        var shed = responses.First(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        await shed.Problem(HttpStatusCode.ServiceUnavailable);

        var probes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => admin.GetAsync("/livez")));
        Assert.All(probes, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
    }
}
