using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>The OpenAPI document describes every endpoint of the API; its reference page needs nothing from outside.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class ApiDocsTests(MarketplaceHost host)
{
    /// <summary>What is not the API: the pages and their files, the jobs dashboard, and the description itself.</summary>
    private static readonly string[] NotTheApi = ["/assets", "/hangfire", "/hangfire-enter", "/openapi", "/scalar"];

    [Fact]
    public async Task Every_endpoint_of_the_app_is_in_the_document_with_its_problem_responses()
    {
        using var anonymous = host.Anonymous();
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).Json(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");

        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ActionDescriptor>() is null) // Razor Pages
            .Select(e => (Path: Normalize(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => !NotTheApi.Any(p => e.Path == p || e.Path.StartsWith(p + "/", StringComparison.Ordinal)) && e.Path != "/healthz")
            .ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints found");
        var missing = new List<string>();
        foreach (var (path, methods) in endpoints)
        {
            Assert.True(methods.Count > 0, $"{path} answers any method: give it one");
            foreach (var method in methods)
            {
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    missing.Add($"{method} {path}");
                    continue;
                }
                var responses = operation.GetProperty("responses");
                Assert.True(responses.TryGetProperty("400", out _), $"{method} {path} lacks its 400"); // the endpoint's own, or the problem
                Assert.True(responses.TryGetProperty("503", out var busy), $"{method} {path} lacks its 503");
                Assert.True(busy.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path}: 503 is not a problem");
            }
        }
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));

        var needs = paths.GetProperty("/api/needs").GetProperty("post");
        Assert.True(needs.TryGetProperty("requestBody", out _), "POST /api/needs has no request body");
        foreach (var status in new[] { "400", "401", "403", "409" }) Assert.True(needs.GetProperty("responses").TryGetProperty(status, out _), status);
        Assert.True(paths.GetProperty("/api/needs/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
    }

    [Fact]
    public async Task The_reference_page_loads_its_script_from_the_host_and_the_pages_keep_their_strict_policy()
    {
        using var anonymous = host.Anonymous();
        var page = await anonymous.GetAsync("/scalar");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var scripts = ScriptSources().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.DoesNotMatch("^(https?:)?//", src));
        Assert.DoesNotContain("fonts.scalar.com", html);
        Assert.DoesNotContain("cdn.jsdelivr.net", html);
        foreach (var src in scripts)
        {
            var script = await anonymous.GetAsync(new Uri(page.RequestMessage!.RequestUri!, src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("connect-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);

        var signIn = await anonymous.GetAsync("/sign-in");
        var strict = signIn.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", strict);
        Assert.DoesNotContain("unsafe-inline", strict);
    }

    private static string Normalize(string pattern)
    {
        var path = Parameter().Replace(pattern.StartsWith('/') ? pattern : "/" + pattern, m => "{" + m.Groups[1].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();
}
