using System.Text.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Web.Extensions;
using Jazari.Marketplace.Web.Import;

namespace Jazari.Marketplace.Web.Demo;

/// <summary>
/// On an empty data folder, loads a small living marketplace (SMEs, startups and needs across regions, in
/// Arabic, French and English) through the same import an admin uses. <c>Demo:Enabled=false</c> turns it off.
/// Deadlines in the file are written <c>{{today+N}}</c> so the demo never starts out expired.
/// </summary>
internal sealed partial class DemoCatalogue(
    IConfiguration config, MarketplaceSettings settings, CatalogueImport import, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<DemoCatalogue> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var marker = Path.Combine(settings.DataDir, "demo-loaded");
        if (!config.GetValue("Demo:Enabled", false) || File.Exists(marker)) return;
        await WhenStartedAsync(stopping);

        var text = await TextAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var input = JsonSerializer.Deserialize<CatalogueInput>(text, JsonSerializerOptions.Web)!;

        var report = await import.RunAsync(input);
        if (report.Refused.Count > 0)
            log.LogWarning("Demo records refused: {Refused}", JsonSerializer.Serialize(report.Refused));
        await File.WriteAllTextAsync(marker, time.GetUtcNow().ToString("O"), stopping);
        log.LogInformation("Demo loaded: {Smes} SMEs, {Startups} startups, {Needs} needs",
            report.Created.Smes, report.Created.Startups, report.Created.Needs);
    }

    /// <summary>The demo catalogue as an import file, its deadlines counted from <paramref name="today"/> (also the import
    /// page's example file).</summary>
    public static async Task<string> TextAsync(DateOnly today)
    {
        await using var resource = typeof(DemoCatalogue).Assembly.GetManifestResourceStream("Jazari.Marketplace.Web.Demo.demo.json")!;
        var text = await new StreamReader(resource).ReadToEndAsync();
        return RelativeDate().Replace(text, m => today.AddDays(int.Parse(m.Groups[1].Value)).ToString("yyyy-MM-dd"));
    }

    private Task WhenStartedAsync(CancellationToken stopping)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stopping);
    }

    [GeneratedRegex(@"\{\{today\+(\d+)\}\}")]
    private static partial Regex RelativeDate();
}
