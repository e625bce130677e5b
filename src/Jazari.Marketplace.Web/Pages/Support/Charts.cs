using System.Globalization;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>One line of a chart: its name (the legend) and a CSS class for its colour (no inline styles: the CSP forbids them).</summary>
public sealed record ChartSeries(string Name, string Css, IReadOnlyList<double> Values);

/// <summary>
/// A line chart drawn on the server as SVG (no script, no library): one point per label, every series on the same
/// scale from zero to a round maximum. Coordinates are written in the invariant culture; labels come formatted.
/// </summary>
public sealed class LineChart(string id, string title, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, Func<double, string> tick)
{
    public const int Width = 400, Height = 220, Left = 52, Right = 12, Top = 10, Bottom = 30;

    public string Id { get; } = id;
    public string Title { get; } = title;
    public IReadOnlyList<string> Labels { get; } = labels;
    public IReadOnlyList<ChartSeries> Series { get; } = series;
    public double Max { get; } = NiceMax(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public double X(int index) => Labels.Count <= 1 ? Left + (Width - Left - Right) / 2.0 : Left + index * (Width - Left - Right) / (double)(Labels.Count - 1);
    public double Y(double value) => Height - Bottom - value / Max * (Height - Top - Bottom);

    public string Points(ChartSeries s) => string.Join(' ', s.Values.Select((v, i) => $"{N(X(i))},{N(Y(v))}"));

    /// <summary>Five horizontal guides from zero to the maximum, with their labels.</summary>
    public IEnumerable<(double Y, string Label)> Ticks => Enumerable.Range(0, 5).Select(i => Max * i / 4).Select(v => (Y(v), tick(v)));

    /// <summary>At most about six labels on the axis (a month and its year each), so they never overlap on a phone.</summary>
    public bool ShowLabel(int index) => Labels.Count <= 6 || index % (int)Math.Ceiling(Labels.Count / 6.0) == 0 || index == Labels.Count - 1;

    /// <summary>The smallest of 4, 8, 20, 40, 80, 200… at least the largest value: the four guides fall on whole numbers.</summary>
    public static double NiceMax(double value)
    {
        for (var power = 1.0; ; power *= 10)
            foreach (var step in new[] { 4, 8, 20 })
                if (step * power >= value) return step * power;
    }
}
