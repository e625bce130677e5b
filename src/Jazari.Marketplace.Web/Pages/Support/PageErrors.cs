using Jazari.Marketplace.Grains;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>Anything a page may not see answers the "not found" page, as the API answers 404.</summary>
internal sealed class PageErrors : IExceptionFilter
{
    public void OnException(ExceptionContext context)
    {
        if (context.Exception is MarketplaceException { Problem: Problem.NotFound })
        {
            context.Result = new ViewResult { ViewName = "/Pages/Shared/NotFound.cshtml", StatusCode = StatusCodes.Status404NotFound };
            context.ExceptionHandled = true;
        }
    }
}
