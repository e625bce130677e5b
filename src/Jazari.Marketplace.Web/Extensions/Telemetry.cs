using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Hangfire.Server;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// What the marketplace itself counts, next to what ASP.NET Core (requests), Orleans (grain calls) and
/// .NET (runtime) already publish: jobs run and e-mails sent.
/// </summary>
public static class MarketplaceTelemetry
{
    public const string Name = "Jazari.Marketplace";
    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> JobsRun = Meter.CreateCounter<long>("jazari.jobs.run", description: "Hangfire jobs run, by job and outcome");
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("jazari.jobs.duration", "s", "Hangfire job run time");
    public static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>("jazari.emails.sent", description: "E-mails handed to the outbox or SendGrid, by kind");
}

internal static class TelemetryExtensions
{
    /// <summary>
    /// OpenTelemetry traces, metrics and structured logs. Exported to Application Insights when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is.
    /// </summary>
    public static void AddMarketplaceTelemetry(this WebApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logs =>
        {
            logs.IncludeFormattedMessage = true;
            logs.IncludeScopes = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("jazari-marketplace"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddSource(Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName,
                    Orleans.Diagnostics.ActivitySources.RuntimeActivitySourceName, MarketplaceTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", MarketplaceTelemetry.Name));
        if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"])) telemetry.UseAzureMonitor();
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();
    }
}

/// <summary>Each Hangfire job run becomes a span and counts in <c>jazari.jobs.run</c>.</summary>
internal sealed class JobTelemetryFilter : IServerFilter
{
    private const string ActivityKey = "jazari.activity";

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = MarketplaceTelemetry.Source.StartActivity($"job {job.Type.Name}.{job.Method.Name}");
        activity?.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        context.Items[ActivityKey] = new JobRun(activity, Stopwatch.GetTimestamp());
    }

    public void OnPerformed(PerformedContext context)
    {
        var job = context.BackgroundJob.Job;
        var outcome = context.Exception is null ? "succeeded" : "failed";
        var tags = new TagList { { "job", $"{job.Type.Name}.{job.Method.Name}" }, { "outcome", outcome } };
        MarketplaceTelemetry.JobsRun.Add(1, tags);
        if (context.Items.TryGetValue(ActivityKey, out var item) && item is JobRun run)
        {
            MarketplaceTelemetry.JobDuration.Record(Stopwatch.GetElapsedTime(run.Started).TotalSeconds, tags);
            run.Activity?.SetStatus(context.Exception is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            run.Activity?.Dispose();
        }
    }

    private sealed record JobRun(Activity? Activity, long Started);
}
