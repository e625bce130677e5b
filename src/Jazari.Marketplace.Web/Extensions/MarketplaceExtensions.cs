using System.Threading.RateLimiting;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Demo;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Import;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.RateLimiting;

namespace Jazari.Marketplace.Web.Extensions;

public static class MarketplaceExtensions
{
    /// <summary>Everything the host runs: the silo, the API's services, Hangfire, sign-in and its limits.</summary>
    public static void AddMarketplace(this WebApplicationBuilder builder)
    {
        var settings = MarketplaceSettings.From(builder.Configuration);
        var storage = StorageClients.From(builder.Configuration);
        var services = builder.Services;

        services.AddSingleton(settings);
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(AdminToken.From(builder.Configuration, settings.DataDir));
        services.AddSingleton<CatalogueImport>();
        services.AddHostedService<DemoCatalogue>();

        builder.AddMarketplaceSilo(storage);
        builder.AddMarketplaceJobs(settings);
        builder.AddMarketplaceNotifications(settings);
        services.AddMarketplaceHealthChecks();

        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<RouteOptions>(o => o.ConstraintMap[IdRouteConstraint.Name] = typeof(IdRouteConstraint));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemHandling>();
        services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddRateLimiter(limiter =>
        {
            var perMinute = builder.Configuration.GetValue("RateLimits:AuthPerMinute", 20);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthApi.RateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = async (context, cancellation) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await TypedResults.Problem(statusCode: 429, detail: "Too many attempts; try again later.").ExecuteAsync(context.HttpContext);
            };
        });
    }

    public static void UseMarketplace(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    public static void MapMarketplaceApi(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealth }).AllowAnonymous();
        app.MapAuthApi();
        app.MapAdminApi();
        app.MapProfilesApi();
        app.MapNeedsApi();
        app.MapNotificationsApi();
        app.MapMarketplaceDashboard();
    }

    private static Task WriteHealth(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), detail = e.Value.Description ?? e.Value.Exception?.Message }),
        });
}
