using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>
/// A startup's KPIs, kept up to date as marketplace events happen (bids, awards, milestones, reviews,
/// mentor sessions, self-reported figures). Every event carries a key (bid id, milestone key...) and a
/// repeated event changes nothing. After each change the figures are pushed to the rows of the startup's cohorts.
/// </summary>
public interface IStartupActivityGrain : IGrainWithStringKey
{
    Task BidSubmittedAsync(string bidId, DateTimeOffset at);
    Task BidWonAsync(string bidId, string smeId, long priceMinor, DateTimeOffset at);
    /// <summary>A won mission was ended before it was done: what was not released leaves the contracted revenue (in the
    /// award's month too), and when nothing was released the win and the SME no longer count. Once per need.</summary>
    Task AwardEndedAsync(string needId, string smeId, long contractedMinor, long releasedMinor, DateTimeOffset awardedAt);
    /// <summary>For payments: a milestone delivered, on time when delivered on or before its due date.</summary>
    Task MilestoneDeliveredAsync(string milestoneKey, DateOnly dueOn, DateTimeOffset deliveredAt);
    /// <summary>For payments: money of a milestone released to the startup.</summary>
    Task MilestoneReleasedAsync(string milestoneKey, long amountMinor, DateTimeOffset at);
    /// <summary>For reviews: an SME rated the startup's work, 1 to 5 stars (the review's overall, fractions kept).</summary>
    Task ReviewedAsync(string reviewKey, double stars);
    /// <summary>For reviews: a counted review was hidden by an admin and leaves the rating, as it leaves the startup's.</summary>
    Task ReviewHiddenAsync(string reviewKey, double stars);
    /// <summary>
    /// For payments: a payout of released money to the startup (net of the fee), pending until the bank transfer is
    /// marked paid. Reporting it paid after pending moves its amount from pending to paid out, declined takes it off
    /// pending; each state counts once.
    /// </summary>
    Task PayoutAsync(string payoutId, long netMinor, PayoutStatus status, DateTimeOffset at);
    Task MentorSessionsChangedAsync(int sessions, double? averageRating);
    /// <summary>How many months of activity and figures are kept (the latest).</summary>
    const int MonthsKept = 60;
    Task ReportFiguresAsync(MonthlyFigures figures);
    /// <summary>The startup joined a cohort (already holding its row): its figures are pushed there now and after every change.</summary>
    Task JoinCohortAsync(string cohortId, string instituteId);
    /// <summary>The startup left the cohort: its figures go there no more, and the cohort's managers no longer read them.</summary>
    Task LeaveCohortAsync(string cohortId);
    Task<StartupActivityView> GetAsync();
}

/// <summary>The figures of one startup as a cohort's dashboard shows them; <see cref="Version"/> orders snapshots.</summary>
[GenerateSerializer, Alias("jazari.startup-kpis")]
public sealed record StartupKpis(
    [property: Id(0)] long Version,
    [property: Id(1)] int BidsSubmitted,
    [property: Id(2)] int BidsWon,
    [property: Id(3)] long RevenueContractedMinor,
    [property: Id(4)] long RevenueReleasedMinor,
    [property: Id(5)] int MilestonesDelivered,
    [property: Id(6)] int MilestonesOnTime,
    [property: Id(7)] double? Rating,
    [property: Id(8)] int MentorSessions,
    [property: Id(9)] double? MentorSessionRating,
    [property: Id(10)] int? Employees,
    [property: Id(11)] long? LatestRevenueMinor,
    [property: Id(12)] string? LatestFiguresMonth,
    [property: Id(13)] int SmesServed,
    /// <summary>Released money actually paid to the startup (net of the fee); <see cref="RevenueReleasedMinor"/> counts it when released.</summary>
    [property: Id(14)] long PaidOutMinor = 0,
    /// <summary>Released money whose payout to the startup waits for its bank transfer (net of the fee).</summary>
    [property: Id(15)] long PayoutPendingMinor = 0)
{
    /// <summary>A new instance each time: a shared one was seen overwritten when Orleans read a state into its default value.</summary>
    public static StartupKpis None => new(0, 0, 0, 0, 0, 0, 0, null, 0, null, null, null, null, 0, 0, 0);
    public double WinRate => BidsSubmitted == 0 ? 0 : Math.Round((double)BidsWon / BidsSubmitted, 3);
}

