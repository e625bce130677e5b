using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Jazari.Marketplace.Web.Tests.Payments;

namespace Jazari.Marketplace.Web.Tests;

[Collection(AccountsCollection.Name)]
public sealed class ReviewsApiTests(MarketplaceHost host)
{
    private static object Review(int stars, string comment = "Travail sérieux, bonne communication.") =>
        new { quality = stars, timeliness = stars, communication = stars, comment };

    /// <summary>An SME's need awarded to a new startup, its engagement completed (every milestone paid by bank and
    /// released): the SME, the startup's founder and the startup's id.</summary>
    private async Task<(Person Sme, string NeedId, Person Founder, string StartupId)> AwardedAsync(object? startupProfile = null, object? need = null)
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.Client.CreateAsync("/api/needs", need ?? Api.Need());
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var founder = await host.SignUpAsync("startup");
        var startupId = await founder.Client.CreateAsync("/api/startups", startupProfile ?? Api.Startup());
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        await Payments.Engagements.CompleteAsync(host, new Payments.Awarded(sme, needId, founder, startupId));
        return (sme, needId, founder, startupId);
    }

    private static async Task<JsonElement> ReviewsAsync(Person person, string needId) =>
        (await (await person.Client.GetAsync($"/api/needs/{needId}/reviews")).Json(HttpStatusCode.OK)).GetProperty("reviews");

    [Fact]
    public async Task A_finished_missions_page_links_each_side_to_its_review_form()
    {
        var (sme, needId, founder, _) = await AwardedAsync();
        foreach (var (person, side) in new[] { (sme, "sme"), (founder, "startup") })
        {
            using var pages = await Payments.ReceiptTests.PagesAsync(host, person);
            var mission = await pages.GetStringAsync($"/engagements/{needId}");
            Assert.Contains($"id=\"review-link\" href=\"/{side}/needs/{needId}#reviews\"", mission);
            var needPage = await pages.GetStringAsync($"/{side}/needs/{needId}");
            Assert.Contains("id=\"review-comment\"", needPage); // the form is there

            // Sent without one rating (a browser that does not check "required"): refused, and what was typed comes back.
            var refused = await pages.PostAsync($"/{side}/needs/{needId}?handler=review", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Review.Quality"] = "4", ["Review.Timeliness"] = "", ["Review.Communication"] = "5",
                ["Review.Comment"] = "Livré à temps <b>et</b> bien expliqué.", ["__af"] = ReceiptTests.Antiforgery(needPage),
            }));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var form = await refused.Content.ReadAsStringAsync();
            var typed = form[form.IndexOf("id=\"review-comment\"")..];
            typed = typed[(typed.IndexOf('>') + 1)..typed.IndexOf("</textarea>")];
            Assert.DoesNotContain("<b>", typed);
            Assert.Equal("Livré à temps <b>et</b> bien expliqué.", System.Net.WebUtility.HtmlDecode(typed));
            Assert.Matches("<option value=\"4\" selected=\"selected\">", form[form.IndexOf("id=\"review-quality\"")..form.IndexOf("id=\"review-timeliness\"")]);
            Assert.Matches("<option value=\"5\" selected=\"selected\">", form[form.IndexOf("id=\"review-communication\"")..]);
            Assert.Contains("class=\"error\"", form[form.IndexOf("id=\"review-timeliness\"")..form.IndexOf("id=\"review-communication\"")]); // said where
            Assert.Equal(0, (await ReviewsAsync(person, needId)).GetArrayLength()); // nothing written
        }
    }

    [Fact]
    public async Task Both_sides_review_blind_and_see_both_reviews_once_both_are_in()
    {
        var (sme, needId, founder, startupId) = await AwardedAsync();
        // The mission completed, each side was asked by e-mail, once, for its review, with the need's link.
        await host.JobsSettledAsync();
        // Each reads what it rates of the other: the SME the work, the startup the SME (French accounts).
        foreach (var (person, rates) in new[] { (sme, "qualité du travail, respect des délais"), (founder, "clarté du besoin, paiement dans les délais") })
        {
            var asked = Assert.Single(host.Emails(person.Email), m => m.GetProperty("kind").GetString() == "engagement-completed");
            Assert.Contains($"/needs/{needId}", asked.GetProperty("text").GetString());
            Assert.Contains(rates, asked.GetProperty("text").GetString());
        }
        // Its mission over, the startup has no project under way: its capacity is free again for the matching.
        await Payments.Engagements.EventuallyAsync(async () => (await (await sme.Client.GetAsync($"/api/startups/{startupId}")).Json(HttpStatusCode.OK))
            .GetProperty("activeProjects").GetInt32() == 0, "the ended project is no longer under way");

        var written = await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(5))).Json(HttpStatusCode.Created);
        Assert.False(written.GetProperty("revealed").GetBoolean());
        Assert.Equal("sme", written.GetProperty("author").GetString());
        Assert.Equal(startupId, written.GetProperty("subjectId").GetString());
        Assert.Equal(0, (await ReviewsAsync(founder, needId)).GetArrayLength());
        // Its reveal in 14 days, if the startup writes none, is scheduled (before the write: a host killed after it loses nothing).
        var reveal = Assert.Single(host.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi().ScheduledJobs(0, 10_000),
            j => j.Value.Job?.Type == typeof(Jobs.ReviewRevealJob) && j.Value.Job.Args.Contains(needId));
        var writtenAt = written.GetProperty("writtenAt").GetDateTimeOffset().UtcDateTime;
        Assert.InRange(reveal.Value.EnqueueAt, writtenAt.AddDays(14), writtenAt.AddDays(14).AddMinutes(2));
        // The SME's mission page no longer asks for its review; the startup's still does.
        foreach (var (person, reviewed) in new[] { (sme, true), (founder, false) })
        {
            using var pages = await Payments.ReceiptTests.PagesAsync(host, person);
            var mission = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/engagements/{needId}"));
            Assert.Equal(reviewed, mission.Contains("votre avis est écrit"));
            Assert.Equal(!reviewed, mission.Contains("Donner votre avis sur la mission"));
            Assert.DoesNotContain("échéance le", mission); // every milestone paid: their due dates are past concerns
        }
        var stranger = await host.SignUpAsync("startup");
        await (await stranger.Client.GetAsync($"/api/needs/{needId}/reviews")).Problem(HttpStatusCode.NotFound);
        await (await stranger.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(1))).Problem(HttpStatusCode.NotFound);
        var publicBefore = await (await stranger.Client.GetAsync($"/api/startups/{startupId}/reviews")).Json(HttpStatusCode.OK);
        Assert.Equal(0, publicBefore.GetProperty("reviews").GetArrayLength());

        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(4, "Client clair et réactif."))).Json(HttpStatusCode.Created);
        Assert.Equal(2, (await ReviewsAsync(founder, needId)).GetArrayLength());
        Assert.All((await ReviewsAsync(sme, needId)).EnumerateArray(), r => Assert.True(r.GetProperty("revealed").GetBoolean()));
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(1, "Changement d'avis."))).Problem(HttpStatusCode.Conflict);

        var listed = await (await stranger.Client.GetAsync($"/api/startups/{startupId}/reviews")).Json(HttpStatusCode.OK);
        Assert.Equal(1, listed.GetProperty("ratingCount").GetInt32());
        Assert.Equal(5.0, listed.GetProperty("rating").GetDouble());
        var shown = Assert.Single(listed.GetProperty("reviews").EnumerateArray());
        Assert.Equal(written.Id(), shown.Id());
        Assert.False(shown.TryGetProperty("hiddenReason", out var reason) && reason.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task The_startup_answers_once_anyone_reports_and_an_admin_hides_with_a_reason()
    {
        var (sme, needId, founder, startupId) = await AwardedAsync();
        var smeReview = (await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(1, "Très déçu."))).Json(HttpStatusCode.Created)).Id();
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews/{smeReview}/answer", new { answer = "Trop tôt ?" })).Problem(HttpStatusCode.NotFound);
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(5))).Json(HttpStatusCode.Created);

        var answered = await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews/{smeReview}/answer", new { answer = "Le périmètre a changé en cours de route." })).Json(HttpStatusCode.OK);
        Assert.Equal("Le périmètre a changé en cours de route.", answered.GetProperty("answer").GetString());
        await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews/{smeReview}/answer", new { answer = "Encore." })).Problem(HttpStatusCode.Conflict);

        var reader = await host.SignUpAsync("sme");
        var reported = await (await reader.Client.PostAsync($"/api/needs/{needId}/reviews/{smeReview}/report", null)).Json(HttpStatusCode.OK);
        Assert.True(reported.GetProperty("first").GetBoolean());
        using var admin = host.Admin();
        var queue = await (await admin.GetAsync("/api/admin/reviews/reported")).Json(HttpStatusCode.OK);
        Assert.Contains(queue.EnumerateArray(), r => r.GetProperty("reviewId").GetString() == smeReview);

        await (await reader.Client.PostAsJsonAsync($"/api/admin/reviews/{smeReview}/hide", new { reason = "Non." })).Problem(HttpStatusCode.Forbidden);
        await (await admin.PostAsJsonAsync($"/api/admin/reviews/{smeReview}/hide", new { reason = "" })).Problem(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/admin/reviews/rev-does-not-exist/hide", new { reason = "Propos injurieux." })).Problem(HttpStatusCode.NotFound);
        var hidden = await (await admin.PostAsJsonAsync($"/api/admin/reviews/{smeReview}/hide", new { reason = "Propos injurieux." })).Json(HttpStatusCode.OK);
        Assert.True(hidden.GetProperty("hidden").GetBoolean());
        var audit = await (await admin.GetAsync("/api/admin/audit?actor=admin&action=review-hidden")).Json(HttpStatusCode.OK);
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == smeReview);
        Assert.Equal("Propos injurieux.", entry.GetProperty("detail").GetString());

        var listed = await (await reader.Client.GetAsync($"/api/startups/{startupId}/reviews")).Json(HttpStatusCode.OK);
        Assert.Equal(0, listed.GetProperty("ratingCount").GetInt32());
        Assert.Equal(0, listed.GetProperty("reviews").GetArrayLength());
        var seenByFounder = (await ReviewsAsync(founder, needId)).EnumerateArray().Single(r => r.Id() == smeReview);
        Assert.Equal("Propos injurieux.", seenByFounder.GetProperty("hiddenReason").GetString());
        await (await reader.Client.PostAsync($"/api/needs/{needId}/reviews/{smeReview}/report", null)).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reviews_open_only_once_the_engagement_completes_and_bad_ratings_are_400()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        await (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews", Review(4))).Problem(HttpStatusCode.Conflict);
        var awarded = await Payments.Engagements.AwardedAsync(host);
        await (await awarded.Sme.Client.PostAsJsonAsync($"/api/needs/{awarded.NeedId}/reviews", Review(4))).Problem(HttpStatusCode.Conflict);
        await Payments.Engagements.ConfirmAsync(host, await awarded.FundAsync(0));
        await (await awarded.Founder.Client.PostAsJsonAsync($"/api/needs/{awarded.NeedId}/reviews", Review(4))).Problem(HttpStatusCode.Conflict);
        var (awardedSme, awardedNeed, _, _) = await AwardedAsync();
        var invalid = await (await awardedSme.Client.PostAsJsonAsync($"/api/needs/{awardedNeed}/reviews",
            new { quality = 6, timeliness = 0, comment = "" })).Problem(HttpStatusCode.BadRequest);
        var errors = invalid.GetProperty("errors");
        foreach (var field in new[] { "quality", "timeliness", "communication", "comment" }) Assert.True(errors.TryGetProperty(field, out _), field);
        await (await awardedSme.Client.GetAsync("/api/startups/st-does-not-exist/reviews")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_revealed_good_review_ranks_the_startup_above_an_equal_one_with_a_poor_review()
    {
        var skill = "zellige" + Guid.NewGuid().ToString("N")[..6];
        object Profile(string name) => new
        {
            name, city = "Fes", region = "Fes-Meknes", categories = new[] { "iot" }, skills = new[] { skill, "capteurs" },
            description = "Capteurs connectés pour ateliers.", languages = new[] { "fr" },
            priceMinMad = 10000, priceMaxMad = 80000, regionsServed = new[] { "*" }, capacity = 5,
        };
        object Need(string title) => new
        {
            title, description = $"Des capteurs connectés {skill} pour suivre notre atelier.", category = "iot",
            skills = new[] { skill }, budgetMinMad = 15000, budgetMaxMad = 40000,
            deadline = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd"), region = "Fes-Meknes", remoteOk = true, language = "fr",
        };
        var (goodSme, goodNeed, goodFounder, good) = await AwardedAsync(Profile("Capteurs Un"), Need("Suivi atelier un"));
        var (poorSme, poorNeed, poorFounder, poor) = await AwardedAsync(Profile("Capteurs Deux"), Need("Suivi atelier deux"));
        foreach (var (sme, need, founder, stars) in new[] { (goodSme, goodNeed, goodFounder, 5), (poorSme, poorNeed, poorFounder, 1) })
        {
            await (await sme.Client.PostAsJsonAsync($"/api/needs/{need}/reviews", Review(stars))).Json(HttpStatusCode.Created);
            await (await founder.Client.PostAsJsonAsync($"/api/needs/{need}/reviews", Review(5))).Json(HttpStatusCode.Created);
        }

        var sme3 = await host.SignUpAsync("sme");
        await sme3.Client.CreateAsync("/api/smes", Api.Sme());
        var next = await sme3.Client.CreateAsync("/api/needs", Need("Suivi atelier trois"));
        (await sme3.Client.PostAsync($"/api/needs/{next}/publish", null)).EnsureSuccessStatusCode();
        var matches = await (await sme3.Client.GetAsync($"/api/needs/{next}/matches?top=10")).Json(HttpStatusCode.OK);
        var ranked = matches.GetProperty("matches").EnumerateArray().ToList();
        var ids = ranked.Select(m => m.GetProperty("startupId").GetString()).ToList();
        Assert.Contains(good, ids);
        Assert.Contains(poor, ids);
        Assert.True(ids.IndexOf(good) < ids.IndexOf(poor), string.Join(", ", ids));
        double Score(string id) => ranked.Single(m => m.GetProperty("startupId").GetString() == id).GetProperty("score").GetDouble();
        Assert.True(Score(good) > Score(poor), $"{Score(good)} vs {Score(poor)}");
    }
}
