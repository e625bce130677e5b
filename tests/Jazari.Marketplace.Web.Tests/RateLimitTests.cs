using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>A host of its own, with a low limit on the auth endpoints.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly MarketplaceHost host = new();

    public Task InitializeAsync()
    {
        host.Settings["RateLimits:AuthPerMinute"] = "3";
        return host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task The_auth_endpoints_answer_429_with_retry_after_past_the_limit()
    {
        using var client = host.Anonymous();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = $"p{i}@example.ma" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted], statuses.Take(3));
        Assert.NotNull(limited);
        await limited.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Health and other endpoints are not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
