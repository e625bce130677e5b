using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Xml.Linq;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class DashboardApiTests(MarketplaceHost host)
{
    [Fact]
    public async Task A_bid_won_on_the_marketplace_shows_on_the_dashboard_and_stays_after_a_reload()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Atlas Shop");
        await p.AddMemberAsync(startup, startupId);
        var (sme, needId) = await Api.OpenNeedAsync(host);

        var bidId = await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        await host.FollowedUpAsync(needId); // the startup's activity follows the bid's event
        var afterBid = (await p.DashboardAsync()).Row(startupId);
        Assert.Equal(1, afterBid.GetProperty("bidsSubmitted").GetInt32());
        Assert.Equal(0, afterBid.GetProperty("bidsWon").GetInt32());

        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).Json(HttpStatusCode.OK);
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        var dashboard = await p.DashboardAsync();
        var row = dashboard.Row(startupId);
        Assert.Equal(1, row.GetProperty("bidsWon").GetInt32());
        Assert.Equal(1.0, row.GetProperty("winRate").GetDouble());
        Assert.Equal(3_000_000, row.GetProperty("revenueContractedMinor").GetInt64());
        Assert.Equal(0, row.GetProperty("revenueReleasedMinor").GetInt64());
        Assert.Equal(3_000_000, dashboard.GetProperty("totals").GetProperty("revenueContractedMinor").GetInt64());
        Assert.Equal(3_000_000, dashboard.GetProperty("trends").EnumerateArray().Last().GetProperty("revenueContractedMinor").GetInt64());

        await Incubation.ReloadGrainsAsync(host);
        var reloaded = (await p.DashboardAsync()).Row(startupId);
        Assert.Equal(row.ToString(), reloaded.ToString());
        var kpis = await (await startup.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);
        Assert.Equal(1, kpis.GetProperty("kpis").GetProperty("bidsWon").GetInt32());
        Assert.Equal("Atlas Shop", kpis.GetProperty("kpis").GetProperty("name").GetString());
        Assert.Equal(1, kpis.GetProperty("months").EnumerateArray().Sum(m => m.GetProperty("bidsWon").GetInt32()));

        var report = await (await p.Manager.Client.GetAsync("/api/reports/institutes")).Json(HttpStatusCode.OK);
        var institute = Assert.Single(report.GetProperty("institutes").EnumerateArray());
        Assert.Equal(1, institute.GetProperty("startupsSupported").GetInt32());
        Assert.Equal(1, institute.GetProperty("smesDigitalised").GetInt32());
        Assert.Equal(3_000_000, institute.GetProperty("revenueContractedMinor").GetInt64());
        Assert.Equal("Souss-Massa", Assert.Single(report.GetProperty("regions").EnumerateArray()).GetProperty("region").GetString());
    }

    /// <summary>An award ended with nothing paid is no win: the startup's figures, its cohort's dashboard and the institutes'
    /// report go back (an SME and a startup of the same founder could otherwise inflate them at no cost).</summary>
    [Fact]
    public async Task An_award_ended_before_any_payment_leaves_the_figures_and_the_report()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Atlas Shop");
        await p.AddMemberAsync(startup, startupId);
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var bidId = await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).Json(HttpStatusCode.OK);
        await host.FollowedUpAsync(needId);
        Assert.Equal(1, (await p.DashboardAsync()).Row(startupId).GetProperty("bidsWon").GetInt32());

        await Payments.Engagements.EventuallyAsync(async () => (await sme.Client.GetAsync($"/api/needs/{needId}/engagement")).StatusCode == HttpStatusCode.OK, "the engagement");
        await (await sme.Client.PostAsync($"/api/needs/{needId}/engagement/cancel", null)).Json(HttpStatusCode.OK);
        await host.FollowedUpAsync(needId);
        await Payments.Engagements.EventuallyAsync(async () => (await p.DashboardAsync()).Row(startupId).GetProperty("bidsWon").GetInt32() == 0, "the win taken back");
        var row = (await p.DashboardAsync()).Row(startupId);
        Assert.Equal((1, 0, 0L), (row.GetProperty("bidsSubmitted").GetInt32(), row.GetProperty("bidsWon").GetInt32(),
            row.GetProperty("revenueContractedMinor").GetInt64()));
        var kpis = await (await startup.Client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK);
        Assert.Equal(0, kpis.GetProperty("months").EnumerateArray().Sum(m => m.GetProperty("bidsWon").GetInt32()));
        var institute = Assert.Single((await (await p.Manager.Client.GetAsync("/api/reports/institutes")).Json(HttpStatusCode.OK)).GetProperty("institutes").EnumerateArray());
        Assert.Equal((0, 0L), (institute.GetProperty("smesDigitalised").GetInt32(), institute.GetProperty("revenueContractedMinor").GetInt64()));
    }

    [Fact]
    public async Task A_member_that_renames_itself_shows_its_new_name_on_the_dashboard_and_to_its_mentor()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, startupId) = await Api.StartupAsync(host, "Atlas Shop");
        await p.AddMemberAsync(startup, startupId);
        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);

        await (await startup.Client.PutAsJsonAsync($"/api/startups/{startupId}", Api.Startup("Atlas Digital"))).Json(HttpStatusCode.OK);
        Assert.Equal("Atlas Digital", (await p.DashboardAsync()).Row(startupId).GetProperty("name").GetString());
        var mentored = await (await mentor.Client.GetAsync($"/api/mentors/{mentorId}/startups")).Json(HttpStatusCode.OK);
        Assert.Equal("Atlas Digital", Assert.Single(mentored.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_dashboard_exports_as_csv_and_xlsx_that_parse_back()
    {
        var p = await Incubation.ProgrammeAsync(host);
        var (startup, first) = await Api.StartupAsync(host, "Tafraout, \"Digital\"");
        var (secondStartup, second) = await Api.StartupAsync(host, "=HYPERLINK(\"x\")");
        await p.AddMemberAsync(startup, first);
        await p.AddMemberAsync(secondStartup, second);
        var (_, needId) = await Api.OpenNeedAsync(host);
        await startup.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        await host.FollowedUpAsync(needId);
        (await startup.Client.PostAsJsonAsync($"/api/startups/{first}/figures",
            new { month = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM"), revenueMad = 12000, employees = 4, fundingRaisedMad = 0 })).EnsureSuccessStatusCode();
        // A month to come, or one of the year 1, would stand as the latest figures for good: refused. One older than the
        // 60 months kept would be dropped at once: refused too, not answered 200 and lost.
        foreach (var month in new[] { DateTime.UtcNow.AddMonths(2).ToString("yyyy-MM"), "0001-01", DateTime.UtcNow.AddMonths(-60).ToString("yyyy-MM") })
            await (await startup.Client.PostAsJsonAsync($"/api/startups/{first}/figures", new { month, revenueMad = 1, employees = 1, fundingRaisedMad = 0 }))
                .Problem(HttpStatusCode.BadRequest);

        var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/cohorts/{p.CohortId}/dashboard");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await p.Manager.Client.SendAsync(csvRequest);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = Csv.Parse(await csvResponse.Content.ReadAsStringAsync());
        Assert.Equal("startupId", lines[0][0].TrimStart('\uFEFF'));
        var row = lines.Single(l => l[0] == first);
        Assert.Equal("Tafraout, \"Digital\"", row[1]);
        Assert.Equal("1", row[lines[0].IndexOf("bidsSubmitted")]);
        Assert.Equal("4", row[lines[0].IndexOf("employees")]);
        Assert.StartsWith("'=", lines.Single(l => l[0] == second)[1]);

        var xlsxRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/cohorts/{p.CohortId}/dashboard");
        xlsxRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        var xlsx = await p.Manager.Client.SendAsync(xlsxRequest);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var zip = new ZipArchive(await xlsx.Content.ReadAsStreamAsync());
        Assert.NotNull(zip.GetEntry("[Content_Types].xml"));
        XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var workbook = XDocument.Load(zip.GetEntry("xl/workbook.xml")!.Open());
        Assert.Equal("Dashboard", workbook.Descendants(ns + "sheet").Single().Attribute("name")?.Value);
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var cells = sheet.Descendants(ns + "row").Select(r => r.Elements(ns + "c").ToDictionary(
            c => new string([.. c.Attribute("r")!.Value.TakeWhile(char.IsLetter)]), c => c.Value)).ToList();
        Assert.Equal(3, cells.Count);
        var firstRow = cells.Single(c => c["A"] == first);
        Assert.Equal("Tafraout, \"Digital\"", firstRow["B"]);
        Assert.Equal("1", firstRow["C"]);
    }

    [Fact]
    public async Task Only_the_cohorts_managers_and_admins_read_its_dashboard()
    {
        var p = await Incubation.ProgrammeAsync(host);
        using var admin = host.Admin();
        await (await admin.GetAsync($"/api/cohorts/{p.CohortId}/dashboard")).Json(HttpStatusCode.OK);
        var (startup, _) = await Api.StartupAsync(host);
        await (await startup.Client.GetAsync($"/api/cohorts/{p.CohortId}/dashboard")).Problem(HttpStatusCode.Forbidden);
        var (mentor, _) = await Incubation.MentorAsync(host);
        await (await mentor.Client.GetAsync($"/api/cohorts/{p.CohortId}")).Problem(HttpStatusCode.NotFound);
    }
}

/// <summary>A strict RFC 4180 reader, to check the export as a spreadsheet would read it.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i++;
            }
            else field.Append(ch);
        }
        return rows;
    }
}
