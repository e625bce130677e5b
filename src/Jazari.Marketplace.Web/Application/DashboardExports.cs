using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Xml;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// The dashboard's rows as CSV (RFC 4180, UTF-8) and as an .xlsx workbook written by hand (minimal SpreadsheetML): the
/// same figures as the API's rows, under the API's names (what was paid out to the startup and what waits to be).
/// </summary>
public static class DashboardExports
{
    public const string Csv = "text/csv";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly IReadOnlyList<string> Columns =
    [
        "startupId", "name", "bidsSubmitted", "bidsWon", "winRate", "revenueContractedMinor", "revenueReleasedMinor",
        "paidOutMinor", "payoutPendingMinor", "milestonesDelivered", "milestonesOnTime", "rating", "mentorSessions",
        "mentorSessionRating", "employees",
    ];

    private static IEnumerable<object?[]> Rows(DashboardResponse d) => d.Startups.Select(r => new object?[]
    {
        r.StartupId, r.Name, r.BidsSubmitted, r.BidsWon, r.WinRate, r.RevenueContractedMinor, r.RevenueReleasedMinor,
        r.PaidOutMinor, r.PayoutPendingMinor, r.MilestonesDelivered, r.MilestonesOnTime, r.Rating, r.MentorSessions,
        r.MentorSessionRating, r.Employees,
    });

    public static byte[] ToCsv(DashboardResponse d)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var row in Rows(d)) csv.Append(string.Join(',', row.Select(CsvField))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    internal static string CsvField(object? value)
    {
        var text = Invariant(value);
        // A leading =, +, - or @ would be run as a formula by spreadsheets: quote it as text.
        if (value is string && text.Length > 0 && "=+-@".Contains(text[0])) text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    public static byte[] ToXlsx(DashboardResponse d) => Workbook([[.. Columns], .. Rows(d)]);

    /// <summary>
    /// The workbook a manager downloads from the dashboard page, to read and share: each of <see cref="Columns"/> headed by
    /// <paramref name="header"/> (the reader's words for it), amounts (the API's <c>…Minor</c> columns) in MAD rather than
    /// centimes, the win rate in percent. The API's workbook keeps the API's names and units, for programs.
    /// </summary>
    public static byte[] ToXlsxForPeople(DashboardResponse d, Func<string, string> header) =>
        Workbook([[.. Columns.Select(header)], .. Rows(d).Select(row => row.Select((value, i) => (Columns[i], value) switch
        {
            (var column, long minor) when column.EndsWith("Minor", StringComparison.Ordinal) => minor / 100m,
            ("winRate", double rate) => Math.Round(rate * 100, 1),
            _ => value,
        }).ToArray())]);

    private static byte[] Workbook(IReadOnlyList<object?[]> rows)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                """);
            Add(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Add(zip, "xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Dashboard" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Add(zip, "xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
                """);
            Add(zip, "xl/worksheets/sheet1.xml", Sheet(rows));
        }
        return buffer.ToArray();
    }

    private static string Sheet(IReadOnlyList<object?[]> rows)
    {
        var xml = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            xml.Append($"""<row r="{r + 1}">""");
            for (var c = 0; c < rows[r].Length; c++)
            {
                var cell = $"{Column(c)}{r + 1}";
                xml.Append(rows[r][c] switch
                {
                    null => "",
                    string text => $"""<c r="{cell}" t="inlineStr"><is><t>{SecurityElement.Escape(XmlText(text))}</t></is></c>""",
                    var number => $"""<c r="{cell}"><v>{Invariant(number)}</v></c>""",
                });
            }
            xml.Append("</row>");
        }
        return xml.Append("</sheetData></worksheet>").ToString();
    }

    /// <summary>
    /// The text without the characters XML cannot hold (controls other than tab and new lines, U+FFFE, U+FFFF,
    /// unpaired surrogates): names stored before the text rules may have them, and one would break the workbook.
    /// </summary>
    internal static string XmlText(string text)
    {
        if (!text.Any(c => !XmlConvert.IsXmlChar(c))) return text;
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) kept.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) kept.Append(text[i]).Append(text[++i]);
        }
        return kept.ToString();
    }

    private static string Column(int index) => index < 26 ? ((char)('A' + index)).ToString() : Column(index / 26 - 1) + (char)('A' + index % 26);

    private static string Invariant(object? value) => value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
