using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Apis;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// Money for admins: confirming a bank transfer seen on the platform's account (the reference the SME quoted and the
/// amount; the API's own endpoint), and the pending payout orders with the bank file (CSV) to pay them.
/// </summary>
public sealed class PaymentsModel(IGrainFactory grains, Text text, PaymentJobs jobs, AuditTrail audit) : MarketplacePage(grains, text)
{
    public IReadOnlyList<PayoutOrder> Pending { get; private set; } = [];
    public EngagementResponse? Confirmed { get; private set; }

    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public decimal? AmountMad { get; set; }
    [BindProperty] public string? BankReference { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        await LoadAsync();
        return File(PaymentsAdminApi.PayoutsCsv(Pending), DashboardExports.Csv + "; charset=utf-8", "payouts.csv");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var reference = Reference?.Trim() ?? "";
        var amount = AmountMad is { } mad && decimal.Round(mad, 2) == mad && mad is > 0 and <= Checks.MaxMad ? (long?)(mad * 100) : null;
        var body = new ConfirmPaymentInput { AmountMinor = amount, BankReference = BankReference };
        try
        {
            await TryAsync(async () => Confirmed = (await PaymentsAdminApi.Confirm(reference, body, Grains, jobs, HttpContext, audit)).Value);
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("reference", "No payment has this reference.");
        }
        if (Errors.Remove("amountMinor", out var amountErrors)) Errors["amountMad"] = amountErrors;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Pending = [.. (await Grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).ListAsync()).OrderBy(p => p.CreatedAt)];
}
