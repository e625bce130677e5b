using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>The dashboard's charts, drawn on the server: guides on whole numbers, every point inside the drawing.</summary>
public sealed class ChartsTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(9, 20)]
    [InlineData(21, 40)]
    [InlineData(150_000, 200_000)]
    [InlineData(1_250_000, 2_000_000)]
    public void The_scale_ends_on_a_round_number_whose_quarters_are_whole(double largest, double max)
    {
        Assert.Equal(max, LineChart.NiceMax(largest));
        Assert.Equal(0, max / 4 % 1);
    }

    [Fact]
    public void Points_run_from_the_first_month_at_the_left_to_the_last_at_the_right_within_the_drawing()
    {
        var chart = new LineChart("c", "Bids", ["Jan", "Feb", "Mar"], [new("Bids", "s1", [0, 3, 7])], v => v.ToString());
        var points = chart.Points(chart.Series[0]).Split(' ').Select(p => p.Split(',').Select(n => double.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.Equal(LineChart.Left, points[0][0]);
        Assert.Equal(LineChart.Width - LineChart.Right, points[^1][0]);
        Assert.Equal(LineChart.Height - LineChart.Bottom, points[0][1]);
        Assert.All(points, p => Assert.InRange(p[1], LineChart.Top, LineChart.Height - LineChart.Bottom));
        Assert.Equal(["0", "2", "4", "6", "8"], chart.Ticks.Select(t => t.Label));
    }
}
