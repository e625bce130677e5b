using System.Diagnostics;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>Latency percentiles of sequential calls, for the end-to-end reports.</summary>
public static class Latency
{
    /// <summary>p50 and p99 of <paramref name="calls"/> sequential GETs (after 50 warm-up calls), cycling through the ids.</summary>
    public static async Task<(double P50, double P99)> TimeAsync(HttpClient client, IReadOnlyList<string> ids, Func<string, string> path, int calls,
        int warmUp = 100)
    {
        for (var i = 0; i < warmUp; i++) (await client.GetAsync(path(ids[i % ids.Count]))).EnsureSuccessStatusCode();
        var times = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(path(ids[i % ids.Count]));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[calls / 2], times[(int)(calls * 0.99)]);
    }
}
