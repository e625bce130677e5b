using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>What admins do with money (<see cref="PaymentAdminCommands"/>): co-funding programmes, confirming bank transfers
/// received, paying payout orders.</summary>
public static class PaymentsAdminApi
{
    public static void MapPaymentsAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/programmes", CreateProgramme);
        admin.MapGet("/programmes/{id:id}", GetProgramme);
        admin.MapPost("/payments/{paymentId}/confirm", Confirm);
        admin.MapGet("/payouts", Payouts);
        admin.MapPost("/payouts/{id:id}/paid", MarkPaid);
    }

    private static async Task<Created<ProgrammeResponse>> CreateProgramme(ProgrammeInput body, ClaimsPrincipal user, PaymentAdminCommands payments)
    {
        var programme = await payments.CreateProgrammeAsync(user.Caller(), body);
        return TypedResults.Created($"/api/admin/programmes/{programme.Id}", programme);
    }

    private static async Task<Ok<ProgrammeResponse>> GetProgramme(string id, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.GetProgrammeAsync(user.Caller(), id));

    private static async Task<Ok<EngagementResponse>> Confirm(string paymentId, ConfirmPaymentInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.ConfirmTransferAsync(user.Caller(), paymentId, body));

    private static async Task<Results<Ok<List<PayoutResponse>>, FileContentHttpResult>> Payouts(string? status, HttpRequest request, ClaimsPrincipal user,
        PaymentAdminCommands payments)
    {
        var pending = await payments.PendingPayoutsAsync(user.Caller(), status);
        if (!request.Headers.Accept.ToString().Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Ok(pending.Select(PayoutResponse.From).ToList());
        return TypedResults.File(PaymentAdminCommands.PayoutsCsv(pending), DashboardExports.Csv + "; charset=utf-8", "payouts.csv");
    }

    private static async Task<Ok<PayoutResponse>> MarkPaid(string id, PayoutPaidInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.MarkPaidAsync(user.Caller(), id, body));
}
