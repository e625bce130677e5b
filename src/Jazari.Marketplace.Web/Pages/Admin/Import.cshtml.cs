using System.Text.Json;
using Jazari.Marketplace.Web.Import;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// Upload of a catalogue (the API's import JSON: smes, startups, needs); the same import runs, and its report
/// (created, updated, refused with the reasons) is shown after a redirect, so a reload does not send the file again.
/// Files above <see cref="MaxBytes"/> are refused unread.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = Extensions.BodyLimits.Import)]
public sealed class ImportModel(IGrainFactory grains, Text text, AdminCommands admin, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    : MarketplacePage(grains, text)
{
    /// <summary>An example file to write one from: the demo catalogue, every field as the import reads it.</summary>
    public async Task<IActionResult> OnGetExampleAsync() => File(System.Text.Encoding.UTF8.GetBytes(
        await Demo.DemoCatalogue.TextAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))), "application/json", "catalogue-example.json");

    /// <summary>Read as <c>POST /api/admin/import</c> reads it: numbers are JSON numbers, not numbers in quotes, and a
    /// property given twice is refused (which one was meant?).</summary>
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerOptions.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
    };

    /// <summary>The import endpoint's own limit (16 MiB for the whole request), less room for the form around the file.</summary>
    public const long MaxBytes = Extensions.BodyLimits.Import - 64 * 1024;

    /// <summary>The refused records the report lists at most (the count says how many there were).</summary>
    public const int Listed = 50;

    /// <summary>
    /// The report rides in the redirect's TempData cookie, sent back with every request until it is read: it keeps to
    /// about this many characters of JSON (ids and reasons shortened, a long list of codes left to the page's list). A
    /// report of any size split into many cookies made every next request too large (431), the whole site lost.
    /// </summary>
    public const int ShownSize = 3000;

    /// <summary>The accepted values of a "Must be one of: a, b, c." refusal, as the checks list them ("" when left to the
    /// page's list of codes); null for another refusal.</summary>
    public static string? OneOf(string reason) =>
        reason.StartsWith(OneOfPrefix, StringComparison.Ordinal) ? reason[OneOfPrefix.Length..].Trim().TrimEnd('.') : null;

    private const string OneOfPrefix = "Must be one of:";

    private static string Cut(string text, int most) => text.Length <= most ? text : text[..most] + "…";

    /// <summary>The refused records shown, shortened to fit <see cref="ShownSize"/>; the first always.</summary>
    private static List<ImportRefusal> Shown(IReadOnlyList<ImportRefusal> refused)
    {
        static string Short(string reason) => OneOf(reason) is { Length: > 60 } ? OneOfPrefix : Cut(reason, 200);
        var shown = new List<ImportRefusal>();
        var size = 0;
        foreach (var r in refused.Take(Listed))
        {
            var cut = r with
            {
                Id = r.Id is null ? null : Cut(r.Id, 64),
                // The fields are the checks' own names ("milestones[0].title"): short, and each once.
                Errors = r.Errors.Take(12).ToDictionary(e => e.Key, e => e.Value.Take(2).Select(Short).ToArray()),
            };
            size += JsonSerializer.Serialize(cut).Length;
            if (size > ShownSize && shown.Count > 0) break;
            shown.Add(cut);
        }
        return shown;
    }

    public ImportReport? Report { get; private set; }
    public int RefusedCount { get; private set; }

    public void OnGet()
    {
        if (TempData[nameof(Report)] is not string json) return;
        var shown = JsonSerializer.Deserialize<ShownReport>(json)!;
        (Report, RefusedCount) = (new ImportReport(shown.Created, shown.Updated, shown.Refused), shown.RefusedCount);
    }

    private sealed record ShownReport(ImportCounts Created, ImportCounts Updated, int RefusedCount, IReadOnlyList<ImportRefusal> Refused);

    public async Task<IActionResult> OnPostAsync(IFormFile? file)
    {
        if (file is null || file.Length == 0) { AddError("file", "Required."); return Page(); }
        if (file.Length > MaxBytes) { AddError("file", "The file is too large."); return Page(); }
        CatalogueInput? input;
        try
        {
            await using var stream = file.OpenReadStream();
            input = await JsonSerializer.DeserializeAsync<CatalogueInput>(stream, Strict);
        }
        catch (JsonException wrong)
        {
            // Where it went wrong, as the file names it: "$.smes[3].id" (a property given twice, a text for a number...).
            if (wrong.Path is { Length: > 1 } path) { AddError("file", $"The file is not the import's JSON: see {Cut(path, 100)}."); return Page(); }
            input = null;
        }
        if (input is null) { AddError("file", "The file is not the import's JSON."); return Page(); }
        ImportReport? report = null;
        if (!await TryAsync(async () => report = await admin.ImportAsync(Me, input))) return Page();
        TempData[nameof(Report)] = JsonSerializer.Serialize(new ShownReport(report!.Created, report.Updated, report.Refused.Count, Shown(report.Refused)));
        return RedirectToPage();
    }
}
