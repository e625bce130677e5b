namespace Jazari.Marketplace.Web.Notifications;

/// <summary>The <c>Notifications</c> section: follow-up delays and thresholds, digest and weekly times, links.</summary>
public sealed class NotificationSettings
{
    /// <summary>The address people open links at (unsubscribe, needs); unset, the host's own address (<see cref="Extensions.PublicAddress"/>).</summary>
    public string PublicUrl { get; set; } = "";
    public int MatchesPerRound { get; set; } = 5;
    public TimeSpan FewBidsAfter { get; set; } = TimeSpan.FromDays(3);
    /// <summary>Fewer active bids than this after <see cref="FewBidsAfter"/>: the next matches are told, the SME advised.</summary>
    public int FewBidsBelow { get; set; } = 3;
    public TimeSpan DecisionReminderAfter { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan OpenAtMost { get; set; } = TimeSpan.FromDays(30);
    public int DigestHourUtc { get; set; } = 7;
    /// <summary>Cron (UTC) of the weekly e-mail of open needs to startups: Mondays 08:00 UTC (09:00 in Morocco).</summary>
    public string WeeklyNeedsCron { get; set; } = "0 8 * * 1";
    /// <summary>Cron (UTC) of the sweep that re-raises unconfirmed need events and expires overdue needs.</summary>
    public string SweepCron { get; set; } = "17 * * * *";
    /// <summary>How long one sending attempt holds a notification before another may take it over.</summary>
    public TimeSpan SendLease { get; set; } = TimeSpan.FromMinutes(3);
    /// <summary>Key of the signed unsubscribe and dashboard links; generated under the data folder when unset.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The last day startups can bid on a need, in Morocco: its deadline, or the day it has been open <see cref="OpenAtMost"/>
    /// if that comes first (<see cref="Jobs.NeedFollowUps.ExpiresAt"/> closes it at that day's end). A draft's is its deadline.
    /// </summary>
    public DateOnly LastDayToBid(Grains.Needs.NeedView need) =>
        need.PublishedAt is { } published && Languages.Formats.Today(published + OpenAtMost) is var cap && cap < need.Details.Deadline
            ? cap : need.Details.Deadline;

    /// <summary>A draft's last day to bid if it were published at <paramref name="now"/> (its deadline, or sooner).</summary>
    public DateOnly LastDayIfPublished(Grains.Needs.NeedView draft, DateTimeOffset now) =>
        LastDayToBid(draft with { PublishedAt = now });

    public static NotificationSettings From(IConfiguration config) => config.GetSection("Notifications").Get<NotificationSettings>() ?? new();

    /// <summary>When the digest holding something recorded at <paramref name="now"/> goes out.</summary>
    public DateTimeOffset NextDigestAt(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(DigestHourUtc);
        return today > now ? today : today.AddDays(1);
    }
}
