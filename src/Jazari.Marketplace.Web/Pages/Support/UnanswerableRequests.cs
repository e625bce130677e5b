using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// Requests a page's handlers cannot answer are refused, shown as the error page:
/// <list type="bullet">
/// <item>none of them answers it (a POST to a page that only shows, a handler name it does not have, PUT or TRACE): 405,
/// or 404 for a GET or HEAD naming an unknown handler. Without this, Razor Pages renders the page without running its load
/// step, and the page fails on its missing data;</item>
/// <item>a form's choice that is not one (<c>approve=yes</c>, <c>index=abc</c>, <c>admit=abc&amp;confirmed=true</c>): 400.
/// Left to the binder, it became false or 0 and the handler acted on it (declining an application for good, funding
/// milestone 0). Only the handlers' own values are checked (a name with no dot): the fields people type (<c>Input.…</c>)
/// are the page's checks' to refuse, next to the field.</item>
/// </list>
/// </summary>
internal sealed class UnanswerableRequests : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerInstance is ErrorModel) return; // the error page answers every method (it shows what a refusal was)
        var method = context.HttpContext.Request.Method;
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (context.HandlerMethod is null && !(reading && context.ActionDescriptor.HandlerMethods.All(h => h.HttpMethod != "Get")))
        {
            if (!reading)
                context.HttpContext.Response.Headers.Allow = string.Join(", ",
                    context.ActionDescriptor.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).Append("GET").Distinct());
            context.Result = new StatusCodeResult(reading ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed);
        }
        else if (!reading && context.ModelState.Any(f => Unreadable(f.Key, f.Value)))
            context.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
    }

    /// <summary>A handler's own value was sent and could not be read. A missing or blank one is the handler's default, as
    /// before (and a blank text, refused by the implicit "required" of a non-nullable string, is the handler's to answer).</summary>
    private static bool Unreadable(string name, Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateEntry? value) =>
        value is { Errors.Count: > 0 } && !string.IsNullOrWhiteSpace(value.AttemptedValue) && !name.Contains('.') && !name.Contains('[');

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
