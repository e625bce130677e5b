using System.Globalization;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>Every Monday, each startup gets the open needs that fit it in one e-mail (once per ISO week).</summary>
public sealed class WeeklyNeedsJob(IGrainFactory grains, IBackgroundJobClient jobs, Notifier notifier, TimeProvider time)
{
    public const int MaxNeeds = 10;

    /// <summary>The recurring job: one job per listed startup, so one failure holds back nobody else.</summary>
    [Queue(Queues.Default)]
    public async Task RunAsync()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var week = $"{ISOWeek.GetYear(now)}-W{ISOWeek.GetWeekOfYear(now):00}";
        var listed = await Task.WhenAll(Reference.Categories.Select(c => grains.GetGrain<IStartupCatalogueGrain>(c).ListAsync()));
        foreach (var startupId in listed.SelectMany(l => l).Select(s => s.StartupId).Distinct())
            jobs.Enqueue<WeeklyNeedsJob>(j => j.ForStartupAsync(startupId, week));
    }

    [Queue(Queues.Notifications)]
    public async Task ForStartupAsync(string startupId, string week)
    {
        var startup = await grains.GetGrain<IStartupGrain>(startupId).GetAsync(NeedNotices.System);
        if (startup.OwnerAccountId is null) return;
        var serves = new ListedStartup(startupId, ListedStartup.RegionMask(startup.Details.RegionsServed));
        var pages = await Task.WhenAll(startup.Details.Categories.Select(c => grains.GetGrain<IOpenNeedsGrain>(c).ListAsync(null, 200)));
        var newest = pages.SelectMany(p => p.Needs).Where(n => serves.Serves(n.Region))
            .OrderByDescending(n => n.PublishedAt).Take(MaxNeeds);
        var needs = (await Task.WhenAll(newest.Select(n => grains.GetGrain<INeedGrain>(n.NeedId).GetListingAsync())))
            .Where(n => n?.Status == NeedStatus.Open && n.Details.BudgetMaxMinor >= startup.Details.PriceMinMinor).ToList();
        if (needs.Count == 0) return;
        var items = needs.Select(n => $"• {n!.Details.Title} ({n.Details.Region}, {n.Details.Deadline:yyyy-MM-dd}): {notifier.NeedLink(n.Id)}");
        await notifier.NotifyAsync(startup.OwnerAccountId, NotificationKinds.WeeklyNeeds, $"weekly:{week}", new Dictionary<string, string>
        {
            ["startup"] = startup.Details.Name, ["count"] = $"{needs.Count}", ["items"] = string.Join("\n", items), ["needsLink"] = notifier.NeedsLink,
        });
    }
}
