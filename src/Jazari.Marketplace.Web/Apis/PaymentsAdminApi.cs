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
        admin.MapGet("/payout-files", OpenFiles);
        admin.MapGet("/payout-files/{id:id}", BankFile);
        admin.MapPost("/payout-files/{id:id}/paid", MarkFilePaid);
        admin.MapPost("/payout-files/{id:id}/withdraw", WithdrawFile);
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

    /// <summary>JSON: every waiting payout with where it stands. <c>Accept: application/xml</c>: the next bank file (the
    /// ready payouts in no file awaiting the bank) as ISO 20022 pain.001.001.03; <c>text/csv</c>: as CSV. Its id (the
    /// <c>X-Payout-File-Id</c> header, and the pain.001 MsgId) marks them all paid at once.</summary>
    private static async Task<Results<Ok<List<PayoutResponse>>, FileContentHttpResult>> Payouts(string? status, HttpRequest request, HttpResponse response,
        ClaimsPrincipal user, PaymentAdminCommands payments)
    {
        var lines = await payments.PendingPayoutsAsync(user.Caller(), status); // the status is checked for a file too
        if (BankFormat(request) is not { } format) return TypedResults.Ok(lines.Select(PayoutResponse.From).ToList());
        // Making a file takes the payouts to the bank: only when asked for the pending ones, never as a list's side effect.
        if (status is not (null or "pending"))
            throw MarketplaceException.Invalid("status", "A bank file holds the pending payouts: ask for status=pending.");
        return Download(format, await payments.NextBankFileAsync(user.Caller()), response, payments);
    }

    /// <summary>The bank files awaiting the bank (neither marked paid nor withdrawn), the oldest first.</summary>
    private static async Task<Ok<IReadOnlyList<PayoutFileSummary>>> OpenFiles(ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.OpenBankFilesAsync(user.Caller()));

    /// <summary>A bank file made before, as it was made: XML or CSV by <c>Accept</c>, else what it is.</summary>
    private static async Task<Results<Ok<PayoutFileSummary>, FileContentHttpResult>> BankFile(string id, HttpRequest request, HttpResponse response,
        ClaimsPrincipal user, PaymentAdminCommands payments)
    {
        return BankFormat(request) is { } format ? Download(format, await payments.BankFileAsync(user.Caller(), id), response, payments)
            : TypedResults.Ok(await payments.BankFileSummaryAsync(user.Caller(), id));
    }

    /// <summary>
    /// "xml" or "csv" when that form of a bank file is what the client prefers: the first of the types it gives the highest
    /// quality. A browser's <c>text/html,…,application/xml;q=0.9</c> and a client that also takes JSON first get JSON.
    /// </summary>
    private static string? BankFormat(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var types)) return null;
        var preferred = types.Where(t => t.Quality is not 0).OrderByDescending(t => t.Quality ?? 1).FirstOrDefault()?.MediaType.Value;
        return string.Equals(preferred, "application/xml", StringComparison.OrdinalIgnoreCase) ? "xml"
            : string.Equals(preferred, DashboardExports.Csv, StringComparison.OrdinalIgnoreCase) ? "csv" : null;
    }

    private static FileContentHttpResult Download(string format, (Grains.Payments.PayoutFileView, IReadOnlyList<Payments.BankPayout>) file,
        HttpResponse response, PaymentAdminCommands payments)
    {
        var (fileId, bytes) = format == "xml" ? payments.Pain001File(file) : PaymentAdminCommands.CsvFile(file);
        response.Headers["X-Payout-File-Id"] = fileId;
        return format == "xml" ? TypedResults.File(bytes, "application/xml; charset=utf-8", $"{fileId}.xml")
            : TypedResults.File(bytes, DashboardExports.Csv + "; charset=utf-8", $"{fileId}.csv");
    }

    private static async Task<Ok<PayoutFileSummary>> WithdrawFile(string id, PayoutReviewInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.WithdrawFileAsync(user.Caller(), id, body));

    private static async Task<Ok<PayoutResponse>> Release(string id, PayoutReviewInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.ReviewPayoutAsync(user.Caller(), id, release: true, body));

    private static async Task<Ok<PayoutResponse>> Decline(string id, PayoutReviewInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.ReviewPayoutAsync(user.Caller(), id, release: false, body));

    private static async Task<Ok<PayoutFileResponse>> MarkFilePaid(string id, PayoutPaidInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.MarkFilePaidAsync(user.Caller(), id, body));

    private static async Task<Ok<PayoutResponse>> MarkPaid(string id, PayoutPaidInput body, ClaimsPrincipal user, PaymentAdminCommands payments) =>
        TypedResults.Ok(await payments.MarkPaidAsync(user.Caller(), id, body));
}
