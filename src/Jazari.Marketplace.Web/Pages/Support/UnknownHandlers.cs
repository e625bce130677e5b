using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// A request none of the page's handlers answers (a POST to a page that only shows, a handler name it does not have,
/// PUT or TRACE) is refused: 405 (404 for a GET or HEAD naming an unknown handler), shown as the error page. Without
/// this, Razor Pages renders the page without running its load step, and the page fails on its missing data.
/// </summary>
internal sealed class UnknownHandlers : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerInstance is ErrorModel) return; // the error page answers every method (it shows what a refusal was)
        var method = context.HttpContext.Request.Method;
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (context.HandlerMethod is not null || (reading && context.ActionDescriptor.HandlerMethods.All(h => h.HttpMethod != "Get"))) return;
        if (!reading)
            context.HttpContext.Response.Headers.Allow = string.Join(", ",
                context.ActionDescriptor.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).Append("GET").Distinct());
        context.Result = new StatusCodeResult(reading ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed);
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