/// <summary>What the startup did on the marketplace in one month (yyyy-MM).</summary>
[GenerateSerializer, Alias("jazari.month-activity")]
public sealed record MonthActivity(
    [property: Id(0)] string Month,
    [property: Id(1)] int BidsSubmitted,
    [property: Id(2)] int BidsWon,
    [property: Id(3)] long RevenueContractedMinor,
    [property: Id(4)] long RevenueReleasedMinor,
    [property: Id(5)] int MilestonesDelivered);

/// <summary>What a startup reports itself for one month (yyyy-MM); money in minor units of MAD.</summary>
[GenerateSerializer, Alias("jazari.monthly-figures")]
public sealed record MonthlyFigures(
    [property: Id(0)] string Month,
    [property: Id(1)] long RevenueMinor,
    [property: Id(2)] int Employees,
    [property: Id(3)] long FundingRaisedMinor);

[GenerateSerializer, Alias("jazari.cohort-link")]
public sealed record CohortLink([property: Id(0)] string CohortId, [property: Id(1)] string InstituteId);

[GenerateSerializer, Alias("jazari.startup-activity-view")]
public sealed record StartupActivityView(
    [property: Id(0)] StartupKpis Kpis,
    [property: Id(1)] IReadOnlyList<MonthActivity> Months,
    [property: Id(2)] IReadOnlyList<MonthlyFigures> Figures,
    [property: Id(3)] IReadOnlyList<CohortLink> Cohorts,
    [property: Id(4)] IReadOnlyList<string> SmeIds);

[GenerateSerializer, Alias("jazari.startup-activity-state")]
public sealed class StartupActivityState
{
    [Id(0)] public StartupKpis Kpis { get; set; } = StartupKpis.None;
    /// <summary>Keys of the events already counted (the most recent ones), so a repeated event counts once.</summary>
    [Id(1)] public List<string> Counted { get; set; } = [];
    [Id(2)] public List<MonthActivity> Months { get; set; } = [];
    [Id(3)] public List<MonthlyFigures> Figures { get; set; } = [];
    [Id(4)] public List<CohortLink> Cohorts { get; set; } = [];
    [Id(5)] public List<string> SmeIds { get; set; } = [];
    [Id(6)] public long RatingStars { get; set; }
    [Id(7)] public int RatingCount { get; set; }
    /// <summary>
    /// The sum of the counted reviews' overall ratings, fractions kept (<see cref="RatingStars"/> summed them rounded to
    /// whole stars: a state with only that one is carried over on its next review).
    /// </summary>
    [Id(8)] public double RatingTotal { get; set; }
}

