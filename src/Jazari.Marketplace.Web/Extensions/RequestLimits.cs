using System.Threading.RateLimiting;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// Two limits. Sign-up, sign-in and verify calls per client address (then 429). And load shedding: at
/// most <c>Overload:MaxConcurrentRequests</c> requests run at once and <c>Overload:QueueLimit</c> wait;
/// past that a request is answered 503 at once instead of queueing without bound. Both say when to come
/// back (<c>Retry-After</c>). Health probes are never limited, so an overloaded host is not restarted for it.
/// </summary>
internal static class RequestLimits
{
    public static void AddRequestLimits(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var perMinute = config.GetValue("RateLimits:AuthPerMinute", 20);
        var concurrent = config.GetValue("Overload:MaxConcurrentRequests", 128);
        var queued = config.GetValue("Overload:QueueLimit", 256);
        builder.Services.AddRateLimiter(limiter =>
        {
            // Attempts count, per network address; opening a sign-in or code page does not (many phones share one address
            // behind a carrier's NAT: their page loads must not spend each other's attempts).
            limiter.AddPolicy(RateLimitPolicies.Auth, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("reading")
                : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsProbe(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("probes")
                    : RateLimitPartition.GetConcurrencyLimiter("host", _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = concurrent, QueueLimit = queued, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    }));
            limiter.OnRejected = async (context, cancellation) =>
            {
                // Only the per-address window knows when it reopens; a full host asks to come back in a second.
                var rateLimited = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
                var status = rateLimited ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
                context.HttpContext.Response.StatusCode = status;
                context.HttpContext.Response.Headers.RetryAfter = rateLimited ? ((int)Math.Ceiling(wait.TotalSeconds)).ToString() : "1";
                if (PagesExtensions.ShowsPage(context.HttpContext)) return; // the error page says it, in the reader's language
                await TypedResults.Problem(statusCode: status,
                    detail: rateLimited ? "Too many attempts; try again later." : "The marketplace is busy; try again in a moment.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
    }

    private static bool IsProbe(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/livez");
}

/// <summary>The names of the rate-limit policies, for endpoints and pages to name the one they take part in.</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-up, sign-in and verify calls (API and pages), per client address.</summary>
    public const string Auth = "auth";
}
