using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// The API described: the OpenAPI document at <c>/openapi/v1.json</c> (from the endpoints' own metadata) and a
/// reference to read and try it at <c>/scalar</c> (Scalar's script is served by the host, no CDN, no fonts, no
/// telemetry). Both are public: they describe the API, not its data. The problem responses every endpoint
/// can give are added here once, by <see cref="WithProblemResponses"/>, not by each handler.
/// </summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    /// <summary>The reference page runs Scalar's script and styles inline; only its own path gets this policy.</summary>
    public const string ReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; " +
        "object-src 'none'; form-action 'self'";

    public static void AddMarketplaceApiDocs(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        // The page assets are files for the pages, not part of the API.
        options.ShouldInclude = description => description.RelativePath?.StartsWith("assets/", StringComparison.Ordinal) != true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Jazari Marketplace API",
                Version = "v1",
                Description = "Bearer tokens (`Authorization: Bearer jz_…`) from `POST /api/auth/verify`; refusals are RFC 9457 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A person's token from sign-in, or the admin token.",
            };
            return Task.CompletedTask;
        });
    });

    public static void MapMarketplaceApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.WithTitle("Jazari Marketplace API").WithOpenApiRoutePattern(DocumentPath);
            options.DefaultFonts = false; // fonts from Scalar's CDN otherwise
            options.Telemetry = false;
        }).AllowAnonymous().ExcludeFromDescription()
          .AddEndpointFilter(async (context, next) =>
          {
              context.HttpContext.Response.Headers.ContentSecurityPolicy = ReferencePolicy;
              context.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
              return await next(context);
          });
    }

    /// <summary>
    /// Declares on every endpoint of the group the problem responses the host gives (see <see cref="ProblemHandling"/>):
    /// 400 with the fields (validation problem), 401/403 where a sign-in or role is required, 404 where the route
    /// names an object, 409 for changes, 413 for bodies, 429 and 503 for load. Runs after each endpoint's own conventions.
    /// </summary>
    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route) return;
            var metadata = endpoint.Metadata;
            var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
            var methods = metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var changes = methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m));
            var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            void Add(int status, Type type)
            {
                if (declared.Add(status)) metadata.Add(new ProducesResponseTypeMetadata(status, type, ["application/problem+json"]));
            }
            Add(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
            if (signedIn)
            {
                Add(StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
                Add(StatusCodes.Status403Forbidden, typeof(ProblemDetails));
            }
            if (route.RoutePattern.Parameters.Any(p => p.ParameterKind == RoutePatternParameterKind.Standard)) Add(StatusCodes.Status404NotFound, typeof(ProblemDetails));
            if (changes)
            {
                Add(StatusCodes.Status409Conflict, typeof(ProblemDetails));
                Add(StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails));
            }
            Add(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails));
            Add(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails));
        });
        return builder;
    }
}