internal sealed class StartupActivityGrain(
    [PersistentState("startup-activity", "marketplace")] IPersistentState<StartupActivityState> state,
    IGrainFactory grains) : Grain, IStartupActivityGrain
{
    public const int RememberedEvents = 1500;
    public const int MaxMonths = IStartupActivityGrain.MonthsKept;
    public const int MaxCohorts = 20;
    public const int MaxSmes = 500;

    private StartupActivityState S => state.State;

    public Task BidSubmittedAsync(string bidId, DateTimeOffset at) =>
        CountOnceAsync($"submitted:{bidId}", at, k => k with { BidsSubmitted = k.BidsSubmitted + 1 }, m => m with { BidsSubmitted = m.BidsSubmitted + 1 });

    public Task BidWonAsync(string bidId, string smeId, long priceMinor, DateTimeOffset at) =>
        CountOnceAsync($"won:{bidId}", at, k =>
        {
            if (!S.SmeIds.Contains(smeId) && S.SmeIds.Count < MaxSmes) S.SmeIds.Add(smeId);
            return k with { BidsWon = k.BidsWon + 1, RevenueContractedMinor = k.RevenueContractedMinor + priceMinor, SmesServed = S.SmeIds.Count };
        }, m => m with { BidsWon = m.BidsWon + 1, RevenueContractedMinor = m.RevenueContractedMinor + priceMinor });

    public Task AwardEndedAsync(string needId, string smeId, long contractedMinor, long releasedMinor, DateTimeOffset awardedAt)
    {
        var unreleased = Math.Max(0, contractedMinor - releasedMinor);
        var won = releasedMinor == 0 ? 1 : 0; // an award that came to nothing is no win
        return CountOnceAsync($"ended:{needId}", awardedAt, k =>
        {
            if (won == 1) S.SmeIds.Remove(smeId);
            return k with { BidsWon = Math.Max(0, k.BidsWon - won), RevenueContractedMinor = Math.Max(0, k.RevenueContractedMinor - unreleased), SmesServed = S.SmeIds.Count };
        }, m => m with { BidsWon = Math.Max(0, m.BidsWon - won), RevenueContractedMinor = Math.Max(0, m.RevenueContractedMinor - unreleased) });
    }

    public Task MilestoneDeliveredAsync(string milestoneKey, DateOnly dueOn, DateTimeOffset deliveredAt)
    {
        var onTime = DateOnly.FromDateTime(deliveredAt.UtcDateTime) <= dueOn ? 1 : 0;
        return CountOnceAsync($"delivered:{milestoneKey}", deliveredAt,
            k => k with { MilestonesDelivered = k.MilestonesDelivered + 1, MilestonesOnTime = k.MilestonesOnTime + onTime },
            m => m with { MilestonesDelivered = m.MilestonesDelivered + 1 });
    }

    public Task MilestoneReleasedAsync(string milestoneKey, long amountMinor, DateTimeOffset at) =>
        CountOnceAsync($"released:{milestoneKey}", at, k => k with { RevenueReleasedMinor = k.RevenueReleasedMinor + amountMinor },
            m => m with { RevenueReleasedMinor = m.RevenueReleasedMinor + amountMinor });

    public Task ReviewedAsync(string reviewKey, double stars)
    {
        if (stars is < 1 or > 5) throw MarketplaceException.Invalid("stars", "Must be between 1 and 5.");
        if (S.Counted.Contains($"review-hidden:{reviewKey}")) return Task.CompletedTask;
        return CountOnceAsync($"review:{reviewKey}", null, k =>
        {
            if (S.RatingTotal == 0) S.RatingTotal = S.RatingStars;
            S.RatingTotal += stars;
            S.RatingCount++;
            return k with { Rating = Math.Round(S.RatingTotal / S.RatingCount, 2) };
        }, m => m);
    }

    public Task ReviewHiddenAsync(string reviewKey, double stars)
    {
        var counted = S.Counted.Contains($"review:{reviewKey}");
        return CountOnceAsync($"review-hidden:{reviewKey}", null, k =>
        {
            if (!counted || S.RatingCount == 0) return k;
            if (S.RatingTotal == 0) S.RatingTotal = S.RatingStars;
            S.RatingTotal = Math.Max(0, S.RatingTotal - stars);
            S.RatingCount--;
            return k with { Rating = S.RatingCount == 0 ? null : Math.Clamp(Math.Round(S.RatingTotal / S.RatingCount, 2), 1, 5) };
        }, m => m);
    }

    public Task PayoutAsync(string payoutId, long netMinor, PayoutStatus status, DateTimeOffset at)
    {
        // Counted as pending, and not yet taken off by a decline (a declined payout the bank paid all the same is paid once).
        var pending = S.Counted.Contains($"payout-pending:{payoutId}") && !S.Counted.Contains($"payout-declined:{payoutId}");
        long LessPending(StartupKpis k) => pending ? Math.Max(0, k.PayoutPendingMinor - netMinor) : k.PayoutPendingMinor;
        return status switch
        {
            PayoutStatus.Paid => CountOnceAsync($"payout-paid:{payoutId}", null, k => k with { PaidOutMinor = k.PaidOutMinor + netMinor, PayoutPendingMinor = LessPending(k) }, m => m),
            // Declined by an admin: no longer on its way to the startup.
            PayoutStatus.Declined => CountOnceAsync($"payout-declined:{payoutId}", null, k => k with { PayoutPendingMinor = LessPending(k) }, m => m),
            _ => CountOnceAsync($"payout-pending:{payoutId}", null, k => k with { PayoutPendingMinor = k.PayoutPendingMinor + netMinor }, m => m),
        };
    }

    public async Task MentorSessionsChangedAsync(int sessions, double? averageRating)
    {
        if (S.Kpis.MentorSessions == sessions && S.Kpis.MentorSessionRating == averageRating) { await PushRowsAsync(); return; }
        await ChangeAsync(S.Kpis with { MentorSessions = sessions, MentorSessionRating = averageRating });
    }

    public async Task ReportFiguresAsync(MonthlyFigures figures)
    {
        var existing = S.Figures.FindIndex(f => f.Month == figures.Month);
        if (existing >= 0 && S.Figures[existing] == figures) { await PushRowsAsync(); return; }
        if (existing >= 0) S.Figures[existing] = figures;
        else S.Figures.Add(figures);
        S.Figures.Sort((a, b) => string.CompareOrdinal(a.Month, b.Month));
        if (S.Figures.Count > MaxMonths) S.Figures.RemoveAt(0);
        var latest = S.Figures[^1];
        await ChangeAsync(S.Kpis with { Employees = latest.Employees, LatestRevenueMinor = latest.RevenueMinor, LatestFiguresMonth = latest.Month });
    }

    public async Task JoinCohortAsync(string cohortId, string instituteId)
    {
        if (!S.Cohorts.Any(c => c.CohortId == cohortId))
        {
            if (S.Cohorts.Count >= MaxCohorts) throw MarketplaceException.Conflict($"A startup follows at most {MaxCohorts} cohorts.");
            S.Cohorts.Add(new CohortLink(cohortId, instituteId));
            if (S.Kpis.Version == 0) S.Kpis = S.Kpis with { Version = 1 };
            await state.SaveAsync();
        }
        await grains.GetGrain<ICohortGrain>(cohortId).RefreshRowAsync(this.GetPrimaryKeyString(), S.Kpis);
    }

    public async Task LeaveCohortAsync(string cohortId)
    {
        if (S.Cohorts.RemoveAll(c => c.CohortId == cohortId) > 0) await state.SaveAsync();
    }

    public Task<StartupActivityView> GetAsync() =>
        Task.FromResult(new StartupActivityView(S.Kpis, [.. S.Months], [.. S.Figures], [.. S.Cohorts], [.. S.SmeIds]));

    private async Task CountOnceAsync(string key, DateTimeOffset? at, Func<StartupKpis, StartupKpis> kpis, Func<MonthActivity, MonthActivity> month)
    {
        // Counted already: its cohorts' rows are told again (the call that counted it may have died before they were).
        if (S.Counted.Contains(key)) { await PushRowsAsync(); return; }
        S.Counted.Add(key);
        if (S.Counted.Count > RememberedEvents) S.Counted.RemoveAt(0);
        if (at is { } when)
        {
            var name = when.UtcDateTime.ToString("yyyy-MM");
            var index = S.Months.FindIndex(m => m.Month == name);
            if (index < 0)
            {
                S.Months.Add(new MonthActivity(name, 0, 0, 0, 0, 0));
                S.Months.Sort((a, b) => string.CompareOrdinal(a.Month, b.Month));
                if (S.Months.Count > MaxMonths) S.Months.RemoveAt(0);
                index = S.Months.FindIndex(m => m.Month == name);
            }
            if (index >= 0) S.Months[index] = month(S.Months[index]);
        }
        await ChangeAsync(kpis(S.Kpis));
    }

    private async Task ChangeAsync(StartupKpis kpis)
    {
        S.Kpis = kpis with { Version = S.Kpis.Version + 1 };
        await state.SaveAsync();
        await PushRowsAsync();
    }

    /// <summary>The startup's row on each of its cohorts' dashboards gets its figures (a row as new changes nothing).</summary>
    private Task PushRowsAsync()
    {
        var startupId = this.GetPrimaryKeyString();
        return Task.WhenAll(S.Cohorts.Select(c => grains.GetGrain<ICohortGrain>(c.CohortId).RefreshRowAsync(startupId, S.Kpis)));
    }
}
