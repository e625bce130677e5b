using System.Globalization;
using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Languages;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authentication;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// The web pages (Razor Pages in <c>Pages/</c>): cookie sessions, one folder per role behind its policy,
/// antiforgery on every form, the language of each request, strict security headers.
/// </summary>
public static class PagesExtensions
{
    /// <summary>The role folders; a folder's pages need a cookie session of that role.</summary>
    private static readonly (string Folder, string Role)[] RoleFolders =
        [("/Sme", Roles.Sme), ("/Startup", Roles.Startup), ("/Mentor", Roles.Mentor), ("/Manager", Roles.Manager), ("/Admin", Roles.Admin)];

    public static void AddMarketplacePages(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new Strings()); // read at start: a page string defined twice stops the host, not a page
        services.AddSingleton<Assets>();
        services.AddScoped<Text>();
        services.AddPageSession(builder.Configuration);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "jz-af";
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__af";
        });
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Account", PageSession.Policy.SignedIn);
            foreach (var (folder, role) in RoleFolders) options.Conventions.AuthorizeFolder(folder, PageSession.Policy.For(role));
        }).AddMvcOptions(o =>
        {
            o.Filters.Add<PageErrors>();
            o.Filters.Add<UnanswerableRequests>();
            o.ValueProviderFactories.Add(new DateField.ValuesFactory());
            o.ModelBinderProviders.Insert(0, new AmountBinder.Provider());
        });
    }

    /// <summary>
    /// For every request that is not the API's: the page session (so every page knows who is signed in), security
    /// headers and the language. After authentication (the API's bearer), before authorization.
    /// </summary>
    public static void UseMarketplacePages(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (IsPagePath(path))
            {
                if (!path.StartsWithSegments("/assets") && await context.AuthenticateAsync(PageSession.Scheme) is { Succeeded: true } session)
                {
                    context.User = session.Principal;
                    // What a signed-in person is answered (their data's export, a cohort's CSV, a bank file, a receipt) is
                    // kept by no cache: the antiforgery token marks the pages with a form, this marks the rest.
                    context.Response.OnStarting(() =>
                    {
                        if (!context.Response.Headers.ContainsKey("Cache-Control")) context.Response.Headers.CacheControl = "no-store";
                        return Task.CompletedTask;
                    });
                }
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
                    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                // Forms bind the same in every language: the request culture stays invariant; pages format explicitly.
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                // An e-mail's link carries the e-mail's language: a browser that has none chosen keeps it until it closes
                // (the sign-in it may be sent to first is in that language too), in a cookie of its own: a link is not a
                // choice, so the next e-mail's link speaks its own language, and a choice made on this browser stays.
                if (LinkLanguage(context) is { } linked && !path.StartsWithSegments("/assets")
                    && !Strings.PageLanguages.Contains(context.Request.Cookies[Text.CookieName] ?? ""))
                    Remember(context, LinkCookie, linked, TimeSpan.Zero);
                context.RequestServices.GetRequiredService<Text>().Use(LanguageOf(context), SecondLanguageOf(context), path.Value);
            }
            await next();
        });
    }

    /// <summary>A path a browser reads as a page (not the API, the jobs dashboard, the probes or the API's documents).</summary>
    public static bool IsPagePath(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/hangfire") && !path.StartsWithSegments("/healthz")
        && !path.StartsWithSegments("/livez") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/scalar");

    /// <summary>Errors shown as a page in the reader's language: every path but the API's, and the jobs dashboard opened in
    /// a browser (its hour over, a reload answered a problem response in English; its own calls for figures keep them).</summary>
    public static bool ShowsPage(HttpContext context) =>
        IsPagePath(context.Request.Path)
        || context.Request.Path.StartsWithSegments(Notifications.HangfireDashboardAccess.Path) && HttpMethods.IsGet(context.Request.Method)
            && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static void MapMarketplacePages(this WebApplication app)
    {
        app.Services.GetRequiredService<Assets>().Map(app);
        app.MapRazorPages();
    }

    /// <summary>
    /// The language chosen (a cookie set by the switch and at sign-in from the account), else the language of the e-mail
    /// whose link is followed (<c>?lang=</c>) or was last followed in this browser's session, else the browser's, else French.
    /// </summary>
    public static string LanguageOf(HttpContext context)
    {
        if (context.Request.Cookies[Text.CookieName] is { } chosen && Strings.PageLanguages.Contains(chosen)) return chosen;
        if (LinkLanguage(context) is { } linked) return linked;
        if (context.Request.Cookies[LinkCookie] is { } followed && Strings.PageLanguages.Contains(followed)) return followed;
        return Preferred(context, Strings.PageLanguages) ?? "fr";
    }

    /// <summary>The language of the last e-mail link followed in this browser's session (not a choice: the next link's wins).</summary>
    public const string LinkCookie = "jz-lang-link";

    /// <summary>The <c>?lang=</c> of the address asked for, also when its error page is shown (which has a query of its own).</summary>
    private static string? LinkLanguage(HttpContext context)
    {
        var lang = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is { OriginalQueryString: { Length: > 0 } original }
            ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(original).GetValueOrDefault("lang")
            : context.Request.Query["lang"];
        return lang is [{ } linked] && Strings.PageLanguages.Contains(linked) ? linked : null;
    }

    /// <summary>
    /// The second language of a reader of Amazigh: the one chosen on the language page (and, signed in, the account's
    /// language, set at sign-in), else the first of French, Arabic and English in the browser's order, else French.
    /// </summary>
    public static string SecondLanguageOf(HttpContext context)
    {
        if (context.Request.Cookies[Amazigh.SecondLanguageCookie] is { } chosen && Amazigh.SecondLanguages.Contains(chosen)) return chosen;
        return Preferred(context, Amazigh.SecondLanguages) ?? Amazigh.SecondLanguages[0];
    }

    private static string? Preferred(HttpContext context, IReadOnlyList<string> languages)
    {
        foreach (var wanted in context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1))
        {
            var language = wanted.Value.Value?.Split('-')[0].ToLowerInvariant();
            if (language is not null && languages.Contains(language)) return language;
        }
        return null;
    }

    public static void RememberLanguage(HttpContext context, string language) => Remember(context, Text.CookieName, language, TimeSpan.FromDays(365));

    public static void RememberSecondLanguage(HttpContext context, string language) => Remember(context, Amazigh.SecondLanguageCookie, language, TimeSpan.FromDays(365));

    /// <summary>A language cookie: for <paramref name="keep"/>, or until the browser closes when zero.</summary>
    private static void Remember(HttpContext context, string cookie, string language, TimeSpan keep) =>
        context.Response.Cookies.Append(cookie, language, new CookieOptions
        {
            HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps,
            MaxAge = keep > TimeSpan.Zero ? keep : null, Path = "/",
        });

    public static bool SignedIn(this ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;
}
