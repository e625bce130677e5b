using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// The follow-ups of a published need, scheduled from its publication time. Each re-reads the need, does
/// nothing when it moved on or is not due, and records its notifications under keys that make a rerun a no-op.
/// </summary>
public sealed class NeedFollowUps(IGrainFactory grains, IBackgroundJobClient jobs, NeedNotices notices, Notifier notifier, NotificationSettings settings, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, ILogger<NeedFollowUps> log)
{
    public void Schedule(NeedView need)
    {
        var published = need.PublishedAt ?? need.CreatedAt;
        jobs.Schedule<NeedFollowUps>(f => f.FewBidsAsync(need.Id), published + settings.FewBidsAfter);
        jobs.Schedule<NeedFollowUps>(f => f.DecisionReminderAsync(need.Id), published + settings.DecisionReminderAfter);
        jobs.Schedule<NeedFollowUps>(f => f.ExpireAsync(need.Id), ExpiresAt(need));
    }

    /// <summary>
    /// The end of the need's last day to bid (<see cref="NotificationSettings.LastDayToBid"/>, the day its pages and e-mails
    /// show: its deadline, or the day it has been open <see cref="NotificationSettings.OpenAtMost"/>), at midnight in
    /// Morocco, where that day is read. Closing at the very moment 30 days after publication ended the day shown as the
    /// last one in its middle; closing at midnight UTC left it open an hour into the next day.
    /// </summary>
    public DateTimeOffset ExpiresAt(NeedView need) => Languages.Formats.StartOf(settings.LastDayToBid(need).AddDays(1));

    /// <summary>Open for <see cref="NotificationSettings.FewBidsAfter"/> with few bids: the next matches are told, the SME advised.</summary>
    [Queue(Queues.FollowUps)]
    public async Task FewBidsAsync(string needId)
    {
        var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(NeedNotices.System);
        var bids = need.Bids.Count(b => b.Status == BidStatus.Submitted);
        if (need.Status != NeedStatus.Open || !Due(need, settings.FewBidsAfter) || bids >= settings.FewBidsBelow) return;
        await notices.TellMatchesAsync(need, 1);
        await notifier.NotifyAsync(await notices.OwnerAsync(need), NotificationKinds.FewBids, $"need:{needId}:few-bids",
            new Dictionary<string, string>(notices.NeedValues(need)) { ["bids"] = $"{bids}", ["days"] = $"{settings.FewBidsAfter.TotalDays:0}" });
    }

    /// <summary>Bids waiting and none accepted after <see cref="NotificationSettings.DecisionReminderAfter"/>: the SME is reminded to decide.</summary>
    [Queue(Queues.FollowUps)]
    public async Task DecisionReminderAsync(string needId)
    {
        var need = await grains.GetGrain<INeedGrain>(needId).GetAsync(NeedNotices.System);
        var bids = need.Bids.Count(b => b.Status == BidStatus.Submitted);
        if (need.Status != NeedStatus.Open || !Due(need, settings.DecisionReminderAfter) || bids == 0) return;
        await notifier.NotifyAsync(await notices.OwnerAsync(need), NotificationKinds.DecisionReminder, $"need:{needId}:decision-reminder",
            new Dictionary<string, string>(notices.NeedValues(need)) { ["bids"] = $"{bids}", ["days"] = $"{settings.DecisionReminderAfter.TotalDays:0}" });
    }

    /// <summary>Past the deadline or open too long with no award: the need expires (its bidders are told by the Expired event).</summary>
    [Queue(Queues.FollowUps)]
    public async Task ExpireAsync(string needId)
    {
        var grain = grains.GetGrain<INeedGrain>(needId);
        var need = await grain.GetAsync(NeedNotices.System);
        if (need.Status == NeedStatus.Open && time.GetUtcNow() >= ExpiresAt(need)) await grain.ExpireAsync();
    }

    /// <summary>
    /// Safety net of the expiry (run by <see cref="FollowUpSweep"/>): expires overdue open needs whose scheduled
    /// expiry was lost.
    /// </summary>
    public async Task ExpireOverdueAsync()
    {
        foreach (var category in Reference.Categories)
        {
            var open = await grains.GetGrain<IOpenNeedsGrain>(category).ListAsync(null, 0, int.MaxValue);
            foreach (var listed in open.Needs)
            {
                try
                {
                    await ExpireAsync(listed.NeedId);
                }
                catch (Exception failure) // one broken need must not hold back the others
                {
                    log.LogError(failure, "Expiry sweep: need {NeedId} failed", listed.NeedId);
                }
            }
        }
    }

    private bool Due(NeedView need, TimeSpan after) => time.GetUtcNow() >= (need.PublishedAt ?? need.CreatedAt) + after;
}
