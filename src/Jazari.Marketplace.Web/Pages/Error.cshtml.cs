using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages;

/// <summary>
/// What a browser sees for an error outside the API, in the reader's language: the status pages re-execute here
/// (404, 403, 429, 503...) and so does an unexpected failure (500). The API keeps its problem responses.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>Which text to show: not-found, denied, too-large, too-long, too-many, busy, bad-request, failed, jobs-link or jobs-dashboard.</summary>
    public string Kind { get; private set; } = "failed";
    public long? RetryAfter { get; private set; }
    /// <summary>The page the reader was on, to try again from (a form sent returns to the form): a path of this site,
    /// only when trying again can help (too many tries, busy, a failure, a refused request).</summary>
    public string? TryAgain { get; private set; }
    /// <summary>The page that failed, whatever the error: the language switch returns there, shown again in the language chosen.</summary>
    public string? Original { get; private set; }

    public IActionResult OnGet(int code) => Show(code);
    public IActionResult OnPost(int code) => Show(code);

    /// <summary>Re-executed for a request of another method (a PUT or a TRACE a page refused): shown all the same.</summary>
    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is null)
            context.Result = Show(int.TryParse(context.RouteData.Values["code"] as string, out var code) ? code : 404);
    }

    private PageResult Show(int code)
    {
        // Re-executed after a failure or a status code: keep the original status; opened directly: show the one asked for.
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null || HttpContext.Features.Get<IExceptionHandlerFeature>() is not null;
        var status = reExecuted ? Response.StatusCode : code is >= 400 and < 600 ? code : 404;
        Kind = status switch
        {
            404 or 405 or 410 => "not-found",
            401 or 403 => "denied",
            413 => "too-large",
            414 or 431 => "too-long",
            429 => "too-many",
            503 => "busy",
            >= 400 and < 500 => "bad-request",
            _ => "failed",
        };
        if (long.TryParse(Response.Headers.RetryAfter, out var seconds)) RetryAfter = seconds;
        Original = OriginalPage();
        if (Kind == "too-long") Original = null; // the same address would fail again, in any language
        if (Kind is not ("not-found" or "denied" or "too-long")) TryAgain = Original;
        // The jobs dashboard's one-time link, used or expired (a reload of it): a new one is asked on the admin's home.
        if (status == 401 && Original?.StartsWith(Notifications.HangfireDashboardAccess.EnterPath + "?", StringComparison.Ordinal) == true)
            (Kind, TryAgain) = ("jobs-link", "/admin");
        // The jobs dashboard without its cookie (its hour over, or opened by its address): it opens from the admin's home.
        if (status is 401 or 403 && Original is { } dashboard && new PathString(dashboard.Split('?')[0]).StartsWithSegments(Notifications.HangfireDashboardAccess.Path))
            (Kind, TryAgain) = ("jobs-dashboard", "/admin");
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The address that failed, as a local path with its query (where a form was sent from, less the handler,
    /// which a link must not name: the form is shown again); null when opened directly or for anything but a path of this site.</summary>
    private string? OriginalPage()
    {
        (string? path, string? query) = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is { } status ? (status.OriginalPath, status.OriginalQueryString)
            : HttpContext.Features.Get<IExceptionHandlerPathFeature>() is { } failure ? (failure.Path, null)
            : ((string?)null, (string?)null);
        if (path is null || !path.StartsWith('/') || path.StartsWith("//") || path.StartsWith("/\\") || path.StartsWith("/error/")
            || path.Any(char.IsControl)) return null;
        var kept = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).Where(p => !p.Key.Equals("handler", StringComparison.OrdinalIgnoreCase));
        return path + QueryString.Create(kept);
    }
}
