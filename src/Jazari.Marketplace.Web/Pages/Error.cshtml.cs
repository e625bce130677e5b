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
    /// <summary>Which text to show: not-found, denied, too-many, busy or failed.</summary>
    public string Kind { get; private set; } = "failed";
    public long? RetryAfter { get; private set; }

    public IActionResult OnGet(int code) => Show(code);
    public IActionResult OnPost(int code) => Show(code);

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
            429 => "too-many",
            503 => "busy",
            >= 400 and < 500 => "bad-request",
            _ => "failed",
        };
        if (long.TryParse(Response.Headers.RetryAfter, out var seconds)) RetryAfter = seconds;
        Response.StatusCode = status;
        return Page();
    }
}
