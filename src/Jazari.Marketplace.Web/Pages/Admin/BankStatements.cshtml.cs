using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// Statement reconciliation for admins: upload the bank's statement (camt.053, or a CSV export read through a saved
/// mapping; the same command as the API's), then see the transfers it confirmed, the payouts it marked paid and the
/// entries left for a decision; the latest statements; the banks' CSV mappings.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = Extensions.BodyLimits.Statement)]
public sealed class BankStatementsModel(IGrainFactory grains, Text text, BankStatementCommands statements) : MarketplacePage(grains, text)
{
    /// <summary>The value of the format list that means camt.053 (the others name a CSV mapping).</summary>
    public const string Camt = "camt.053";

    public IReadOnlyList<BankStatementSummary> Latest { get; private set; } = [];
    public IReadOnlyList<BankMappingResponse> Mappings { get; private set; } = [];
    public StatementResponse? Statement { get; private set; }
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public bool Repeated { get; set; }
    /// <summary>The mapping just saved (the page is reloaded after the save, so that a reload repeats nothing and the
    /// upload form posts to the upload, not to the mapping's save).</summary>
    [BindProperty(SupportsGet = true)] public string? Mapped { get; set; }
    public BankMappingResponse? SavedMapping { get; private set; }

    [BindProperty] public MappingForm Mapping { get; set; } = new();

    public async Task OnGetAsync()
    {
        if (Id is { } id)
            try { Statement = await statements.GetAsync(Me, id); }
            catch (Jazari.Marketplace.Grains.MarketplaceException missing) when (missing.Problem is Jazari.Marketplace.Grains.Problem.NotFound) { AddError("", "Statement not found."); }
        await LoadAsync();
        SavedMapping = Mappings.FirstOrDefault(m => m.Name == Mapped);
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? format)
    {
        if (file is null || file.Length == 0) AddError("file", "Required.");
        else if (file.Length > Extensions.BodyLimits.Statement - 64 * 1024) AddError("file", "The file is too large.");
        else
        {
            using var body = new MemoryStream();
            await using (var stream = file.OpenReadStream()) await stream.CopyToAsync(body);
            StatementResponse? result = null;
            var csv = format is { Length: > 0 } f && f != Camt;
            await TryAsync(async () => result = await statements.ReconcileAsync(Me, body.ToArray(),
                csv ? BankStatementCommands.Csv : BankStatementCommands.Xml, csv ? format : null));
            if (result is not null) return Redirect($"/admin/bank-statements?id={result.StatementId}{(result.Repeated ? "&repeated=true" : "")}");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostMappingAsync()
    {
        var f = Mapping;
        var input = new BankMappingInput
        {
            Delimiter = f.Delimiter, DecimalMark = f.DecimalMark, AmountColumn = Blank(f.AmountColumn), CreditColumn = Blank(f.CreditColumn),
            LabelColumns = Split(f.LabelColumns), BankReferenceColumn = Blank(f.BankReferenceColumn), CurrencyColumn = Blank(f.CurrencyColumn),
            AccountColumn = Blank(f.AccountColumn),
        };
        BankMappingResponse? saved = null;
        await TryAsync(async () => saved = await statements.SaveMappingAsync(Me, f.Name?.Trim() ?? "", input));
        if (saved is not null) return Redirect($"/admin/bank-statements?mapped={Uri.EscapeDataString(saved.Name)}");
        await LoadAsync();
        return Page();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task LoadAsync()
    {
        Latest = await statements.LatestAsync(Me);
        Mappings = await statements.MappingsAsync(Me);
    }
}

public sealed class MappingForm
{
    public string? Name { get; set; }
    public string? Delimiter { get; set; } = ";";
    public string? DecimalMark { get; set; } = ",";
    public string? AmountColumn { get; set; }
    public string? CreditColumn { get; set; }
    public string? LabelColumns { get; set; }
    public string? BankReferenceColumn { get; set; }
    public string? CurrencyColumn { get; set; }
    public string? AccountColumn { get; set; }
}
