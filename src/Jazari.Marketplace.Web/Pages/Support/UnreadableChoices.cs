using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// A form's choice that is not one (<c>approve=yes</c>, <c>index=abc</c>, <c>admit=abc&amp;confirmed=true</c>) is refused
/// with 400, shown as the error page: left to the binder, it became false or 0 and the handler acted on it (declining an
/// application for good, funding milestone 0). Only the handlers' own values are checked (a name with no dot): the
/// fields people type (<c>Input.…</c>) are the page's checks' to refuse, next to the field.
/// </summary>
internal sealed class UnreadableChoices : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerInstance is ErrorModel || HttpMethods.IsGet(context.HttpContext.Request.Method)) return;
        foreach (var (key, entry) in context.ModelState)
        {
            // A value was sent and could not be read: a missing or blank one is the handler's default, as before (and a blank
            // text, refused by the implicit "required" of a non-nullable string, is the handler's to answer).
            if (entry.Errors.Count > 0 && !string.IsNullOrWhiteSpace(entry.AttemptedValue) && !key.Contains('.') && !key.Contains('['))
            {
                context.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
                return;
            }
        }
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
