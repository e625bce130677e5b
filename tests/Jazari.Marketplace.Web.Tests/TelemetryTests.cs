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
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Activity[] seen;
        lock (spans) seen = [.. spans];
        var request = seen.First(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/api/smes"));
        Assert.Contains(seen, s => s.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName
            && s.TraceId == request.TraceId);

        MetricSnapshot[] measured;
        lock (metrics) measured = [.. metrics];
        Assert.Contains(measured, m => m.Name == "http.server.request.duration");
        Assert.Contains(measured, m => m.MeterName == "Microsoft.Orleans");
        Assert.Contains(measured, m => m.Name == "jazari.emails.sent");
    }
}
