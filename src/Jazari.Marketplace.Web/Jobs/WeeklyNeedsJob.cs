using System.Globalization;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Matchmaking;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>Every Monday, each startup gets the open needs that fit it best (the matching engine) in one e-mail, once per ISO week.</summary>
public sealed class WeeklyNeedsJob(IGrainFactory grains, IBackgroundJobClient jobs, Notifier notifier, NotificationSettings settings,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public const int MaxNeeds = 10;

    /// <summary>The recurring job: one job per listed startup, so one failure holds back nobody else.</summary>
    [Queue(Queues.Default)]
    public async Task RunAsync()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var week = $"{ISOWeek.GetYear(now)}-W{ISOWeek.GetWeekOfYear(now):00}";
        var members = await Task.WhenAll(Reference.Categories.Select(c => grains.GetGrain<IStartupMatchmakingGrain>(c).MembersAsync()));
        foreach (var startupId in members.SelectMany(m => m).Distinct())
            jobs.Enqueue<WeeklyNeedsJob>(j => j.ForStartupAsync(startupId, week));
    }

    [Queue(Queues.Notifications)]
    public async Task ForStartupAsync(string startupId, string week)
    {
        var startup = grains.GetGrain<IStartupGrain>(startupId);
        var profile = await startup.GetAsync(NeedNotices.System);
        if (profile.OwnerAccountId is null || await startup.GetCardAsync() is not { } card) return;
        var fits = await grains.NeedsForStartupAsync(startupId, card, MaxNeeds, profile.Details.Languages.FirstOrDefault() ?? "fr");
        var needs = (await Task.WhenAll(fits.Select(n => grains.GetGrain<INeedGrain>(n.Id).GetListingAsync())))
            .Where(n => n?.Status == NeedStatus.Open).ToList();
        if (needs.Count == 0) return;
        var startupName = profile.Details.Name;
        // Written in each reader's language when the e-mail is made (region named, deadline in its format, title isolated).
        var items = System.Text.Json.JsonSerializer.Serialize(needs.Select(n => new EmailTemplates.NeedItem(n!.Details.Title, n.Details.Region, settings.LastDayToBid(n), notifier.NeedLink(n.Id))));
        await notifier.NotifyAsync(profile.OwnerAccountId, NotificationKinds.WeeklyNeeds, $"weekly:{week}", new Dictionary<string, string>
        {
            ["startup"] = startupName, ["count"] = $"{needs.Count}", ["items"] = items, ["needsLink"] = notifier.NeedsLink,
        });
    }
}
