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
        admin.MapGet("/bank-transfers", AwaitingTransfers);
        admin.MapGet("/payouts", Payouts);
        admin.MapPost("/payouts/{id:id}/paid", MarkPaid);
        admin.MapPost("/payouts/{id:id}/release", Release);
        admin.MapPost("/payouts/{id:id}/release-hold", Release); // the name api-contract.md gives it
        admin.MapPost("/payouts/{id:id}/decline", Decline);
        admin.MapPost("/payout-files/{id:id}/paid", MarkFilePaid);
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

    /// <summary>The bank transfers awaited (chosen by SMEs, not confirmed yet), the oldest first.</summary>
    private static async Task<Ok<IReadOnlyList<AwaitingTransferResponse>>> AwaitingTransfers(ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.AwaitingTransfersAsync(user.Caller()));

    /// <summary>JSON: every waiting payout with where it stands. <c>Accept: application/xml</c>: the next bank file as ISO 20022
    /// pain.001.001.03; <c>text/csv</c>: the same file as CSV. A file holds only payouts ready for the bank; its id (the
    /// <c>X-Payout-File-Id</c> header, and the pain.001 MsgId) marks them all paid at once.</summary>
    private static async Task<Results<Ok<List<PayoutResponse>>, FileContentHttpResult>> Payouts(string? status, HttpRequest request, HttpResponse response,
        ClaimsPrincipal user, PaymentAdminCommands payments)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("application/xml", StringComparison.OrdinalIgnoreCase))
        {
            await payments.PendingPayoutsAsync(user.Caller(), status); // the status is checked as for the list
            var (fileId, xml) = await payments.Pain001FileAsync(user.Caller());
            response.Headers["X-Payout-File-Id"] = fileId;
            return TypedResults.File(xml, "application/xml; charset=utf-8", $"{fileId}.xml");
        }
        if (accept.Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase))
        {
            await payments.PendingPayoutsAsync(user.Caller(), status);
            var (fileId, csv) = await payments.CsvFileAsync(user.Caller());
            response.Headers["X-Payout-File-Id"] = fileId;
            return TypedResults.File(csv, DashboardExports.Csv + "; charset=utf-8", $"{fileId}.csv");
        }
        return TypedResults.Ok((await payments.PendingPayoutsAsync(user.Caller(), status)).Select(PayoutResponse.From).ToList());
    }

    private static async Task<Ok<PayoutResponse>> Release(string id, PayoutReviewInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.ReviewPayoutAsync(user.Caller(), id, release: true, body));

    private static async Task<Ok<PayoutResponse>> Decline(string id, PayoutReviewInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.ReviewPayoutAsync(user.Caller(), id, release: false, body));

    private static async Task<Ok<PayoutFileResponse>> MarkFilePaid(string id, PayoutPaidInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.MarkFilePaidAsync(user.Caller(), id, body));

    private static async Task<Ok<PayoutResponse>> MarkPaid(string id, PayoutPaidInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.MarkPaidAsync(user.Caller(), id, body));
}
