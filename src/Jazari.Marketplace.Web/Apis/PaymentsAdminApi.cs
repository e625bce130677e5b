using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>What admins do with money: co-funding programmes, confirming bank transfers received, paying payout orders.</summary>
public static class PaymentsAdminApi
{
    public static readonly IReadOnlyList<string> PayoutColumns =
        ["payoutId", "kind", "beneficiaryKind", "beneficiaryId", "beneficiaryName", "amount", "currency", "needId", "milestone", "createdAt"];

    public static void MapPaymentsAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/programmes", CreateProgramme);
        admin.MapGet("/programmes/{id:id}", async (string id, IGrainFactory grains) =>
            TypedResults.Ok(ProgrammeResponse.From(await grains.GetGrain<IProgrammeGrain>(id).GetAsync() ?? throw MarketplaceException.NotFound("Programme"))));
        admin.MapPost("/payments/{paymentId}/confirm", Confirm);
        admin.MapGet("/payouts", Payouts);
        admin.MapPost("/payouts/{id:id}/paid", MarkPaid);
    }

    /// <summary>An admin paid a payout order from the platform's bank account: its bank reference is recorded once.</summary>
    internal static async Task<Ok<PayoutResponse>> MarkPaid(string id, PayoutPaidInput body, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        var reference = c.Text("bankReference", body.BankReference, 100);
        c.ThrowIfFailed();
        var target = (Ids.IsValid(id) ? await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() : null) ?? throw MarketplaceException.NotFound("Payout");
        var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
        var before = (await grain.GetAsync()).Payouts.FirstOrDefault(p => p.Id == id)?.Status;
        var paid = await grain.MarkPayoutPaidAsync(id, reference);
        if (before != PayoutStatus.Paid) await audit.RecordAsync(context, Audit.AuditActions.PayoutPaid, id, $"{paid.AmountMinor} {paid.Currency} to {paid.BeneficiaryKind} {paid.BeneficiaryId}; bank {reference}");
        return TypedResults.Ok(PayoutResponse.From(paid));
    }

    internal static async Task<Created<ProgrammeResponse>> CreateProgramme(ProgrammeInput body, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        var id = c.Id("id", body.Id);
        var name = c.Text("name", body.Name, 200);
        var percent = c.Whole("subsidyPercent", body.SubsidyPercent, 1, 100);
        if (body.CapPerSmeMinor is null or < 1 or > Checks.MaxMad * 100) c.Error("capPerSmeMinor", $"Required, between 1 and {Checks.MaxMad * 100}.");
        if (body.BudgetMinor is null or < 1 or > Checks.MaxMad * 1000) c.Error("budgetMinor", $"Required, between 1 and {Checks.MaxMad * 1000}.");
        var currency = c.OneOf("currency", body.Currency ?? Reference.DefaultCurrency, [Reference.DefaultCurrency]);
        c.ThrowIfFailed();
        var terms = new ProgrammeTerms(name, percent, body.CapPerSmeMinor!.Value, body.BudgetMinor!.Value, currency);
        var programme = await grains.GetGrain<IProgrammeGrain>(id).CreateAsync(terms);
        await audit.RecordAsync(context, Audit.AuditActions.ProgrammeCreated, id, $"{percent}%; cap {terms.CapPerSmeMinor}; budget {terms.BudgetMinor} {currency}");
        return TypedResults.Created($"/api/admin/programmes/{id}", ProgrammeResponse.From(programme));
    }

    /// <summary>An admin saw the SME's transfer on the platform's account: the amount must be the SME's share exactly.</summary>
    internal static async Task<Ok<EngagementResponse>> Confirm(string paymentId, ConfirmPaymentInput body, IGrainFactory grains, PaymentJobs jobs,
        HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        if (body.AmountMinor is null or < 1) c.Error("amountMinor", "Required, at least 1.");
        var reference = c.Text("bankReference", body.BankReference, 100);
        c.ThrowIfFailed();
        var id = paymentId.ToLowerInvariant(); // the reference the SME quoted is the id in capitals
        var target = (Ids.IsValid(id) ? await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() : null)
            ?? throw MarketplaceException.NotFound("Payment");
        var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
        var wasFunded = (await grain.GetAsync()).Milestone(target.Index)?.FundedAt is not null;
        var e = await grain.ConfirmFundingAsync(id, PaymentMethod.BankTransfer, body.AmountMinor!.Value, reference);
        if (!wasFunded) await audit.RecordAsync(context, Audit.AuditActions.PaymentConfirmed, id, $"{body.AmountMinor} {e.Currency}; bank {reference}");
        jobs.Enqueue(target.NeedId);
        return TypedResults.Ok(EngagementResponse.From(e));
    }

    private static async Task<IResult> Payouts(string? status, HttpRequest request, IGrainFactory grains)
    {
        var c = new Checks();
        if ((status ?? "pending") != "pending") c.Error("status", "Only pending payouts are listed (paid ones are in their engagement).");
        c.ThrowIfFailed();
        var pending = (await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).ListAsync()).OrderBy(p => p.CreatedAt).ToList();
        if (!request.Headers.Accept.ToString().Contains(DashboardExports.Csv, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Ok(pending.Select(PayoutResponse.From).ToList());
        return TypedResults.File(PayoutsCsv(pending), DashboardExports.Csv + "; charset=utf-8", "payouts.csv");
    }

    /// <summary>The bank file of the payout orders (UTF-8 with its mark, for spreadsheets); shared with the admin's page.</summary>
    internal static byte[] PayoutsCsv(IEnumerable<PayoutOrder> pending)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', PayoutColumns)).Append("\r\n");
        foreach (var p in pending)
            csv.Append(string.Join(',', new object?[] { p.Id, p.Kind.Name(), p.BeneficiaryKind, p.BeneficiaryId, p.BeneficiaryName,
                Money.Format(p.AmountMinor), p.Currency, p.NeedId, p.Index, p.CreatedAt.ToString("O") }.Select(DashboardExports.CsvField))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}
