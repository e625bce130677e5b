using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Grains.Maturity;
using Jazari.Marketplace.Web.Application;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Tests.Notifications;
using Jazari.Marketplace.Web.Tests.Payments;
using Microsoft.Extensions.DependencyInjection;
using QuestionnaireSource = Jazari.Marketplace.Web.Maturity.QuestionnaireSource;

namespace Jazari.Marketplace.Web.Tests.Maturity;

/// <summary>The jobs host with a fake clock, reading the impact figures afresh on every request.</summary>
public sealed class MaturityHost : JobsHost
{
    public const string Name = "maturity";

    protected override Task<string?> StartPostgresAsync()
    {
        Host.Settings["Maturity:ImpactCacheSeconds"] = "0";
        return Task.FromResult<string?>(null);
    }
}

[CollectionDefinition(MaturityHost.Name)]
public sealed class MaturityCollection : ICollectionFixture<MaturityHost>;

/// <summary>
/// The digitalisation journey through the API: an SME learns where it stands beside its peers, leaves with a plan of
/// drafted needs, publishes one, is approved by a programme that the need then joins, asks an expert's opinion on the
/// bid, gets it co-funded, built and paid, is invited six months later to assess again, and the public figures show the change. Peers' medians and impact cells hide groups under five SMEs.
/// </summary>
[Collection(MaturityHost.Name)]
public sealed class MaturityApiTests(MaturityHost jobs)
{
    private MarketplaceHost Host => jobs.Host;

    /// <summary>An answer to every question of the shipped questionnaire: <paramref name="pick"/> chooses, per dimension, the option's
    /// position (clamped to the question's options: 0 the lowest, 9 the highest).</summary>
    public static object Answers(Func<string, int> pick) => new
    {
        answers = QuestionnaireSource.Shipped().Dimensions.SelectMany(d => d.Questions.Select(q =>
        {
            var options = QuestionnaireSource.Shipped().Options(q);
            return new { questionId = q.Id, value = options[Math.Min(pick(d.Id), options.Count - 1)].Value };
        })).ToList(),
    };

    private static object Sme(string sector, string region = "Fes-Meknes", int employees = 22) =>
        new { name = "Tannerie Chouara", sector, city = "Fes", region, employees, languages = new[] { "fr", "ar" } };

    private async Task<(Person Sme, string SmeId)> SmeAsync(string sector, string language = "fr")
    {
        var sme = await Host.SignUpAsync("sme", language);
        return (sme, await sme.Client.CreateAsync("/api/smes", Sme(sector)));
    }

    private static async Task<JsonElement> AssessAsync(Person sme, string smeId, Func<string, int> pick) =>
        await (await sme.Client.PostAsJsonAsync($"/api/smes/{smeId}/assessments", Answers(pick))).Json(HttpStatusCode.Created);

