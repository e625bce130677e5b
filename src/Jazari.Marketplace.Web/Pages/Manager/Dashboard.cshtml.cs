using System.Globalization;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Manager;

/// <summary>
/// The cohort's dashboard: totals, three charts drawn as SVG on the server (activity over time, the funnel from bids
/// to wins, revenue), one row per startup, and the API's CSV and XLSX exports as links.
/// </summary>
public sealed class DashboardModel(IGrainFactory grains, Text text, CohortCommands cohorts) : MarketplacePage(grains, text)
{
    public DashboardResponse Dashboard { get; private set; } = null!;
    public LineChart Activity { get; private set; } = null!;
    /// <summary>Null before the cohort's first contract: an axis of 0 to 4 MAD would say nothing.</summary>
    public LineChart? Revenue { get; private set; }

    public async Task OnGetAsync(string id)
    {
        Dashboard = await LoadAsync(id);
        var months = Dashboard.Trends.Select(t => Month(t.Month)).ToList();
        Activity = new LineChart("activity", T["dashboard.activity"], months,
        [
            new(T["kpi.bids-submitted"], "s1", [.. Dashboard.Trends.Select(t => (double)t.BidsSubmitted)]),
            new(T["kpi.bids-won"], "s2", [.. Dashboard.Trends.Select(t => (double)t.BidsWon)]),
            new(T["kpi.milestones-delivered"], "s3", [.. Dashboard.Trends.Select(t => (double)t.MilestonesDelivered)]),
            new(T["kpi.mentor-sessions"], "s4", [.. Dashboard.Trends.Select(t => (double)t.MentorSessions)]),
        ], v => T.Number((long)v));
        if (Dashboard.Trends.Any(t => t.RevenueContractedMinor > 0 || t.RevenueReleasedMinor > 0))
            Revenue = new LineChart("revenue", T["dashboard.revenue"], months,
            [
                new(T["kpi.revenue-contracted"], "s1", [.. Dashboard.Trends.Select(t => t.RevenueContractedMinor / 100.0)]),
                new(T["kpi.revenue-released"], "s2", [.. Dashboard.Trends.Select(t => t.RevenueReleasedMinor / 100.0)]),
            ], Compact);
    }

    public async Task<IActionResult> OnGetCsvAsync(string id) =>
        File(DashboardExports.ToCsv(await LoadAsync(id)), DashboardExports.Csv + "; charset=utf-8", $"{id}.csv");

    /// <summary>The workbook to read and share: headed in the page's language, amounts in MAD (the CSV stays the API's data).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(string id) =>
        File(DashboardExports.ToXlsxForPeople(await LoadAsync(id), Header), DashboardExports.Xlsx, $"{id}.xlsx");

    /// <summary>The reader's words for a column of the export, as the page's table and totals name it.</summary>
    private string Header(string column)
    {
        string Mad(string key) => T.Format("dashboard.column-mad", T[key]);
        return column switch
        {
            "startupId" => T["dashboard.column-id"],
            "name" => T["cohort.startup"],
            "bidsSubmitted" => T["kpi.bids-submitted"],
            "bidsWon" => T["kpi.bids-won"],
            "winRate" => T.Format("dashboard.column-percent", T["kpi.win-rate"]),
            "revenueContractedMinor" => Mad("kpi.revenue-contracted"),
            "revenueReleasedMinor" => Mad("kpi.revenue-released"),
            "paidOutMinor" => Mad("kpi.paid-out-one"),
            "payoutPendingMinor" => Mad("dashboard.column-payout-pending"),
            "milestonesDelivered" => T["kpi.milestones-delivered"],
            "milestonesOnTime" => T["kpi.milestones-on-time"],
            "rating" => T["kpi.rating"],
            "mentorSessions" => T["kpi.mentor-sessions"],
            "mentorSessionRating" => T["dashboard.column-session-rating"],
            "employees" => T["kpi.employees"],
            _ => throw new InvalidOperationException($"The export's column {column} has no words on the page yet."),
        };
    }

    /// <summary>A funnel step's share of another step, in percent (0 to 100).</summary>
    public static double Share(long part, long whole) => whole <= 0 ? 0 : Math.Round(100.0 * part / whole, 1);

    /// <summary>
    /// The step a funnel step is a share of, counted in the same unit: bids won of bids submitted, milestones on time of
    /// milestones delivered. Milestones delivered are no share of bids (one won bid has several): none, so never "300 %".
    /// </summary>
    public static int? Basis(int step) => step switch { 1 => 0, 3 => 2, _ => null };

    /// <summary>An axis amount short enough for a phone: 40 000 as "40 k", 2 000 000 as "2 M".</summary>
    private string Compact(double value) =>
        value >= 1_000_000 ? T.Format("chart.millions", T.Number(value / 1_000_000, value % 1_000_000 == 0 ? 0 : 1))
        : value >= 10_000 ? T.Format("chart.thousands", T.Number(value / 1000, 0))
        : T.Number((long)value);

    /// <summary>A month of the trend ("2027-03") as the reader writes it, with its whole year ("mars 2027": "mars 27" reads as a day).</summary>
    private string Month(string month) =>
        DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("MMM yyyy", T.Culture);


    private Task<DashboardResponse> LoadAsync(string id) => cohorts.DashboardAsync(Me, id);
}
