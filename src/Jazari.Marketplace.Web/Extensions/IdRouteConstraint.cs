using Jazari.Marketplace.Grains;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary><c>{id:id}</c>: a route value that cannot be a marketplace id is a 404 before any grain is asked.</summary>
internal sealed class IdRouteConstraint : IRouteConstraint
{
    public const string Name = "id";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && Ids.IsValid(value as string);
}
