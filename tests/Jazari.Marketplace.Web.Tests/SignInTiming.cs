using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>A measurement, not a check: sign-in answer times for addresses with and without an account, interleaved.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SignInTiming(MarketplaceHost host, ITestOutputHelper output)
{
    private sealed class MeasurementAttribute : FactAttribute
    {
        public MeasurementAttribute()
        {
            if (Environment.GetEnvironmentVariable("JAZARI_BENCHMARK") != "1") Skip = "A measurement: set JAZARI_BENCHMARK=1 to run it.";
        }
    }

    [Measurement]
    public async Task Sign_in_answers_take_the_same_time_for_known_and_unknown_addresses()
    {
        const int Rounds = 40;
        var known = new List<string>();
        for (var i = 0; i < Rounds; i++) known.Add((await host.SignUpAsync("sme")).Email);
        await host.JobsSettledAsync();
        using var client = host.From("10.9.0.1");
        var times = new Dictionary<string, List<double>> { ["known"] = [], ["unknown"] = [] };
        for (var i = 0; i < Rounds; i++)
            foreach (var (kind, email) in new[] { ("known", known[i]), ("unknown", $"nobody-{Guid.NewGuid():N}@example.ma") })
            {
                var clock = Stopwatch.StartNew();
                var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email });
                times[kind].Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
        foreach (var (kind, ms) in times)
        {
            ms.Sort();
            output.WriteLine($"{kind}: median {ms[ms.Count / 2]:F1} ms, p90 {ms[ms.Count * 9 / 10]:F1} ms over {ms.Count} sign-ins");
        }
    }
}
