using System.Text.Json;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Benchmarks;

/// <summary>
/// <c>--pages-probe BASE LOADS [--trace DIR] PATH[@LANG]...</c>: where a page's load time goes in the browser. Each path is
/// loaded LOADS times as the pages report does (Chromium, fresh context, 390x844 phone), interleaved round by round so
/// that a noisy moment hits every path alike; p50 of the load, the first contentful paint and the Navigation Timing phases, and of Chromium's own
/// counters (CDP Performance.getMetrics: style, layout, task time). With <c>--trace</c>, one more load of each path is
/// recorded as a Chrome trace (for chrome://tracing or a script).
/// </summary>
public static class PagesProbe
{
    public static async Task RunAsync(string[] args)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var baseUrl = args[0];
        var loads = int.Parse(args[1]);
        string? traceDir = null;
        var rest = args[2..].ToList();
        if (rest.IndexOf("--trace") is var t and >= 0) { traceDir = rest[t + 1]; rest.RemoveRange(t, 2); Directory.CreateDirectory(traceDir); }
        var paths = rest.Select(p => p.Split('@') is [var path, var lang] ? (path, lang) : (p, "fr")).ToList();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Environment.GetEnvironmentVariable("JAZARI_CHROMIUM") ?? "/usr/bin/chromium", Headless = true });
        var results = paths.ToDictionary(p => p, _ => new List<Dictionary<string, double>>());
        foreach (var p in paths) await MeasureAsync(browser, baseUrl, p.Item1, p.Item2, null); // warm-up
        for (var i = 0; i < loads; i++)
            foreach (var p in paths) results[p].Add(await MeasureAsync(browser, baseUrl, p.Item1, p.Item2, null));
        var keys = new[] { "load", "paint", "responseEnd", "domInteractive", "dcl", "loadStart", "TaskDuration", "RecalcStyleDuration", "LayoutDuration", "ScriptDuration", "RecalcStyleCount", "LayoutCount", "Nodes" };
        Console.WriteLine($"{DateTime.UtcNow:HH:mm} UTC, load average {File.ReadAllText("/proc/loadavg").Trim()}, {loads} loads, p50 (ms; Chromium durations in ms)");
        Console.WriteLine("| path | " + string.Join(" | ", keys) + " |");
        foreach (var p in paths)
            Console.WriteLine($"| {p.Item1}@{p.Item2} | " + string.Join(" | ", keys.Select(k => Median(results[p].Select(r => r.GetValueOrDefault(k))).ToString("F1"))) + " |");
        if (traceDir is not null)
            foreach (var p in paths)
                await MeasureAsync(browser, baseUrl, p.Item1, p.Item2, Path.Combine(traceDir, Path.GetFileNameWithoutExtension(p.Item1.Split('?')[0]) + "-" + p.Item2 + ".json"));
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(IBrowser browser, string url, string path, string language, string? trace)
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = url, Locale = language, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        var events = new List<JsonElement>();
        var complete = new TaskCompletionSource();
        if (trace is not null)
        {
            cdp.Event("Tracing.dataCollected").OnEvent += (_, e) => { lock (events) events.AddRange(e!.Value.GetProperty("value").EnumerateArray().Select(x => x.Clone())); };
            cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
            await cdp.SendAsync("Tracing.start", new Dictionary<string, object>
            {
                ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline,blink,loading,toplevel,v8,blink.user_timing,renderer.scheduler,cc",
                ["transferMode"] = "ReportEvents",
            });
        }
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
        if (trace is not null)
        {
            await cdp.SendAsync("Tracing.end");
            await complete.Task.WaitAsync(TimeSpan.FromSeconds(30));
            lock (events) File.WriteAllText(trace, JsonSerializer.Serialize(new { traceEvents = events }));
        }
        var timing = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const paint = await new Promise(done => {
                new PerformanceObserver(list => { const p = list.getEntriesByName('first-contentful-paint')[0]; if (p) done(p.startTime); })
                  .observe({ type: 'paint', buffered: true });
                setTimeout(() => done(-1), 5000);
              });
              return { load: nav.loadEventEnd - nav.startTime, paint, responseEnd: nav.responseEnd - nav.startTime, domInteractive: nav.domInteractive - nav.startTime,
                       dcl: nav.domContentLoadedEventEnd - nav.startTime, loadStart: nav.loadEventStart - nav.startTime };
            }
            """);
        var result = timing.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : double.TryParse(p.Value.GetString(), out var v) ? v : double.NaN);
        var metrics = await cdp.SendAsync("Performance.getMetrics");
        foreach (var m in metrics!.Value.GetProperty("metrics").EnumerateArray())
        {
            var name = m.GetProperty("name").GetString()!;
            var value = m.GetProperty("value").GetDouble();
            result[name] = name.EndsWith("Duration") ? value * 1000 : value;
        }
        return result;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
