using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// Money for admins: confirming a bank transfer seen on the platform's account (the reference the SME quoted and the
/// amount; the same command as the API's), the pending payout orders with the next bank file to pay them, each marked paid with
/// its bank reference, the files awaiting the bank (downloaded again, marked paid or withdrawn), and new co-funding programmes.
/// </summary>
public sealed class PaymentsModel(IGrainFactory grains, Text text, PaymentAdminCommands payments) : MarketplacePage(grains, text)
{
    public IReadOnlyList<PayoutLine> Pending { get; private set; } = [];
    /// <summary>The transfers awaited, the newest first (the page shows the first <see cref="AwaitingShown"/>: the old ones are
    /// mostly abandoned; the API lists them all).</summary>
    public IReadOnlyList<AwaitingTransferResponse> Awaiting { get; private set; } = [];
    public const int AwaitingShown = 100;
    public PayoutFileSummary? FileMarked { get; private set; }
    public EngagementResponse? Confirmed { get; private set; }
    /// <summary>The reference of <see cref="Confirmed"/>'s transfer, in capitals as the SME quoted it.</summary>
    public string? ConfirmedReference { get; private set; }
    /// <summary>The title of the milestone <see cref="Confirmed"/>'s transfer funded.</summary>
    public string? ConfirmedMilestone { get; private set; }
    public PayoutResponse? Paid { get; private set; }
    public ProgrammeResponse? Programme { get; private set; }
    /// <summary>The payout whose form had errors, shown next to its row.</summary>
    public string? PayoutId { get; private set; }

    [BindProperty] public ProgrammeForm NewProgramme { get; set; } = new();

    /// <summary>Also from the address: a transfer of the awaited list fills the confirmation form in.</summary>
    [BindProperty(SupportsGet = true)] public string? Reference { get; set; }
    [BindProperty] public decimal? AmountMad { get; set; }
    [BindProperty] public string? BankReference { get; set; }

    /// <summary>The page; after a form's POST (it redirects here, so a reload repeats nothing) that form's outcome, read
    /// from what is now written: a file marked paid or withdrawn, a payout paid, a transfer confirmed, a programme created.</summary>
    public async Task OnGetAsync(string? marked, string? withdrawn, string? paid, string? confirmed, string? programme)
    {
        if (marked is not null) await TryShowAsync(marked, f => FileMarked = f.Status == "paid" ? f : null);
        if (withdrawn is not null) await TryShowAsync(withdrawn, f => Withdrawn = f.Status == "withdrawn" ? f : null);
        // A payout marked paid by its own form (redirected here too): said only when it is paid.
        if (paid is not null && await payments.FindPayoutAsync(Me, paid) is { Status: "paid" } payout) Paid = payout;
        if (confirmed is not null && await payments.FindConfirmedAsync(Me, confirmed) is { } engagement)
        {
            Confirmed = engagement;
            ConfirmedReference = confirmed.Trim().ToUpperInvariant();
            ConfirmedMilestone = engagement.Milestones.FirstOrDefault(m => m.PaymentId == confirmed.Trim().ToLowerInvariant())?.Title;
        }
        if (programme is not null && Jazari.Marketplace.Grains.Ids.IsValid(programme))
            await TryShowAsync(() => payments.GetProgrammeAsync(Me, programme), p => Programme = p);
        await LoadAsync();
    }

    private Task TryShowAsync(string fileId, Action<PayoutFileSummary> show) => TryShowAsync(() => payments.BankFileSummaryAsync(Me, fileId), show);

