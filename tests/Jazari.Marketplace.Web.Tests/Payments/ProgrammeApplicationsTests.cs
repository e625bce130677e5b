using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>Co-funding programmes are drawn on only by SMEs that applied and were approved: the rules are checked one by
/// one, the decision is e-mailed with its reason, and the cap per SME and the budget hold under concurrent fundings.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class ProgrammeApplicationsTests(MarketplaceHost host)
{
    private async Task<Person> SmeAsync(object? profile = null)
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", profile ?? Api.Sme());
        return sme;
    }

    private static async Task<HttpResponseMessage> NeedInAsync(Person sme, string programmeId)
    {
        var need = JsonSerializer.SerializeToNode(Api.Need())!.AsObject();
        need["programmeId"] = programmeId;
        return await sme.Client.PostAsJsonAsync("/api/needs", need);
    }

    private static async Task<JsonElement> ApplyAsync(Person sme, string programmeId) =>
        await (await sme.Client.PostAsJsonAsync($"/api/programmes/{programmeId}/applications", new { note = "Nous voulons vendre en ligne." })).Json(HttpStatusCode.Created);

    [Fact]
    public async Task A_co_funded_sme_reads_its_own_share_of_each_bid_and_on_the_acceptance_within_its_cap()
    {
        // 30% of each milestone, at most 6,000 MAD for this SME: of a 30,000 MAD bid the programme pays 6,000, not 9,000.
        var programmeId = await Engagements.ProgrammeAsync(host, percent: 30, capMinor: 600_000);
        var sme = await SmeAsync();
        await Engagements.ApprovedAsync(host, sme, programmeId);
        var needId = (await (await NeedInAsync(sme, programmeId)).Json(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, _) = await Api.StartupAsync(host);
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));

        using var page = await ReceiptTests.PagesAsync(host, sme);
        static string Text(string html) => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "")).Replace('\u00a0', ' ');
        var bids = Text(await page.GetStringAsync($"/sme/needs/{needId}"));
        Assert.Contains("30.000 MAD", bids);
        Assert.Contains("Votre part : 24.000 MAD", bids);
        var html = await page.GetStringAsync($"/sme/needs/{needId}?confirm=accept&bidId={bidId}");
        var share = Text(System.Text.RegularExpressions.Regex.Match(html, "<p id=\"accept-share\">(.*?)</p>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value);
        Assert.StartsWith("Vous paierez 24.000 MAD sur 30.000 MAD, jalon par jalon : le programme Maroc Digital PME paie le reste (6.000 MAD)", share);
        Assert.DoesNotContain("Vous paierez 30.000 MAD", Text(html));
        Assert.Contains("Les prix sont le prix total", bids); // not "the prices are what you pay"
        // Accepted, the share is the engagement's to say: the bids no longer compute one from what the cap leaves now.
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        var awardedPage = await page.GetStringAsync($"/sme/needs/{needId}");
        Assert.DoesNotContain("Votre part", Text(awardedPage));
        Assert.DoesNotContain("id=\"matches\"", awardedPage); // no more startups to invite once one is chosen
        // The engagement says what each milestone costs the SME before it pays (the programme's 30 %, within the 6,000 MAD
        // its cap leaves: 4,500 of the first, 1,500 of the second), in the next step too; funding asks that amount.
        var engagement = Text(await page.GetStringAsync($"/engagements/{needId}"));
        Assert.Contains("Votre part : 10.500 MAD", engagement);
        Assert.Contains("Votre part : 13.500 MAD", engagement);
        Assert.DoesNotContain("(15.000 MAD)", engagement);
        var funding = await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        Assert.Equal(1_050_000, funding.GetProperty("amountMinor").GetInt64());
        // The SME's bank account page speaks of refunds, not of payments waiting for it.
        Assert.Contains("il ne sert qu'à recevoir un remboursement", Text(await page.GetStringAsync("/payout-details")));
    }

    [Fact]
    public async Task Accepting_a_bid_while_the_smes_application_awaits_its_decision_says_first_that_the_need_then_stays_out_of_co_funding()
    {
        var programmeId = await Engagements.ProgrammeAsync(host, percent: 30);
        var sme = await SmeAsync();
        await ApplyAsync(sme, programmeId);
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, _) = await Api.StartupAsync(host);
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());

        using var page = await ReceiptTests.PagesAsync(host, sme);
        var html = System.Net.WebUtility.HtmlDecode(await page.GetStringAsync($"/sme/needs/{needId}?confirm=accept&bidId={bidId}"));
        var warning = System.Text.RegularExpressions.Regex.Match(html, "<p class=\"alert\" id=\"accept-cofunding\">(.*?)</p>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("attend sa décision", warning);
        Assert.Contains("Maroc Digital PME", warning);
        // Without an application waiting, nothing is said.
        var other = await SmeAsync();
        var plain = await other.Client.CreateAsync("/api/needs", Api.Need());
        (await other.Client.PostAsync($"/api/needs/{plain}/publish", null)).EnsureSuccessStatusCode();
        var otherBid = await founder.Client.CreateAsync($"/api/needs/{plain}/bids", Api.Bid());
        using var otherPage = await ReceiptTests.PagesAsync(host, other);
        Assert.DoesNotContain("accept-cofunding", await otherPage.GetStringAsync($"/sme/needs/{plain}?confirm=accept&bidId={otherBid}"));
    }

    [Fact]
    public async Task An_sme_names_a_programme_only_once_approved_and_is_then_funded_by_its_share()
    {
        var programme = await Engagements.ProgrammeAsync(host, percent: 100);
        var sme = await SmeAsync();

        // Before, naming the programme was enough: with 100 % a milestone was funded with no payment at all.
        var refused = await (await NeedInAsync(sme, programme)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("not approved", refused.GetProperty("errors").GetProperty("programmeId")[0].GetString());
        var application = await ApplyAsync(sme, programme);
        Assert.Equal("submitted", application.GetProperty("status").GetString());
        await (await NeedInAsync(sme, programme)).Problem(HttpStatusCode.BadRequest); // submitted is not approved

        using var admin = host.Admin();
        await (await admin.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = true, reason = "Dossier complet." }))
            .Json(HttpStatusCode.OK);
        var a = await Engagements.AwardedAsync(host, programme, existing: sme);
        var funding = await a.FundAsync(0);
        Assert.Equal(1_500_000, funding.GetProperty("programmeMinor").GetInt64());
        Assert.Equal(0, funding.GetProperty("amountMinor").GetInt64());
        Assert.True(funding.GetProperty("funded").GetBoolean());
        await Engagements.AssertLedgerAsync(host, a.NeedId);

        var smeId = (await (await sme.Client.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK)).GetProperty("profileId").GetString()!;
        var mine = await (await sme.Client.GetAsync($"/api/smes/{smeId}/programmes")).Json(HttpStatusCode.OK);
        Assert.Equal("approved", Assert.Single(mine.EnumerateArray()).GetProperty("status").GetString());
        // The application, with the note the SME typed, is in its data export (Law 09-08), as its erasure covers it.
        var exported = Assert.Single((await (await sme.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK)).GetProperty("programmeApplications").EnumerateArray());
        Assert.Equal(("Nous voulons vendre en ligne.", "Dossier complet."), (exported.GetProperty("note").GetString(), exported.GetProperty("reason").GetString()));

        // A draft in the programme keeps it: its form offers no programme, also when it comes back with a refusal (it showed
        // "None" chosen, as if the need had left its co-funding).
        var draftId = (await (await NeedInAsync(sme, programme)).Json(HttpStatusCode.Created)).Id();
        using var pages = await ReceiptTests.PagesAsync(host, sme);
        var form = await pages.GetStringAsync($"/sme/needs/new?draft={draftId}");
        Assert.DoesNotContain("name=\"Input.ProgrammeId\"", form);
        var sentBack = await pages.PostAsync($"/sme/needs/new?draft={draftId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = ReceiptTests.Antiforgery(form), ["Input.Category"] = "ecommerce", ["Input.Title"] = "Boutique en ligne à Fès",
            ["Input.Deadline"] = "2027-02-31", ["publish"] = "true",
        }));
        Assert.Equal(HttpStatusCode.OK, sentBack.StatusCode);
        Assert.DoesNotContain("name=\"Input.ProgrammeId\"", await sentBack.Content.ReadAsStringAsync());
        Assert.Equal(programme, (await (await sme.Client.GetAsync($"/api/needs/{draftId}")).Json(HttpStatusCode.OK)).GetProperty("programmeId").GetString());
    }

    [Fact]
    public async Task Each_rule_of_the_programme_is_checked_and_shown_with_its_reason()
    {
        var programme = await Engagements.ProgrammeAsync(host, rules: new
        {
            regions = new[] { "Oriental" }, sectors = new[] { "textile" }, minEmployees = 50, maxEmployees = 200,
        });
        var listed = await (await (await SmeAsync()).Client.GetAsync("/api/programmes")).Json(HttpStatusCode.OK);
        var rules = listed.GetProperty("programmes").EnumerateArray().Single(p => p.Id() == programme).GetProperty("rules");
        Assert.Equal("Oriental", rules.GetProperty("regions")[0].GetString());

        // Fes-Meknes, food, 22 employees: region, sector and size fail, each with what was compared.
        var outside = await SmeAsync();
        var ineligible = await ApplyAsync(outside, programme);
        Assert.Equal("ineligible", ineligible.GetProperty("status").GetString());
        var checks = ineligible.GetProperty("eligibility").EnumerateArray().ToDictionary(c => c.GetProperty("rule").GetString()!);
        Assert.False(checks["region"].GetProperty("ok").GetBoolean());
        Assert.Contains("Fes-Meknes", checks["region"].GetProperty("detail").GetString());
        Assert.False(checks["sector"].GetProperty("ok").GetBoolean());
        Assert.Contains("food", checks["sector"].GetProperty("detail").GetString());
        Assert.False(checks["size"].GetProperty("ok").GetBoolean());
        Assert.Contains("22", checks["size"].GetProperty("detail").GetString());
        Assert.True(checks["cap"].GetProperty("ok").GetBoolean());
        Assert.True(checks["budget"].GetProperty("ok").GetBoolean());
        using var admin = host.Admin();
        var conflict = await (await admin.PostAsJsonAsync($"/api/programmes/{programme}/applications/{ineligible.Id()}/decision", new { approve = true, reason = "Quand même." }))
            .Problem(HttpStatusCode.Conflict);
        Assert.Contains("rules", conflict.GetProperty("detail").GetString());

        var inside = await SmeAsync(new { name = "Tissages de Berkane", sector = "Textile", city = "Berkane", region = "Oriental", employees = 80, languages = new[] { "fr" } });
        var eligible = await ApplyAsync(inside, programme);
        Assert.Equal("submitted", eligible.GetProperty("status").GetString());
        Assert.All(eligible.GetProperty("eligibility").EnumerateArray(), c => Assert.True(c.GetProperty("ok").GetBoolean()));

        // A programme whose budget is spent takes no more applications.
        var small = await Engagements.ProgrammeAsync(host, percent: 50, budgetMinor: 100);
        var first = await Engagements.AwardedAsync(host, small);
        Assert.Equal(100, (await first.FundAsync(0)).GetProperty("programmeMinor").GetInt64());
        var late = await ApplyAsync(await SmeAsync(), small);
        Assert.Equal("ineligible", late.GetProperty("status").GetString());
        Assert.False(late.GetProperty("eligibility").EnumerateArray().Single(c => c.GetProperty("rule").GetString() == "budget").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_declined_application_is_emailed_with_its_reason_and_only_the_programmes_deciders_decide()
    {
        var institute = await Incubation.InstituteAsync(host, "Fes-Meknes");
        var manager = await Incubation.ManagerAsync(host, institute);
        var other = await Incubation.ManagerAsync(host, await Incubation.InstituteAsync(host));
        var programme = await Engagements.ProgrammeAsync(host, rules: new { instituteIds = new[] { institute } });
        var sme = await SmeAsync();
        var application = await ApplyAsync(sme, programme);

        await (await other.Client.GetAsync($"/api/programmes/{programme}/applications")).Problem(HttpStatusCode.NotFound);
        await (await other.Client.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = true, reason = "Oui." }))
            .Problem(HttpStatusCode.NotFound);
        await (await sme.Client.GetAsync($"/api/programmes/{programme}/applications")).Problem(HttpStatusCode.Forbidden);
        await (await manager.Client.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = false }))
            .Problem(HttpStatusCode.BadRequest); // a reason is required

        var listed = await (await manager.Client.GetAsync($"/api/programmes/{programme}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal(application.Id(), Assert.Single(listed.EnumerateArray()).Id());
        const string reason = "Le programme finance cette année les PME exportatrices.";
        var decided = await (await manager.Client.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = false, reason }))
            .Json(HttpStatusCode.OK);
        Assert.Equal("declined", decided.GetProperty("status").GetString());
        await (await manager.Client.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = false, reason }))
            .Json(HttpStatusCode.OK); // the same decision again changes nothing and e-mails nothing more

        await host.JobsSettledAsync();
        var email = Assert.Single(host.Emails(sme.Email), e => e.GetProperty("kind").GetString() == "programme-application-declined");
        Assert.Contains(reason, email.GetProperty("text").GetString());
        Assert.Contains("/sme/programmes", email.GetProperty("text").GetString());
        await (await NeedInAsync(sme, programme)).Problem(HttpStatusCode.BadRequest);

        // Declined, the SME may apply again.
        Assert.Equal("submitted", (await ApplyAsync(sme, programme)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_cap_per_sme_and_the_budget_hold_under_concurrent_fundings()
    {
        // One SME, three needs of 30 000 MAD (two milestones of 15 000) at 100 %, a cap of 40 000 MAD: funded at once.
        var capped = await Engagements.ProgrammeAsync(host, percent: 100, capMinor: 4_000_000);
        var sme = await SmeAsync();
        await Engagements.ApprovedAsync(host, sme, capped);
        var needs = new List<Awarded>();
        for (var i = 0; i < 3; i++) needs.Add(await Engagements.AwardedAsync(host, capped, existing: sme));
        var fundings = await Task.WhenAll(needs.SelectMany(a => new[] { a.FundAsync(0), a.FundAsync(1) }));
        Assert.Equal(4_000_000, fundings.Sum(f => f.GetProperty("programmeMinor").GetInt64()));

        // Three SMEs, one milestone each, a budget of 20 000 MAD.
        var small = await Engagements.ProgrammeAsync(host, percent: 100, budgetMinor: 2_000_000);
        var awarded = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Engagements.AwardedAsync(host, small)));
        var shares = await Task.WhenAll(awarded.Select(a => a.FundAsync(0)));
        Assert.Equal(2_000_000, shares.Sum(f => f.GetProperty("programmeMinor").GetInt64()));
        using var admin = host.Admin();
        Assert.Equal(2_000_000, (await (await admin.GetAsync($"/api/admin/programmes/{small}")).Json(HttpStatusCode.OK)).GetProperty("committedMinor").GetInt64());
        var listed = await (await admin.GetAsync("/api/admin/programmes")).Json(HttpStatusCode.OK);
        var spent = listed.GetProperty("programmes").EnumerateArray().Single(p => p.Id() == small);
        Assert.Equal(2_000_000, spent.GetProperty("committedMinor").GetInt64());
        Assert.False(spent.GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task An_erased_smes_application_keeps_its_decision_but_not_its_name_or_note()
    {
        var programme = await Engagements.ProgrammeAsync(host);
        var sme = await SmeAsync();
        var application = await ApplyAsync(sme, programme);
        Assert.Equal(HttpStatusCode.NoContent, (await sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = sme.Email })).StatusCode);
        using var admin = host.Admin();
        var read = await (await admin.GetAsync($"/api/programmes/{programme}/applications/{application.Id()}")).Json(HttpStatusCode.OK);
        Assert.StartsWith("erased-", read.GetProperty("smeName").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("note").ValueKind);
        Assert.Equal("submitted", read.GetProperty("status").GetString());
    }
}
