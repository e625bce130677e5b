using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Stripe: a startup's Connect onboarding, and Stripe's webhook (<see cref="StripeCommands"/>).</summary>
public static class StripeApi
{
    public static void MapStripeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/startups/{id:id}/stripe-onboarding", Onboarding).WithTags("Stripe").RequireAuthorization(p => p.RequireRole(Roles.Startup));
        routes.MapPost("/api/webhooks/stripe", Webhook).WithTags("Stripe").AllowAnonymous();
    }

    private static async Task<Ok<OnboardingLink>> Onboarding(string id, ClaimsPrincipal user, StripeCommands stripe) =>
        TypedResults.Ok(await stripe.OnboardingLinkAsync(user.Caller(), id));

    private static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> Webhook(HttpRequest request, StripeCommands stripe)
    {
        if (!stripe.WebhookConfigured) return TypedResults.Problem(statusCode: 404, detail: "Stripe is not configured on this marketplace.");
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync();
        return TypedResults.Ok(await stripe.ApplyWebhookAsync(json, request.Headers["Stripe-Signature"].FirstOrDefault()));
    }
}
