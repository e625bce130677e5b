using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Requests, grain calls and e-mails show in the host's OpenTelemetry traces and metrics.</summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly MarketplaceHost host = new();
    private readonly List<Activity> spans = [];
    private readonly List<MetricSnapshot> metrics = [];

    public Task InitializeAsync()
    {
        host.TestServices.Add(services => services.AddOpenTelemetry()
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics)));
        return host.InitializeAsync();
    }

    public Task DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_sign_up_and_a_profile_are_traced_from_the_request_to_the_grain_and_counted()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // The grain's span ends on the silo's side of the call: exported moments after the request's, on a busy machine.
        Activity[] seen = [];
        bool Traced() => seen.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/api/smes")) is { } request
            && seen.Any(s => s.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName && s.TraceId == request.TraceId);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(100))
        {
            host.Services.GetRequiredService<TracerProvider>().ForceFlush();
            lock (spans) seen = [.. spans];
            if (Traced() || DateTime.UtcNow > deadline) break;
        }
        Assert.True(Traced(), "the request to /api/smes and a grain call in its trace");

        MetricSnapshot[] measured;
        lock (metrics) measured = [.. metrics];
        Assert.Contains(measured, m => m.Name == "http.server.request.duration");
        Assert.Contains(measured, m => m.MeterName == "Microsoft.Orleans");
        Assert.Contains(measured, m => m.Name == "jazari.emails.sent");
    }
}
