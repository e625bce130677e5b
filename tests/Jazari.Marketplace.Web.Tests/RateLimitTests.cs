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
    public async Task The_auth_endpoints_answer_429_with_retry_after_past_the_limit_and_the_page_offers_to_try_again()
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
        // Opening the sign-in page is not an attempt: it still opens (a carrier's many phones share one address).
        using var open = new HttpRequestMessage(HttpMethod.Get, "/sign-in?next=%2Fhome");
        open.Headers.Add("Accept-Language", "fr");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(open)).StatusCode);
        // Its form shares the limit: a browser gets the page in its language, with a way back to the form.
        using var page = new HttpRequestMessage(HttpMethod.Post, "/sign-in?next=%2Fhome")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "p9@example.ma" }),
        };
        page.Headers.Add("Accept", "text/html");
        page.Headers.Add("Accept-Language", "fr");
        var shown = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.TooManyRequests, shown.StatusCode);
        var html = WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync());
        Assert.Contains("Trop de tentatives", html);
        Assert.Contains("<a class=\"button\" href=\"/sign-in?next=%2Fhome\">Réessayer</a>", html);
        // Switching language there returns to that form, not to an error page without its way back.
        Assert.Contains("<input type=\"hidden\" name=\"returnUrl\" value=\"/sign-in?next=%2Fhome\">", html);
        // Health and other endpoints are not limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
