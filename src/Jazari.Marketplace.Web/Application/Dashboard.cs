using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Web.Application;

/// <summary>One startup of a cohort on the manager's dashboard (the contract's row, plus a few more figures).</summary>
public sealed record DashboardRow(string StartupId, string Name, int BidsSubmitted, int BidsWon, double WinRate,
    long RevenueContractedMinor, long RevenueReleasedMinor, int MilestonesDelivered, int MilestonesOnTime, double? Rating,
    int MentorSessions, double? MentorSessionRating, int? Employees, long? LatestRevenueMinor, string? LatestFiguresMonth,
    long PaidOutMinor = 0, long PayoutPendingMinor = 0)
{
    public static DashboardRow From(string startupId, string name, StartupKpis k) => new(startupId, name, k.BidsSubmitted, k.BidsWon,
        k.WinRate, k.RevenueContractedMinor, k.RevenueReleasedMinor, k.MilestonesDelivered, k.MilestonesOnTime, k.Rating,
        k.MentorSessions, k.MentorSessionRating, k.Employees, k.LatestRevenueMinor, k.LatestFiguresMonth, k.PaidOutMinor, k.PayoutPendingMinor);
}

public sealed record DashboardTotals(int Startups, int BidsSubmitted, int BidsWon, double WinRate, long RevenueContractedMinor,
    long RevenueReleasedMinor, int MilestonesDelivered, int MilestonesOnTime, int MentorSessions, int Employees, string Currency,
    long PaidOutMinor = 0, long PayoutPendingMinor = 0);

/// <summary>A cohort's dashboard; <see cref="Left"/> names the startups that left it, latest first (their figures left with them).</summary>
public sealed record DashboardResponse(string CohortId, string Name, DashboardTotals Totals, IReadOnlyList<DashboardRow> Startups,
    IReadOnlyList<TrendPoint> Trends, IReadOnlyList<CohortDeparture>? Left = null)
{
    /// <summary>The dashboard from the cohort's stored rows; months without events repeat the running totals of the month before.</summary>
    public static DashboardResponse From(CohortDashboard d, DateTimeOffset now)
    {
        var rows = d.Rows.Select(r => DashboardRow.From(r.StartupId, r.Name, r.Kpis)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        int submitted = rows.Sum(r => r.BidsSubmitted), won = rows.Sum(r => r.BidsWon);
        var totals = new DashboardTotals(rows.Count, submitted, won, submitted == 0 ? 0 : Math.Round((double)won / submitted, 3),
            rows.Sum(r => r.RevenueContractedMinor), rows.Sum(r => r.RevenueReleasedMinor), rows.Sum(r => r.MilestonesDelivered),
            rows.Sum(r => r.MilestonesOnTime), rows.Sum(r => r.MentorSessions), rows.Sum(r => r.Employees ?? 0), Reference.DefaultCurrency,
            rows.Sum(r => r.PaidOutMinor), rows.Sum(r => r.PayoutPendingMinor));
        return new(d.CohortId, d.Name, totals, rows, Monthly(d.Trends, now), [.. d.Departures.Reverse()]);
    }

    private static List<TrendPoint> Monthly(IReadOnlyList<TrendPoint> points, DateTimeOffset now)
    {
        if (points.Count == 0) return [];
        var months = new List<TrendPoint>();
        var month = DateOnly.ParseExact(points[0].Month + "-01", "yyyy-MM-dd");
        var last = DateOnly.FromDateTime(now.UtcDateTime);
        var previous = points[0];
        for (var guard = 0; month <= last && guard < 60; month = month.AddMonths(1), guard++)
        {
            var name = month.ToString("yyyy-MM");
            previous = points.FirstOrDefault(p => p.Month == name) ?? previous with { Month = name };
            months.Add(previous);
        }
        return months;
    }
}
