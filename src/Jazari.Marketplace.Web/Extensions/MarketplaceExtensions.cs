using Hangfire;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Demo;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Import;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Jazari.Marketplace.Web.Extensions;

public static class MarketplaceExtensions
{
    /// <summary>Everything the host runs: the silo, the API's services, Hangfire, sign-in and its limits.</summary>
    public static void AddMarketplace(this WebApplicationBuilder builder)
    {
        var settings = MarketplaceSettings.From(builder.Configuration);
        var storage = StorageClients.From(builder.Configuration);
        var services = builder.Services;
        // Past these Kestrel answers a blank 414 or 431: they are kept above the marketplace's own limits, which answer a
        // problem or the error page (BodyLimits).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = 3 * BodyLimits.Address + 1024; // an address percent-encoded whole, and the method
            kestrel.Limits.MaxRequestHeadersTotalSize = BodyLimits.Headers + 4 * 1024;
        });

        services.AddSingleton(settings);
        services.AddSingleton(storage);
        services.AddMarketplaceKeys(storage);
        services.AddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(Grains.Clock.Key, TimeProvider.System);
        services.AddSingleton(AdminToken.From(builder.Configuration, settings.DataDir));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<CatalogueImport>();
        services.AddHttpContextAccessor();
        services.AddSingleton<Audit.AuditTrail>();
        services.AddNeedsAndBids(builder.Configuration);
        services.AddExpertReviews(builder.Configuration);
        services.AddSingleton<Privacy.PersonalData>();
        services.AddCommunityCommands();
        services.AddSingleton(MessageLimitSettings.From(builder.Configuration));
        services.AddHostedService<DemoCatalogue>();

        builder.AddMarketplaceTelemetry();
        builder.AddMarketplaceSilo(storage);
        builder.AddMarketplaceJobs(settings);
        services.AddHostedService<Jobs.CohortJobs>();
        builder.AddMarketplaceNotifications(settings);
        services.AddHostedService<PublicAddress>();
        builder.AddMarketplacePayments();
        services.AddMarketplaceHealthChecks();

        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // A number is a JSON number: "2" in quotes is a 400, not read as 2 (the contract writes numbers as numbers).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false; // {"text":"one","text":"two"}: which one was meant? a 400
        });
        services.Configure<RouteOptions>(o => o.ConstraintMap[IdRouteConstraint.Name] = typeof(IdRouteConstraint));
        services.AddProblemDetails();
        services.AddMarketplaceApiDocs();
        services.AddExceptionHandler<ProblemHandling>();
        services.AddAuthentication(BearerAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthentication>(BearerAuthentication.SchemeName, null);
        services.AddAuthorization();
        builder.AddRequestLimits();
        builder.AddMarketplacePages();
    }

    public static void UseMarketplace(this WebApplication app)
    {
        // The API answers problem details; a browser gets a page in its language for every error (404, 429, 500...).
        app.UseWhen(c => !PagesExtensions.ShowsPage(c), api =>
        {
            api.UseExceptionHandler(new ExceptionHandlerOptions { SuppressDiagnosticsCallback = c => ProblemHandling.StatusOf(c.Exception) is < 500 });
            // A problem response whatever the client accepts (a browser's text/html got "Status Code: 404; Not Found").
            api.UseStatusCodePages(context => TypedResults.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        });
        app.UseWhen(PagesExtensions.ShowsPage, pages =>
        {
            pages.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error/500",
                StatusCodeSelector = failure => ProblemHandling.StatusOf(failure) ?? StatusCodes.Status500InternalServerError,
                // Refused input (a bad query value, a missing record) is not an error of the server: not logged as one.
                SuppressDiagnosticsCallback = c => ProblemHandling.StatusOf(c.Exception) is < 500,
            });
            pages.UseStatusCodePagesWithReExecute("/error/{0}");
        });
        app.UseRouting(); // after the error handlers, so that a re-executed request is routed to the error page
        app.UseBodyLimits();
        app.UseUtf8Json();
        app.UseRateLimiter(); // before authentication, so a shed request costs no token lookup
        app.UseAuthentication();
        app.UseMarketplacePages();
        app.UseAuthorization();
    }

    public static void MapMarketplaceApi(this WebApplication app)
    {
        // One group around the API, so that conventions reach every endpoint (the problem responses in the OpenAPI document).
        var api = app.MapGroup("").WithProblemResponses();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealth }).AllowAnonymous();
        api.MapGet("/livez", () => "ok").AllowAnonymous(); // liveness: the process answers, nothing checked
        api.MapAuthApi();
        api.MapAdminApi();
        api.MapProfilesApi();
        api.MapNeedsApi();
        api.MapReviewsApi();
        api.MapConversationsApi();
        api.MapAuditApi();
        api.MapMatchesApi();
        api.MapInstitutesApi();
        api.MapCohortsApi();
        api.MapStartupProgressApi();
        api.MapNotificationsApi();
        api.MapPrivacyApi();
        api.MapEngagementsApi();
        api.MapPaymentsAdminApi();
        api.MapPayoutDetailsApi();
        api.MapBankStatementsApi();
        api.MapProgrammesApi();
        api.MapMaturityApi();
        api.MapExpertReviewsApi();
        api.MapStripeApi();
        app.MapMarketplaceDashboard();
        app.MapMarketplaceApiDocs();
    }

    /// <summary>
    /// The status of each check for anyone (probes, load balancers); what a failing check said (an exception's
    /// message can name hosts, tables or keys) only for the admin's bearer. The health service logs it too.
    /// </summary>
    private static Task WriteHealth(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        var admin = context.User.IsInRole(Grains.Roles.Admin);
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                detail = admin ? e.Value.Description ?? e.Value.Exception?.Message : null,
            }),
        }, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        });
    }
}