    private static async Task TryShowAsync<T>(Func<Task<T>> read, Action<T> show)
    {
        try { show(await read()); }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound) { }
    }

    /// <summary>The bank files awaiting the bank, with their downloads and their forms (mark paid, withdraw).</summary>
    public IReadOnlyList<PayoutFileSummary> OpenFiles { get; private set; } = [];
    public PayoutFileSummary? Withdrawn { get; private set; }
    /// <summary>The file whose form had errors, shown next to it.</summary>
    public string? FileId { get; private set; }

    /// <summary>The next bank file (the ready payouts in no file awaiting the bank), as CSV or as ISO 20022 XML, named by
    /// the file's id: made by a POST of the page's form (a link on another site cannot make one).</summary>
    public Task<IActionResult> OnPostCsvAsync() => DownloadAsync(null, f => PaymentAdminCommands.CsvFile(f), DashboardExports.Csv, "csv");

    public Task<IActionResult> OnPostXmlAsync() => DownloadAsync(null, payments.Pain001File, "application/xml", "xml");

    /// <summary>A file made before, again (a GET: it makes nothing).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? file) =>
        file is null ? Redirect("/admin/payments#files") : await DownloadAsync(file, f => PaymentAdminCommands.CsvFile(f), DashboardExports.Csv, "csv");

    public async Task<IActionResult> OnGetXmlAsync(string? file) =>
        file is null ? Redirect("/admin/payments#files") : await DownloadAsync(file, payments.Pain001File, "application/xml", "xml");

    private async Task<IActionResult> DownloadAsync(string? fileId,
        Func<(Jazari.Marketplace.Grains.Payments.PayoutFileView, IReadOnlyList<Jazari.Marketplace.Web.Payments.BankPayout>), (string FileId, byte[] Bytes)> write,
        string mediaType, string extension)
    {
        (string FileId, byte[] Bytes)? made = null;
        if (await FileTryAsync(async () => made = write(fileId is null ? await payments.NextBankFileAsync(Me) : await payments.BankFileAsync(Me, fileId.Trim())))
            && made is { } f)
            return File(f.Bytes, mediaType + "; charset=utf-8", $"{f.FileId}.{extension}");
        await LoadAsync();
        return Page();
    }

    /// <summary>The file whose withdrawal waits for its confirmation, with the reason typed: a file the bank executed
    /// must never be withdrawn (its payouts would be paid twice).</summary>
    public (string FileId, string Reason)? ConfirmWithdraw { get; private set; }

    public async Task<IActionResult> OnPostWithdrawAsync(string? fileId, string? withdrawReason, bool confirmed)
    {
        FileId = fileId?.Trim();
        if (!confirmed && !string.IsNullOrWhiteSpace(withdrawReason) && FileId is { Length: > 0 })
        {
            ConfirmWithdraw = (FileId, withdrawReason);
            await LoadAsync();
            return Page();
        }
        if (await FileTryAsync(async () => Withdrawn = await payments.WithdrawFileAsync(Me, FileId ?? "", new PayoutReviewInput { Reason = withdrawReason })))
            return Redirect($"/admin/payments?withdrawn={Uri.EscapeDataString(Withdrawn!.FileId)}#files");
        if (Errors.Remove("reason", out var reasonErrors)) Errors["withdrawReason"] = reasonErrors;
        await LoadAsync();
        return Page();
    }

    /// <summary>As <see cref="MarketplacePage.TryAsync"/>, an unknown file id (a stale page, a typo) shown on the page too.</summary>
    private async Task<bool> FileTryAsync(Func<Task> action)
    {
        try
        {
            return await TryAsync(action);
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("", unknown.Message);
            return false;
        }
    }

    /// <summary>Whether the file's own card shows its form's errors (it is still awaiting the bank); otherwise the form by id does.</summary>
    public bool ErrorsInCard(string fileId) => FileId == fileId;

    public async Task<IActionResult> OnPostFileAsync(string? fileId, string? fileBankReference)
    {
        FileId = fileId?.Trim();
        try
        {
            if (await TryAsync(async () => await payments.MarkFilePaidAsync(Me, FileId ?? "", new PayoutPaidInput { BankReference = fileBankReference })))
                return Redirect($"/admin/payments?marked={Uri.EscapeDataString(FileId!)}#files");
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("fileId", "Payout file not found.");
        }
        if (Errors.Remove("bankReference", out var referenceErrors)) Errors["fileBankReference"] = referenceErrors;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var reference = Reference?.Trim() ?? "";
        var amount = AmountMad is { } mad && decimal.Round(mad, 2) == mad && mad is > 0 and <= Checks.MaxMad ? (long?)(mad * 100) : null;
        var body = new ConfirmPaymentInput { AmountMinor = amount, BankReference = BankReference };
        try
        {
            if (await TryAsync(async () => Confirmed = await payments.ConfirmTransferAsync(Me, reference, body)))
                return Redirect($"/admin/payments?confirmed={Uri.EscapeDataString(reference.ToUpperInvariant())}"); // a reload confirms nothing again
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("reference", "No payment has this reference.");
        }
        if (Errors.Remove("amountMinor", out var amountErrors)) Errors["amountMad"] = amountErrors;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPaidAsync(string? payoutId, string? payoutBankReference)
    {
        PayoutId = payoutId;
        try
        {
            if (await TryAsync(async () => Paid = await payments.MarkPaidAsync(Me, payoutId ?? "", new PayoutPaidInput { BankReference = payoutBankReference })))
                return Redirect($"/admin/payments?paid={Uri.EscapeDataString(Paid!.Id)}"); // a reload marks nothing again
        }
        catch (Jazari.Marketplace.Grains.MarketplaceException unknown) when (unknown.Problem is Jazari.Marketplace.Grains.Problem.NotFound)
        {
            AddError("", "Payout not found.");
        }
        if (Errors.Remove("bankReference", out var referenceErrors)) Errors["payoutBankReference"] = referenceErrors;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostProgrammeAsync()
    {
        var f = NewProgramme;
        var body = new ProgrammeInput
        {
            Id = f.Id?.Trim(), Name = f.Name, SubsidyPercent = f.SubsidyPercent,
            CapPerSmeMinor = Minor(f.CapPerSmeMad), BudgetMinor = Minor(f.BudgetMad),
            Rules = new ProgrammeRulesInput { Regions = f.Regions, Sectors = Split(f.Sectors), MinEmployees = f.MinEmployees, MaxEmployees = f.MaxEmployees },
        };
        if (await TryAsync(async () => Programme = await payments.CreateProgrammeAsync(Me, body)))
            return Redirect($"/admin/payments?programme={Uri.EscapeDataString(Programme!.Id)}#programmes");
        await LoadAsync();
        return Page();
    }

    /// <summary>An amount typed in MAD as minor units; 0 (refused by the API's checks) when it has more than two decimals.</summary>
    private static long? Minor(decimal? mad) => mad is not { } m ? null : decimal.Round(m, 2) == m && m is > 0 and <= Checks.MaxMad * 1000 ? (long)(m * 100) : 0;

    private async Task LoadAsync()
    {
        (Pending, OpenFiles) = await payments.WaitingAsync(Me);
        // A form of a file no longer listed (marked or withdrawn meanwhile): its errors go to the top of the page.
        if (FileId is { } shown && OpenFiles.All(f => f.FileId != shown) && Errors.Remove("withdrawReason", out var withdrawErrors))
            foreach (var error in withdrawErrors) (Errors.TryGetValue("", out var top) ? top : Errors[""] = []).Add(error);
        // The one just confirmed leaves the list moments later, with its engagement's follow-up: not shown meanwhile.
        var confirmed = Confirmed is null ? null : ConfirmedReference;
        Awaiting = [.. (await payments.AwaitingTransfersAsync(Me)).Where(t => t.Reference != confirmed).Reverse()];
    }
}

public sealed class ProgrammeForm
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public int? SubsidyPercent { get; set; }
    public decimal? CapPerSmeMad { get; set; }
    public decimal? BudgetMad { get; set; }
    public List<string?> Regions { get; set; } = [];
    public string? Sectors { get; set; }
    public int? MinEmployees { get; set; }
    public int? MaxEmployees { get; set; }
}
