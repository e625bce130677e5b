using System.Globalization;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>What the need jobs tell people: the values of a need or bid for the templates, and to whom.</summary>
public sealed class NeedNotices(IGrainFactory grains, Notifier notifier, StartupMatches matches, NotificationSettings settings)
{
    internal static readonly Caller System = new(Auth.AdminToken.AccountId, Roles.Admin);

    /// <summary>Tells one round of matches (0: on publication, 1: when bids are few); a startup hears of a need once.</summary>
    public async Task TellMatchesAsync(NeedView need, int round)
    {
        var perRound = settings.MatchesPerRound;
        foreach (var match in (await matches.ForNeedAsync(need, perRound * (round + 1))).Skip(perRound * round))
            await notifier.NotifyAsync(match.AccountId, NotificationKinds.NeedMatch, $"need:{need.Id}:match",
                new Dictionary<string, string>(NeedValues(need)) { ["startup"] = match.Name });
    }

    /// <summary>The SME's account; null for a need brought in by an import.</summary>
    public async Task<string?> OwnerAsync(NeedView need) =>
        (await grains.GetGrain<ISmeGrain>(need.SmeId).GetAsync(System)).OwnerAccountId;

    public Dictionary<string, string> NeedValues(NeedView need) => new()
    {
        ["title"] = need.Details.Title,
        ["category"] = need.Details.Category,
        ["region"] = need.Details.Region,
        ["budget"] = $"{Payments.Money.Format(need.Details.BudgetMinMinor)} – {Payments.Money.Format(need.Details.BudgetMaxMinor)}",
        ["deadline"] = $"{settings.LastDayToBid(need):yyyy-MM-dd}",
        ["link"] = notifier.NeedLink(need.Id),
        ["needsLink"] = notifier.NeedsLink,
    };

    public Dictionary<string, string> BidValues(NeedView need, Bid bid) => new(NeedValues(need))
    {
        ["startup"] = bid.StartupName,
        ["price"] = Payments.Money.Format(bid.Offer.PriceMinor), // written in the reader's format, centimes kept
        ["duration"] = bid.Offer.DurationDays.ToString(CultureInfo.InvariantCulture),
    };
}