    private static double Score(JsonElement assessment, string dimension) =>
        assessment.GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("dimension").GetString() == dimension).GetProperty("score").GetDouble();

    private static string Sector() => $"cuir-{Guid.NewGuid():N}"[..13];

    /// <summary>The person signs in again by e-mailed code (after the clock moved, their token has expired).</summary>
    private async Task<Person> SignInAgainAsync(Person person)
    {
        using var anonymous = Host.Anonymous();
        (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).EnsureSuccessStatusCode();
        var verified = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = Host.LatestCode(person.Email) })).Json(HttpStatusCode.OK);
        return person with { Client = Host.WithToken(verified.GetProperty("token").GetString()!) };
    }

    [Fact]
    public async Task The_questionnaire_comes_in_each_language_and_a_missing_or_unknown_answer_is_a_field_error()
    {
        using var anonymous = Host.Anonymous();
        var ar = await (await anonymous.GetAsync("/api/assessments/questionnaire?language=ar")).Json(HttpStatusCode.OK);
        Assert.Equal(8, ar.GetProperty("dimensions").GetArrayLength());
        Assert.Equal(25, ar.GetProperty("dimensions").EnumerateArray().Sum(d => d.GetProperty("questions").GetArrayLength()));
        Assert.Equal("الحضور على الإنترنت", ar.GetProperty("dimensions")[0].GetProperty("name").GetString());
        var fr = await (await anonymous.GetAsync("/api/assessments/questionnaire?language=fr")).Json(HttpStatusCode.OK);
        Assert.Contains(fr.GetProperty("dimensions").EnumerateArray(), d => d.GetProperty("name").GetString() == "Finance et facturation");
        await (await anonymous.GetAsync("/api/assessments/questionnaire?language=xx")).Problem(HttpStatusCode.BadRequest);

        var (sme, smeId) = await SmeAsync(Sector());
        var body = JsonSerializer.SerializeToNode(Answers(_ => 1))!.AsObject();
        var answers = body["answers"]!.AsArray();
        answers.RemoveAt(0);
        answers.Add(new { questionId = "no-such-question", value = 1 });
        var refused = await (await sme.Client.PostAsJsonAsync($"/api/smes/{smeId}/assessments", body)).Problem(HttpStatusCode.BadRequest);
        var errors = refused.GetProperty("errors");
        Assert.True(errors.TryGetProperty("answers.presence-website", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("answers[24].questionId", out _), errors.ToString());
        Assert.Equal(0, (await (await sme.Client.GetAsync($"/api/smes/{smeId}/assessments")).Json(HttpStatusCode.OK)).GetProperty("assessments").GetArrayLength());
    }

    [Fact]
    public async Task Peers_medians_show_from_five_peers_and_impact_cells_under_five_smes_are_left_out()
    {
        var sector = Sector();
        var peers = new List<(Person Sme, string Id)>();
        for (var i = 0; i < 5; i++) peers.Add(await SmeAsync(sector));
        // Three peers at the bottom, two at the top: the median is the bottom (0), whatever this SME answers.
        for (var i = 0; i < 4; i++) await AssessAsync(peers[i].Sme, peers[i].Id, _ => i < 3 ? 0 : 9);
        using var anonymous = Host.Anonymous();
        var impact = await (await anonymous.GetAsync($"/api/impact?sector={sector}")).Json(HttpStatusCode.OK);
        Assert.Empty(impact.GetProperty("cells").EnumerateArray()); // four SMEs: no cell at all

        var fifth = await AssessAsync(peers[4].Sme, peers[4].Id, _ => 9);
        var presence = fifth.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("dimension").GetString() == "presence");
        Assert.Equal(4, presence.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, presence.GetProperty("median").ValueKind); // four peers: no median

        var (sixth, sixthId) = await SmeAsync(sector);
        var mine = await AssessAsync(sixth, sixthId, _ => 9);
        var overall = mine.GetProperty("peers").EnumerateArray().Single(p => p.GetProperty("dimension").GetString() == "overall");
        Assert.Equal(5, overall.GetProperty("count").GetInt32());
        Assert.Equal(0.0, overall.GetProperty("median").GetDouble());
        Assert.Equal(5.0, mine.GetProperty("overall").GetDouble());
        Assert.Empty(mine.GetProperty("recommendations").EnumerateArray()); // nothing weak: no plan

        // Another size band is not a peer.
        var (large, largeId) = (await Host.SignUpAsync("sme"), "");
        largeId = await large.Client.CreateAsync("/api/smes", Sme(sector, employees: 300));
        var alone = await AssessAsync(large, largeId, _ => 0);
        Assert.Equal(0, alone.GetProperty("peers")[0].GetProperty("count").GetInt32());

        impact = await (await anonymous.GetAsync($"/api/impact?sector={sector}")).Json(HttpStatusCode.OK);
        var cell = impact.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("sector").GetString() == sector);
        Assert.Equal(7, cell.GetProperty("smes").GetInt32());
        Assert.Equal(0, cell.GetProperty("reassessed").GetInt32());
        Assert.Empty(cell.GetProperty("after").EnumerateArray()); // nobody re-assessed: no "after"
        Assert.Contains(cell.GetProperty("before").EnumerateArray(), m => m.GetProperty("dimension").GetString() == "overall");
    }

    [Fact]
    public async Task The_plan_budget_comes_from_the_quartiles_of_awarded_needs_of_its_category_else_the_default()
    {
        Assert.Equal(new MaturityCommands.BudgetRange(1_000_000, 3_000_000, null, 4), MaturityCommands.Budget([1, 2, 3, 4], 10000, 30000));
        Assert.Equal(new MaturityCommands.BudgetRange(2_250_000, 4_750_000, 3_500_000, 6),
            MaturityCommands.Budget([1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000], 1, 2));

        // Security is this SME's only weak dimension: its plan recommends a cybersecurity need.
        Func<string, int> weakSecurity = d => d == "security" ? 0 : 9;
        var (sme, smeId) = await SmeAsync(Sector());
        var before = (await AssessAsync(sme, smeId, weakSecurity)).GetProperty("recommendations").EnumerateArray().Single();
        Assert.Equal("cybersecurity", before.GetProperty("category").GetString());
        Assert.Equal(10000, before.GetProperty("budgetMinMad").GetInt64()); // the questionnaire's default, too few awards
        Assert.Equal(30000, before.GetProperty("budgetMaxMad").GetInt64());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("budgetMedianMad").ValueKind);

        // Five cybersecurity needs awarded at 10,000 to 50,000 MAD: quartiles 20,000 and 40,000, median 30,000.
        var (founder, _) = await jobs.StartupAsync("cybersecurity", ["*"], name: "Atlas Secure");
        foreach (var price in new[] { 50000m, 10000m, 40000m, 20000m, 30000m })
        {
            var (owner, needId) = await jobs.OpenNeedAsync("cybersecurity", "Fes-Meknes");
            var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(price));
            (await owner.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        }
        var budgets = Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IAwardedBudgetsGrain>("cybersecurity");
        await Engagements.EventuallyAsync(async () => (await budgets.ListAsync()).Count >= 5, "the awards counted in their category");

        // Taken again later (the same answers at once would be the same assessment, a double tap).
        jobs.Time.Advance(ISmeMaturityGrain.SameAnswersAgainWithin + TimeSpan.FromMinutes(1));
        var after = (await AssessAsync(sme, smeId, weakSecurity)).GetProperty("recommendations")[0];
        Assert.Equal(20000, after.GetProperty("budgetMinMad").GetInt64());
        Assert.Equal(40000, after.GetProperty("budgetMaxMad").GetInt64());
        Assert.Equal(30000, after.GetProperty("budgetMedianMad").GetInt64());
        Assert.Equal(5, after.GetProperty("awardedNeeds").GetInt32());
    }

    [Fact]
    public async Task An_sme_assesses_gets_a_co_funded_need_built_and_six_months_later_the_impact_figures_show_its_change()
    {
        var sector = "-" + Sector(); // typed by the SME: a leading - would be a formula in a spreadsheet
        var programme = await Engagements.ProgrammeAsync(Host, percent: 50);
        var (founder, startupId) = await jobs.StartupAsync("ecommerce", ["*"], name: "Souk Digital");
        var (sme, smeId) = await SmeAsync(sector);

        // Assess: selling online is the weakest; the plan drafts an online shop, with the startups that fit it.
        Func<string, int> weakSelling = d => d == "selling" ? 0 : d == "presence" ? 1 : 2;
        var assessment = await AssessAsync(sme, smeId, weakSelling);
        Assert.Equal(0.0, Score(assessment, "selling"));
        var plan = assessment.GetProperty("recommendations");
        Assert.Equal("selling", plan[0].GetProperty("dimension").GetString());
        Assert.Equal("ecommerce", plan[0].GetProperty("category").GetString());
        Assert.Equal("Une boutique en ligne avec paiement par carte", plan[0].GetProperty("title").GetString());
        // The same answers sent again at once (a double tap) are the same assessment, not a second one.
        Assert.Equal(assessment.Id(), (await AssessAsync(sme, smeId, weakSelling)).Id());
        // The SME's data export carries what it answered and the plan it got (the one assessment).
        var exported = Assert.Single((await (await sme.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK)).GetProperty("assessments").EnumerateArray());
        Assert.Equal((assessment.Id(), assessment.GetProperty("answers").GetArrayLength()), (exported.Id(), exported.GetProperty("answers").GetArrayLength()));
        await Engagements.EventuallyAsync(async () =>
            (await (await sme.Client.GetAsync($"/api/smes/{smeId}/assessments")).Json(HttpStatusCode.OK)).GetProperty("assessments")[0]
                .GetProperty("recommendations")[0].GetProperty("startups").EnumerateArray().Any(s => s.GetProperty("startupId").GetString() == startupId),
            "the startup that fits shown beside the plan");

        // One click drafts the need from the plan; the same click again, even at once (a double click), answers the same
        // draft. The SME publishes it.
        var draftPath = $"/api/smes/{smeId}/assessments/{assessment.Id()}/recommendations/0/draft";
        var clicks = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => await (await sme.Client.PostAsJsonAsync(draftPath, new { })).Json(HttpStatusCode.Created)));
        Assert.Single(clicks.Select(c => c.Id()).Distinct());
        var draft = clicks[0];
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(draft.Id(), (await (await sme.Client.PostAsJsonAsync(draftPath, new { })).Json(HttpStatusCode.Created)).Id());
        var needId = draft.Id();
        var need = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal("ecommerce", need.GetProperty("category").GetString());
        Assert.Equal("Fes-Meknes", need.GetProperty("region").GetString());
        Assert.Equal(["WooCommerce", "paiement en ligne", "CMI"], need.GetProperty("skills").EnumerateArray().Select(k => k.GetString()));
        // Read in Arabic, the plan names its skills in Arabic (a brand stays as written): a draft made in Arabic has them.
        var inArabic = (await (await sme.Client.GetAsync($"/api/smes/{smeId}/assessments?language=ar")).Json(HttpStatusCode.OK)).GetProperty("assessments")[0];
        Assert.Equal(["WooCommerce", "الدفع الإلكتروني", "CMI"], inArabic.GetProperty("recommendations")[0].GetProperty("skills").EnumerateArray().Select(k => k.GetString()));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        // The plan keeps what was done with its item: the need drafted from it, and where it stands; its page links it.
        var item = (await (await sme.Client.GetAsync($"/api/smes/{smeId}/assessments")).Json(HttpStatusCode.OK)).GetProperty("assessments")[0].GetProperty("recommendations")[0];
        Assert.Equal((needId, "open"), (item.GetProperty("need").Id(), item.GetProperty("need").GetProperty("status").GetString()));
        using (var pages = await Payments.ReceiptTests.PagesAsync(Host, sme))
        {
            var page = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync("/sme/assessment"));
            Assert.Contains($"<a href=\"/sme/needs/{needId}\">Ouvrir le besoin</a>", page);
        }

        // Not approved yet: the need cannot join the programme.
        var joinPath = $"/api/needs/{needId}/programme";
        var early = await (await sme.Client.PostAsJsonAsync(joinPath, new { programmeId = programme })).Problem(HttpStatusCode.BadRequest);
        Assert.True(early.GetProperty("errors").TryGetProperty("programmeId", out _), early.ToString());

        // Apply to the programme with the assessment: the decider sees it, and approves.
        var application = await (await sme.Client.PostAsJsonAsync($"/api/programmes/{programme}/applications",
            new { assessmentId = assessment.Id(), note = "Vendre nos articles en cuir en ligne." })).Json(HttpStatusCode.Created);
        using var admin = Host.Admin();
        var seen = await (await admin.GetAsync($"/api/programmes/{programme}/applications/{application.Id()}")).Json(HttpStatusCode.OK);
        Assert.Equal(assessment.Id(), seen.GetProperty("assessment").GetProperty("id").GetString());
        Assert.Equal(assessment.GetProperty("overall").GetDouble(), seen.GetProperty("assessment").GetProperty("overall").GetDouble());
        // The admin's page names the assessment's dimensions in the page's language, whatever the admin's account speaks.
        using (var adminPages = await Payments.ReceiptTests.AdminPagesAsync(Host))
        {
            adminPages.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ar");
            var page = System.Net.WebUtility.HtmlDecode(await adminPages.GetStringAsync("/admin/programmes"));
            Assert.Contains("البيع والدفع عبر الإنترنت: 0,0 من 5", page);
            Assert.DoesNotContain("Vente en ligne et paiements", page);
        }
        await (await admin.PostAsJsonAsync($"/api/programmes/{programme}/applications/{application.Id()}/decision", new { approve = true, reason = "Plan clair." }))
            .Json(HttpStatusCode.OK);

        // Approved: the open need joins the programme (repeating it changes nothing); the startup cannot move it.
        await (await founder.Client.PostAsJsonAsync(joinPath, new { programmeId = programme })).Problem(HttpStatusCode.Forbidden); // a startup joins no need to a programme
        Assert.Equal(programme, (await (await sme.Client.PostAsJsonAsync(joinPath, new { programmeId = programme })).Json(HttpStatusCode.OK)).GetProperty("programmeId").GetString());
        Assert.Equal(programme, (await (await sme.Client.PostAsJsonAsync(joinPath, new { programmeId = programme })).Json(HttpStatusCode.OK)).GetProperty("programmeId").GetString());

        // A bid, and a neutral opinion on it before accepting: an institute's mentor is assigned and answers.
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(30000));
        var review = await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews",
            new { bidIds = new[] { bidId }, question = "Le prix et le délai sont-ils raisonnables ?" })).Json(HttpStatusCode.Created);
        var (mentor, mentorId) = await Incubation.MentorAsync(Host, ["ecommerce"]);
        await (await admin.PostAsJsonAsync($"/api/expert-reviews/{review.Id()}/assign", new { mentorId })).Json(HttpStatusCode.OK);
        await (await mentor.Client.PostAsJsonAsync($"/api/expert-reviews/{review.Id()}/opinion",
            new { bids = new[] { new { bidId, fit = 4, price = 4, risks = 2, notes = "Offre sérieuse, prix dans la moyenne." } } })).Json(HttpStatusCode.OK);
        var opinion = await (await sme.Client.GetAsync($"/api/expert-reviews/{review.Id()}")).Json(HttpStatusCode.OK);
        Assert.Equal(4, opinion.GetProperty("opinions").EnumerateArray().Single().GetProperty("fit").GetInt32());

        // Accept, fund with the programme's half, deliver, approve.
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await Host.FollowedUpAsync(needId);
        // A need joins one programme for good: another that approved the SME too is refused.
        var other = await Engagements.ProgrammeAsync(Host, percent: 30);
        var otherApplication = await (await sme.Client.PostAsJsonAsync($"/api/programmes/{other}/applications", new { })).Json(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/programmes/{other}/applications/{otherApplication.Id()}/decision", new { approve = true, reason = "Oui." }))
            .Json(HttpStatusCode.OK);
        await (await sme.Client.PostAsJsonAsync(joinPath, new { programmeId = other })).Problem(HttpStatusCode.Conflict);
        var awarded = new Awarded(sme, needId, founder, startupId);
        var funding = await awarded.FundAsync(0);
        Assert.Equal(750_000, funding.GetProperty("programmeMinor").GetInt64());
        await Engagements.ConfirmAsync(Host, funding);
        await awarded.DeliverAsync(0);
        await awarded.ApproveAsync(0);
        var second = await awarded.FundAsync(1);
        await Engagements.ConfirmAsync(Host, second);
        await awarded.DeliverAsync(1);
        await awarded.ApproveAsync(1);
        await Engagements.UntilAsync(Host, needId, e => e.GetProperty("status").GetString() == "completed");

        // The completion schedules the invitation six months on; before that, the job sends nothing.
        await Engagements.EventuallyAsync(() => Task.FromResult(jobs.Scheduled(smeId).Count > 0), "the invitation scheduled");
        var invitations = jobs.Service<MaturityJobs>();
        await invitations.InviteAsync(smeId);
        await jobs.SettleAsync();
        Assert.Empty(jobs.Emails(sme.Email, "reassessment-invitation"));
        jobs.Time.Advance(TimeSpan.FromDays(183));
        await invitations.InviteAsync(smeId);
        await invitations.InviteAsync(smeId); // run again (a retry): still one e-mail
        var email = Assert.Single(await jobs.EmailsAsync(sme.Email, "reassessment-invitation"));
        Assert.Contains("https://jazari.test/sme/assessment", email.GetProperty("text").GetString());

        // Four more SMEs of the sector assess and re-assess, so the sector's cell shows; the SME re-assesses, much better.
        for (var i = 0; i < 4; i++)
        {
            var (peer, peerId) = await SmeAsync(sector);
            await AssessAsync(peer, peerId, _ => 0);
            await AssessAsync(peer, peerId, _ => 2);
        }
        sme = await SignInAgainAsync(sme);
        var again = await AssessAsync(sme, smeId, _ => 9);
        var mine = await (await sme.Client.GetAsync($"/api/smes/{smeId}/assessments")).Json(HttpStatusCode.OK);
        Assert.Equal(2, mine.GetProperty("assessments").GetArrayLength());
        Assert.Equal(again.Id(), mine.GetProperty("assessments")[0].Id());
        Assert.Equal(5.0, Score(mine.GetProperty("assessments")[0], "selling"));
        Assert.Equal(0.0, Score(mine.GetProperty("assessments")[1], "selling"));

        using var anonymous = Host.Anonymous();
        var impact = await (await anonymous.GetAsync($"/api/impact?sector={sector}")).Json(HttpStatusCode.OK);
        var cell = impact.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("sector").GetString() == sector);
        Assert.Equal(5, cell.GetProperty("smes").GetInt32());
        Assert.Equal(5, cell.GetProperty("reassessed").GetInt32());
        Assert.Equal(1, cell.GetProperty("needsCompleted").GetInt32());
        Assert.Equal(3_000_000, cell.GetProperty("releasedMinor").GetInt64());
        Assert.Equal(1_500_000, cell.GetProperty("coFundedMinor").GetInt64());
        double Median(string list) => cell.GetProperty(list).EnumerateArray().Single(m => m.GetProperty("dimension").GetString() == "selling").GetProperty("median").GetDouble();
        Assert.Equal(0.0, Median("before"));
        Assert.True(Median("after") > Median("before"), cell.ToString());
        // One SME completed in the programme: its cell is left out.
        Assert.DoesNotContain(impact.GetProperty("cells").EnumerateArray(), c => c.GetProperty("programmeId").GetString() == programme);
        var region = await (await anonymous.GetAsync($"/api/impact?region=Fes-Meknes")).Json(HttpStatusCode.OK);
        Assert.Contains(region.GetProperty("cells").EnumerateArray(), c => c.GetProperty("region").GetString() == "Fes-Meknes");

        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/impact?sector={sector}");
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csv = await (await anonymous.SendAsync(csvRequest)).Content.ReadAsStringAsync();
        Assert.StartsWith("region,sector,programmeId,smes,reassessed,needsCompleted,releasedMinor,coFundedMinor,currency,before_presence", csv);
        Assert.Contains($",'{sector},,5,5,1,3000000,1500000,MAD,", csv);

        var report = await (await admin.GetAsync("/api/reports/institutes")).Json(HttpStatusCode.OK);
        Assert.Contains(report.GetProperty("maturity").EnumerateArray(), c => c.GetProperty("region").ValueKind == JsonValueKind.Null && c.GetProperty("smes").GetInt32() >= 5);
    }
}
