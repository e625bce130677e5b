using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Application;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// The cohort dashboard's figures cross-checked against a known history: one member startup wins one bid of three
/// milestones (30 000 MAD), delivers and is paid for all three by bank transfer, one payout of the three is marked
/// paid, and the SME reviews it 5, 5 and 4 (an overall of 4.67). The page, the API and the exports (CSV and workbook)
/// must agree with that history.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class DashboardFiguresTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    private static readonly Strings Strings = new();

    [Theory] // Arabic, whose digits and separators differ most from the API's; the French formats are read by LanguagePagesTests
    [InlineData("ar")]
    public async Task The_dashboard_figures_agree_with_the_engagements_reviews_and_payouts(string language)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var institute = await HostApi.InstituteAsync(host, run);
        var managerEmail = $"figures-manager-{run}@example.ma";
        using var manager = await HostApi.ManagerAsync(host, institute, managerEmail, language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        var startupEmail = $"figures-startup-{run}@example.ma";
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef");
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var invitation = await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/members", new { startupId })).Json(HttpStatusCode.Accepted);
        (await startup.PostAsync($"/api/me/invitations/{invitation.GetProperty("invitationId").GetString()}/accept", null)).EnsureSuccessStatusCode();

        // One bid, won, of three milestones of 10 000 MAD each; all delivered on time and released.
        var smeEmail = $"figures-sme-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", new
        {
            priceMad = 30000, durationDays = 60, proposal = "Boutique WooCommerce en trois étapes.",
            milestones = new[]
            {
                new { title = "Maquettes", amountMad = 10000, dueInDays = 20 },
                new { title = "Catalogue", amountMad = 10000, dueInDays = 40 },
                new { title = "Mise en ligne", amountMad = 10000, dueInDays = 60 },
            },
        });
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await HostApi.CompleteEngagementAsync(host, smeEmail, startupEmail, needId);

        // The SME rates 5, 5 and 4: one review of overall 4.67; the startup reviews back, so both are revealed.
        await sme.CreateAsync($"/api/needs/{needId}/reviews", new { quality = 5, timeliness = 5, communication = 4, comment = "Bon travail." });
        await startup.CreateAsync($"/api/needs/{needId}/reviews", new { quality = 5, timeliness = 5, communication = 5, comment = "Client clair." });

        // Three payouts of 9 500 MAD (10 000 less the 5 % fee) wait for their transfers; one is marked paid.
        using var admin = HostApi.Admin(host);
        var payouts = await EventuallyAsync(async () => (await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK))
            .EnumerateArray().Where(p => p.GetProperty("needId").GetString() == needId).ToList(), p => p.Count == 3, "three payouts listed");
        Assert.All(payouts, p => Assert.Equal(950_000, p.GetProperty("amountMinor").GetInt64()));
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payouts[0].Id()}/paid", new { bankReference = $"BOA-{run}" })).Json(HttpStatusCode.OK);

        // The API: figures as the history says, the rating the startup's own.
        var dashboard = await EventuallyAsync(async () => await (await manager.GetAsync($"/api/cohorts/{cohortId}/dashboard")).Json(HttpStatusCode.OK),
            d => Row(d, startupId) is { } r && r.GetProperty("paidOutMinor").GetInt64() == 950_000 && r.GetProperty("rating").ValueKind == JsonValueKind.Number,
            "the payout and the review on the dashboard");
        var row = Row(dashboard, startupId)!.Value;
        Assert.Equal((1, 1, 3, 3), (row.GetProperty("bidsSubmitted").GetInt32(), row.GetProperty("bidsWon").GetInt32(),
            row.GetProperty("milestonesDelivered").GetInt32(), row.GetProperty("milestonesOnTime").GetInt32()));
        Assert.Equal(3_000_000, row.GetProperty("revenueContractedMinor").GetInt64());
        Assert.Equal(3_000_000, row.GetProperty("revenueReleasedMinor").GetInt64());
        Assert.Equal(1_900_000, row.GetProperty("payoutPendingMinor").GetInt64());
        Assert.Equal(4.67, row.GetProperty("rating").GetDouble());
        var startupRating = await (await startup.GetAsync($"/api/startups/{startupId}/reviews")).Json(HttpStatusCode.OK);
        Assert.Equal(4.67, startupRating.GetProperty("rating").GetDouble());
        var totals = dashboard.GetProperty("totals");
        Assert.Equal((950_000, 1_900_000), (totals.GetProperty("paidOutMinor").GetInt64(), totals.GetProperty("payoutPendingMinor").GetInt64()));

        // The exports (the API's CSV and workbook) carry the API's figures, column by column, paid out and pending included.
        var csv = Csv.Parse(await (await manager.SendAsync(Export(cohortId, DashboardExports.Csv))).Content.ReadAsStringAsync());
        AssertSameFigures(row, "the API's CSV", csv[0].Select(c => c.TrimStart('\uFEFF')).ToList(), csv.Single(l => l[0] == startupId));
        using (var workbook = new ZipArchive(await (await manager.SendAsync(Export(cohortId, DashboardExports.Xlsx))).Content.ReadAsStreamAsync()))
        {
            var (header, rows) = Sheet(workbook);
            AssertSameFigures(row, "the API's workbook", header, rows.Single(r => r[0] == startupId));
        }

        // The page says the same, in the reader's formats; its CSV download the same figures.
        var text = new Text(Strings);
        text.Use(language);
        var page = await host.NewPageAsync(language);
        await HostApi.SignInAsync(host, page, managerEmail);
        var pageCsv = Csv.Parse(await (await page.APIRequest.GetAsync($"/manager/cohorts/{cohortId}/dashboard?handler=csv")).TextAsync());
        AssertSameFigures(row, "the page's CSV", pageCsv[0].Select(c => c.TrimStart('\uFEFF')).ToList(), pageCsv.Single(l => l[0] == startupId));
        // Its workbook is for people: headed in the reader's language, amounts in MAD, the win rate in percent.
        using (var workbook = new ZipArchive(new MemoryStream(await (await page.APIRequest.GetAsync($"/manager/cohorts/{cohortId}/dashboard?handler=xlsx")).BodyAsync())))
        {
            var (header, rows) = Sheet(workbook);
            var mine = rows.Single(r => r[0] == startupId);
            Assert.Equal(DashboardExports.Columns.Count, header.Count);
            Assert.Equal(text.Format("dashboard.column-mad", text["kpi.revenue-contracted"]), header[5]);
            Assert.Equal(text["kpi.bids-won"], header[3]);
            Assert.Equal(("30000", "9500", "19000"), (mine[5], mine[7], mine[8])); // 3,000,000 centimes contracted; paid out; pending
            Assert.Equal(Math.Round(row.GetProperty("winRate").GetDouble() * 100, 1).ToString(System.Globalization.CultureInfo.InvariantCulture), mine[4]);
        }
        await page.GotoAsync($"/manager/cohorts/{cohortId}/dashboard");
        var paidOut = page.Locator("#paid-out dd");
        await Assertions.Expect(paidOut).ToContainTextAsync(text.Money(950_000, "MAD"));
        await Assertions.Expect(paidOut.Locator(".pending")).ToContainTextAsync(text.Money(1_900_000, "MAD"));
        var cells = page.Locator("table tbody tr", new() { HasText = $"Web Atlas {run}" }).Locator("td");
        Assert.Equal(text.Number(4.67, 1), (await cells.Nth(6).InnerTextAsync()).Trim());
        Assert.StartsWith(text.Money(950_000), (await cells.Nth(4).InnerTextAsync()).Trim());

        // The funnel: won is a share of submitted, on time of delivered; delivered milestones are no share of bids.
        var labels = await page.Locator("figure.chart text.bar-label").AllTextContentsAsync(); // SVG text has no innerText
        Assert.Equal(4, labels.Count);
        Assert.Equal($"{text["kpi.milestones-delivered"]}{text["punct.colon"]}{text.Number(3)}", labels[2].Trim()); // the language's colon (" : " in French)
        foreach (var label in labels)
            foreach (Match percent in Percent().Matches(label))
                Assert.True(int.Parse(percent.Groups[1].Value) <= 100, $"a share over 100 %: {label}");
        Assert.Contains($"({text.Number(100, 0)} %)", labels[1]);
        Assert.Contains($"({text.Number(100, 0)} %)", labels[3]);
        await HostApi.AssertTranslatedAsync(page);
        await BrowserHost.ScreenshotAsync(page, $"dashboard-figures-{language}");
    }

    private static HttpRequestMessage Export(string cohortId, string mediaType)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cohorts/{cohortId}/dashboard");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        return request;
    }

    /// <summary>Every column of an export is a figure of the API's row under the same name, with the same value.</summary>
    private static void AssertSameFigures(JsonElement row, string export, List<string> header, List<string> values)
    {
        Assert.Contains("paidOutMinor", header);
        Assert.Contains("payoutPendingMinor", header);
        Assert.Equal(header.Count, values.Count);
        for (var i = 0; i < header.Count; i++)
        {
            Assert.True(row.TryGetProperty(header[i], out var api), $"{export}: the column {header[i]} is not a figure of the API");
            var expected = api.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => api.GetString()!,
                JsonValueKind.Number => api.GetDecimal().ToString(CultureInfo.InvariantCulture),
                _ => api.GetRawText(),
            };
            var actual = api.ValueKind == JsonValueKind.Number && values[i].Length > 0
                ? decimal.Parse(values[i], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : values[i];
            Assert.True(expected == actual, $"{export}: {header[i]} is {actual}, the API says {expected}");
        }
        Assert.Equal("950000", values[header.IndexOf("paidOutMinor")]);
        Assert.Equal("1900000", values[header.IndexOf("payoutPendingMinor")]);
    }

    /// <summary>The first sheet's header and rows, each cell by its column (an empty cell is not written: "").</summary>
    private static (List<string> Header, List<List<string>> Rows) Sheet(ZipArchive workbook)
    {
        XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var rows = XDocument.Load(workbook.GetEntry("xl/worksheets/sheet1.xml")!.Open()).Descendants(ns + "row")
            .Select(r => r.Elements(ns + "c").ToDictionary(c => new string([.. c.Attribute("r")!.Value.TakeWhile(char.IsLetter)]), c => c.Value))
            .ToList();
        var columns = rows[0].Keys.ToList();
        return (columns.Select(c => rows[0][c]).ToList(), rows.Skip(1).Select(r => columns.Select(c => r.GetValueOrDefault(c, "")).ToList()).ToList());
    }

    private static JsonElement? Row(JsonElement dashboard, string startupId) =>
        dashboard.GetProperty("startups").EnumerateArray().Where(r => r.GetProperty("startupId").GetString() == startupId).Cast<JsonElement?>().FirstOrDefault();

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        for (var tries = 0; ; tries++)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(tries < 150, $"Waited in vain for {what}.");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"\((\d+) %\)")]
    private static partial Regex Percent();
}
