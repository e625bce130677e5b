using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Jazari.Marketplace.Web.Tests.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// Every endpoint of the app that names an object in its route, called by every role against objects of another
/// tenant (a victim SME, startup, mentor and manager who share nothing with the callers): each answers 401, 403 or
/// 404, never a 2xx, never a 500. The endpoints come from the app itself, so a new endpoint with an id in its route
/// fails this test until it is given a case below (its sample object and who may legitimately call it).
/// </summary>
[Collection(MarketplaceCollection.Name)]
public sealed partial class IdorMatrixTests(MarketplaceHost host)
{
    private enum As { Sme, Startup, Mentor, Manager, Admin, Anonymous }

    private static readonly As[] SignedIn = [As.Sme, As.Startup, As.Mentor, As.Manager, As.Admin];

    /// <summary>One endpoint: the path against the victim's objects, a valid body (or a function of the victim's objects), and who may call it on another's object.</summary>
    private sealed record Case(Func<Victim, string> Path, object? Body = null, params As[] Allowed);

    /// <summary>The objects of the victim tenant.</summary>
    private sealed record Victim(
        string SmeAccountId, string SmeId, string DraftNeedId, string OpenNeedId, string OpenBidId, string AwardedNeedId, string StartupId,
        string ConversationId, string DisputeId, string PaymentReference, string CohortId, string ApplicationId, string InvitationId,
        string MentorId, string SessionId, string GoalId, string ReviewedNeedId, string ReviewId, string ProgrammeId, string PayoutId,
        string ProgrammeApplicationId, string ExpertReviewId);

    private static readonly string Day = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
    private static readonly object Message = new { text = "Bonjour" };

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Profiles: a startup profile markets itself to everyone signed in; SME and mentor profiles are private.
        ["GET /api/smes/{id}"] = new(v => $"/api/smes/{v.SmeId}", null, As.Admin),
        ["PUT /api/smes/{id}"] = new(v => $"/api/smes/{v.SmeId}", Api.Sme(), As.Admin),
        ["GET /api/startups/{id}"] = new(v => $"/api/startups/{v.StartupId}", null, SignedIn),
        ["PUT /api/startups/{id}"] = new(v => $"/api/startups/{v.StartupId}", Api.Startup(), As.Admin),
        ["GET /api/mentors/{id}"] = new(v => $"/api/mentors/{v.MentorId}", null, As.Admin),
        ["PUT /api/mentors/{id}"] = new(v => $"/api/mentors/{v.MentorId}", new { name = "X", expertise = new[] { "seo" }, languages = new[] { "fr" }, capacity = 2 }, As.Admin),
        ["POST /api/startups/{id}/stripe-onboarding"] = new(v => $"/api/startups/{v.StartupId}/stripe-onboarding"),

        // Needs and bids: a draft is its SME's alone; an open need's bids are the SME's and each bidder's own. Admins read
        // them and may cancel a need (moderation), but never edit, publish, accept or withdraw in a party's place.
        ["GET /api/needs/{id}"] = new(v => $"/api/needs/{v.DraftNeedId}", null, As.Admin),
        ["PUT /api/needs/{id}"] = new(v => $"/api/needs/{v.DraftNeedId}", Api.Need()),
        ["POST /api/needs/{id}/publish"] = new(v => $"/api/needs/{v.DraftNeedId}/publish"),
        ["POST /api/needs/{id}/programme"] = new(v => $"/api/needs/{v.DraftNeedId}/programme", (Func<Victim, object>)(v => new { programmeId = v.ProgrammeId })),
        ["POST /api/needs/{id}/cancel"] = new(v => $"/api/needs/{v.DraftNeedId}/cancel", null, As.Admin),
        ["POST /api/needs/{id}/bids"] = new(v => $"/api/needs/{v.DraftNeedId}/bids", Api.Bid()),
        ["POST /api/needs/{id}/bids/{bidId}/withdraw"] = new(v => $"/api/needs/{v.OpenNeedId}/bids/{v.OpenBidId}/withdraw"),
        ["POST /api/needs/{id}/bids/{bidId}/accept"] = new(v => $"/api/needs/{v.OpenNeedId}/bids/{v.OpenBidId}/accept"),
        ["GET /api/needs/{id}/matches"] = new(v => $"/api/needs/{v.DraftNeedId}/matches", null, As.Admin), // managers: of needs they may see
        ["GET /api/startups/{id}/matches"] = new(v => $"/api/startups/{v.StartupId}/matches", null, As.Admin),

        // Conversations: the two parties only (admins while a report waits; none waits here).
        ["POST /api/needs/{id}/conversations"] = new(v => $"/api/needs/{v.DraftNeedId}/conversations", (Func<Victim, As, object>)((v, role) => role == As.Startup ? Message : new { startupId = v.StartupId, text = "Bonjour" })),
        ["GET /api/conversations/{id}"] = new(v => $"/api/conversations/{v.ConversationId}"),
        ["POST /api/conversations/{id}/messages"] = new(v => $"/api/conversations/{v.ConversationId}/messages", Message),
        ["POST /api/conversations/{id}/read"] = new(v => $"/api/conversations/{v.ConversationId}/read", new { }),
        ["POST /api/conversations/{id}/report"] = new(v => $"/api/conversations/{v.ConversationId}/report", new { reason = "Spam" }),
        ["POST /api/admin/conversations/{id}/handled"] = new(v => $"/api/admin/conversations/{v.ConversationId}/handled", null, As.Admin),

        // Engagements and payments: the SME and the startup; admins read them and settle disputes but never fund, deliver,
        // approve, dispute or cancel in a party's place; a manager only of the dispute's mediator institute.
        ["GET /api/needs/{id}/engagement"] = new(v => $"/api/needs/{v.AwardedNeedId}/engagement", null, As.Admin),
        ["GET /api/needs/{id}/ledger"] = new(v => $"/api/needs/{v.AwardedNeedId}/ledger", null, As.Admin),
        ["POST /api/needs/{id}/milestones/{index}/fund"] = new(v => $"/api/needs/{v.AwardedNeedId}/milestones/1/fund", new { method = "bank-transfer" }),
        ["POST /api/needs/{id}/milestones/{index}/deliver"] = new(v => $"/api/needs/{v.AwardedNeedId}/milestones/1/deliver", new { note = "Livré.", links = Array.Empty<string>() }),
        ["POST /api/needs/{id}/milestones/{index}/approve"] = new(v => $"/api/needs/{v.AwardedNeedId}/milestones/0/approve"),
        ["POST /api/needs/{id}/milestones/{index}/dispute"] = new(v => $"/api/needs/{v.AwardedNeedId}/milestones/0/dispute", new { reason = "Incomplet." }),
        ["POST /api/needs/{id}/engagement/cancel"] = new(v => $"/api/needs/{v.AwardedNeedId}/engagement/cancel"),
        ["POST /api/disputes/{id}/accept-mediators"] = new(v => $"/api/disputes/{v.DisputeId}/accept-mediators"), // the SME itself only, never another or an admin
        ["POST /api/disputes/{id}/resolve"] = new(v => $"/api/disputes/{v.DisputeId}/resolve", new { releaseMinor = 1_500_000L, refundMinor = 0L, note = "Tout livré." }, As.Admin),
        ["GET /api/admin/programmes/{id}"] = new(v => $"/api/admin/programmes/{v.ProgrammeId}", null, As.Admin),
        // Programme applications: any SME applies to a programme; an application is its SME's and its deciders' (admins,
        // managers of an institute the programme names: none here).
        ["POST /api/programmes/{id}/applications"] = new(v => $"/api/programmes/{v.ProgrammeId}/applications", new { note = "Candidature." }, As.Sme),
        ["GET /api/programmes/{id}/applications"] = new(v => $"/api/programmes/{v.ProgrammeId}/applications", null, As.Admin),
        ["GET /api/programmes/{id}/applications/{appId}"] = new(v => $"/api/programmes/{v.ProgrammeId}/applications/{v.ProgrammeApplicationId}", null, As.Admin),
        ["POST /api/programmes/{id}/applications/{appId}/decision"] = new(v => $"/api/programmes/{v.ProgrammeId}/applications/{v.ProgrammeApplicationId}/decision",
            new { approve = false, reason = "Refus forgé." }, As.Admin),
        ["GET /api/smes/{id}/programmes"] = new(v => $"/api/smes/{v.SmeId}/programmes", null, As.Admin),
        // Digital maturity: an SME's assessments are its own (admins read them and invite it to re-assess).
        ["POST /api/smes/{id}/assessments"] = new(v => $"/api/smes/{v.SmeId}/assessments", Maturity.MaturityApiTests.Answers(_ => 0)),
        ["GET /api/smes/{id}/assessments"] = new(v => $"/api/smes/{v.SmeId}/assessments", null, As.Admin),
        ["POST /api/smes/{id}/assessments/{assessmentId}/recommendations/{index}/draft"] = new(v => $"/api/smes/{v.SmeId}/assessments/assessment-forged/recommendations/0/draft", new { }),
        ["POST /api/smes/{id}/reassessment-invitations"] = new(v => $"/api/smes/{v.SmeId}/reassessment-invitations", null, As.Admin),
        ["POST /api/admin/payments/{paymentId}/confirm"] = new(v => $"/api/admin/payments/{v.PaymentReference}/confirm", new { amountMinor = 1L, bankReference = "VIR-1" }, As.Admin),
        ["POST /api/admin/payouts/{id}/paid"] = new(v => $"/api/admin/payouts/{v.PayoutId}/paid", new { bankReference = "BOA-1" }, As.Admin),
        ["POST /api/admin/payouts/{id}/release"] = new(v => $"/api/admin/payouts/{v.PayoutId}/release", new { reason = "Vérifié." }, As.Admin),
        ["POST /api/admin/payouts/{id}/release-hold"] = new(v => $"/api/admin/payouts/{v.PayoutId}/release-hold", new { reason = "Vérifié." }, As.Admin),
        ["POST /api/admin/payouts/{id}/decline"] = new(v => $"/api/admin/payouts/{v.PayoutId}/decline", new { reason = "Refusé." }, As.Admin),
        ["GET /api/admin/payout-files/{id}"] = new(v => "/api/admin/payout-files/pf-victim-file", null, As.Admin),
        ["POST /api/admin/payout-files/{id}/paid"] = new(v => "/api/admin/payout-files/pf-victim-file/paid", new { bankReference = "BOA-1" }, As.Admin),
        ["POST /api/admin/payout-files/{id}/withdraw"] = new(v => "/api/admin/payout-files/pf-victim-file/withdraw", new { reason = "Refusé par la banque." }, As.Admin),
        // Payout details (the RIB): the profile's owner alone, not even an admin.
        ["GET /api/startups/{id}/payout-details"] = new(v => $"/api/startups/{v.StartupId}/payout-details"),
        ["PUT /api/startups/{id}/payout-details"] = new(v => $"/api/startups/{v.StartupId}/payout-details", new { holder = "Fraude SARL", rib = "007 780 0001234567890123 96" }),
        ["POST /api/startups/{id}/payout-details/report"] = new(v => $"/api/startups/{v.StartupId}/payout-details/report", new { }),
        ["GET /api/smes/{id}/payout-details"] = new(v => $"/api/smes/{v.SmeId}/payout-details"),
        ["POST /api/smes/{id}/payout-details/report"] = new(v => $"/api/smes/{v.SmeId}/payout-details/report", new { }),
        ["PUT /api/smes/{id}/payout-details"] = new(v => $"/api/smes/{v.SmeId}/payout-details", new { holder = "Fraude SARL", rib = "007 780 0001234567890123 96" }),
        ["PUT /api/admin/bank-statement-mappings/{name}"] = new(v => "/api/admin/bank-statement-mappings/victim-bank", new { creditColumn = "Credit", labelColumns = new[] { "Label" } }, As.Admin),

        // Expert opinions: the need's SME asks; its institutes' managers (none here) and admins assign; the assigned mentor
        // answers; never the bidding startups.
        ["POST /api/needs/{id}/expert-reviews"] = new(v => $"/api/needs/{v.OpenNeedId}/expert-reviews", (Func<Victim, object>)(v => new { bidIds = new[] { v.OpenBidId }, question = "Avis ?" })),
        ["GET /api/expert-reviews/{id}"] = new(v => $"/api/expert-reviews/{v.ExpertReviewId}", null, As.Admin),
        ["GET /api/expert-reviews/{id}/suggestions"] = new(v => $"/api/expert-reviews/{v.ExpertReviewId}/suggestions", null, As.Admin),
        ["POST /api/expert-reviews/{id}/assign"] = new(v => $"/api/expert-reviews/{v.ExpertReviewId}/assign", (Func<Victim, object>)(v => new { mentorId = v.MentorId }), As.Admin),
        ["POST /api/expert-reviews/{id}/opinion"] = new(v => $"/api/expert-reviews/{v.ExpertReviewId}/opinion",
            (Func<Victim, object>)(v => new { bids = new[] { new { bidId = v.OpenBidId, fit = 1, price = 1, risks = 1, notes = "Faux avis." } } })),

        // Reviews: published for everyone signed in once both are in; written and answered by the two parties.
        ["GET /api/needs/{id}/reviews"] = new(v => $"/api/needs/{v.ReviewedNeedId}/reviews", null, SignedIn),
        ["POST /api/needs/{id}/reviews"] = new(v => $"/api/needs/{v.ReviewedNeedId}/reviews", new { quality = 1, timeliness = 1, communication = 1, comment = "Faux avis." }),
        ["POST /api/needs/{id}/reviews/{reviewId}/answer"] = new(v => $"/api/needs/{v.ReviewedNeedId}/reviews/{v.ReviewId}/answer", new { answer = "Réponse." }),
        ["POST /api/needs/{id}/reviews/{reviewId}/report"] = new(v => $"/api/needs/{v.ReviewedNeedId}/reviews/{v.ReviewId}/report", new { reason = "Faux." }, As.Admin), // admins moderate
        ["GET /api/startups/{id}/reviews"] = new(v => $"/api/startups/{v.StartupId}/reviews", null, SignedIn),
        ["POST /api/admin/reviews/{reviewId}/hide"] = new(v => $"/api/admin/reviews/{v.ReviewId}/hide", new { reason = "Injurieux." }, As.Admin),

        // Cohorts: their managers (and admins); a startup reads a cohort's call and applies; mentors score when invited.
        ["GET /api/cohorts/{id}"] = new(v => $"/api/cohorts/{v.CohortId}", null, As.Admin, As.Startup),
        ["POST /api/cohorts/{id}/applications"] = new(v => $"/api/cohorts/{v.CohortId}/applications", new { answers = new[] { "Un", "Deux" } }, As.Startup),
        ["POST /api/cohorts/{id}/evaluators"] = new(v => $"/api/cohorts/{v.CohortId}/evaluators", new { email = "evaluateur@example.ma" }, As.Admin),
        ["GET /api/cohorts/{id}/evaluators"] = new(v => $"/api/cohorts/{v.CohortId}/evaluators", null, As.Admin),
        ["POST /api/me/evaluations/{cohortId}/accept"] = new(v => $"/api/me/evaluations/{v.CohortId}/accept"), // nobody was invited
        ["POST /api/me/evaluations/{cohortId}/decline"] = new(v => $"/api/me/evaluations/{v.CohortId}/decline"),
        ["GET /api/cohorts/{id}/applications"] = new(v => $"/api/cohorts/{v.CohortId}/applications", null, As.Admin),
        ["GET /api/cohorts/{id}/applications/{appId}"] = new(v => $"/api/cohorts/{v.CohortId}/applications/{v.ApplicationId}", null, As.Admin),
        ["POST /api/cohorts/{id}/applications/{appId}/scores"] = new(v => $"/api/cohorts/{v.CohortId}/applications/{v.ApplicationId}/scores", new { scores = new[] { 5, 5 } }, As.Admin),
        ["POST /api/cohorts/{id}/applications/{appId}/decision"] = new(v => $"/api/cohorts/{v.CohortId}/applications/{v.ApplicationId}/decision", new { admit = true }, As.Admin),
        ["POST /api/cohorts/{id}/members"] = new(v => $"/api/cohorts/{v.CohortId}/members", (Func<Victim, object>)(v => new { startupId = v.StartupId }), As.Admin),
        ["GET /api/cohorts/{id}/startups"] = new(v => $"/api/cohorts/{v.CohortId}/startups?name=Atlas", null, As.Admin),
        ["GET /api/cohorts/{id}/invitations"] = new(v => $"/api/cohorts/{v.CohortId}/invitations", null, As.Admin),
        ["POST /api/cohorts/{id}/mentors"] = new(v => $"/api/cohorts/{v.CohortId}/mentors", (Func<Victim, object>)(v => new { mentorId = v.MentorId, startupId = v.StartupId }), As.Admin),
        ["GET /api/cohorts/{id}/mentors/suggestions"] = new(v => $"/api/cohorts/{v.CohortId}/mentors/suggestions?startupId={v.StartupId}", null, As.Admin),
        ["GET /api/cohorts/{id}/dashboard"] = new(v => $"/api/cohorts/{v.CohortId}/dashboard", null, As.Admin),
        ["POST /api/me/invitations/{invitationId}/accept"] = new(v => $"/api/me/invitations/{v.InvitationId}/accept"),
        ["POST /api/me/invitations/{invitationId}/decline"] = new(v => $"/api/me/invitations/{v.InvitationId}/decline"),
        // Only the member leaves: another startup never was in the cohort (404), and nobody leaves in its place.
        ["POST /api/me/cohorts/{id}/leave"] = new(v => $"/api/me/cohorts/{v.CohortId}/leave"),

        // A startup's progress: the startup, its mentors, its cohorts' managers, admins.
        ["POST /api/mentors/{id}/sessions"] = new(v => $"/api/mentors/{v.MentorId}/sessions", (Func<Victim, object>)(v => new { startupId = v.StartupId, date = Day, minutes = 30, notes = "Faux.", nextSteps = "Rien." })),
        ["GET /api/mentors/{id}/startups"] = new(v => $"/api/mentors/{v.MentorId}/startups"),
        ["GET /api/startups/{id}/sessions"] = new(v => $"/api/startups/{v.StartupId}/sessions", null, As.Admin),
        ["POST /api/startups/{id}/sessions/{sessionId}/rating"] = new(v => $"/api/startups/{v.StartupId}/sessions/{v.SessionId}/rating", new { stars = 1 }),
        ["GET /api/startups/{id}/goals"] = new(v => $"/api/startups/{v.StartupId}/goals", null, As.Admin),
        ["POST /api/startups/{id}/goals"] = new(v => $"/api/startups/{v.StartupId}/goals", new { what = "Faux", unit = "x", target = 1, dueOn = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") }, As.Admin), // and its mentors and cohorts' managers
        ["POST /api/startups/{id}/goals/{goalId}/progress"] = new(v => $"/api/startups/{v.StartupId}/goals/{v.GoalId}/progress", new { date = Day, value = 1 }, As.Admin),
        ["DELETE /api/startups/{id}/goals/{goalId}"] = new(v => $"/api/startups/{v.StartupId}/goals/{v.GoalId}"), // the startup itself only
        ["POST /api/startups/{id}/figures"] = new(v => $"/api/startups/{v.StartupId}/figures", new { month = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM"), revenueMad = 1, employees = 1 }),
        ["GET /api/startups/{id}/kpis"] = new(v => $"/api/startups/{v.StartupId}/kpis", null, As.Admin),

        // An imported profile is taken over only by the account signed up with its catalogue's address: never a held one.
        ["POST /api/me/listed-profiles/{id}/claim"] = new(v => $"/api/me/listed-profiles/{v.SmeId}/claim"),

        // Accounts: admins only.
        ["POST /api/admin/accounts/{id}/erase"] = new(v => $"/api/admin/accounts/{v.SmeAccountId}/erase", new { confirm = "x" }, As.Admin),
    };

    [Fact]
    public async Task Every_endpoint_naming_an_object_refuses_every_role_of_another_tenant()
    {
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ActionDescriptor>() is null && (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            .Where(e => e.RoutePattern.Parameters.Count > 0)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Distinct().ToList();
        Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints with an id found");
        var uncovered = endpoints.Where(e => !Cases.ContainsKey(e)).ToList();
        Assert.True(uncovered.Count == 0, "Endpoints the IDOR matrix does not cover (add a case with a sample object): " + string.Join(", ", uncovered));
        var stale = Cases.Keys.Except(endpoints).ToList();
        Assert.True(stale.Count == 0, "Cases of endpoints that no longer exist: " + string.Join(", ", stale));

        var victim = await VictimAsync();
        var callers = await CallersAsync();
        var leaks = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var method = endpoint[..endpoint.IndexOf(' ')];
            var @case = Cases[endpoint];
            var path = @case.Path(victim);
            foreach (var (role, client) in callers)
            {
                var allowed = @case.Allowed.Contains(role);
                if (allowed && method != "GET") continue; // a change it may make: not made here
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                    request.Content = JsonContent.Create(@case.Body switch
                    {
                        Func<Victim, As, object> byRole => byRole(victim, role),
                        Func<Victim, object> of => of(victim),
                        var body => body ?? new { },
                    });
                using var response = await client.SendAsync(request);
                if (allowed ? (int)response.StatusCode >= 500
                    : response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                    leaks.Add($"{endpoint} as {role}: {(int)response.StatusCode} {Short(await response.Content.ReadAsStringAsync())}");
            }
        }
        Assert.True(leaks.Count == 0, $"{leaks.Count} calls on another tenant's object were not refused:\n" + string.Join("\n", leaks));
    }

    private static string Short(string body) => body.Length <= 200 ? body : body[..200] + "…";

    /// <summary>A caller of each role, none of them related to the victim (the manager's institute is another).</summary>
    private async Task<List<(As Role, HttpClient Client)>> CallersAsync()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var (startup, _) = await Api.StartupAsync(host, "Intrus");
        var (mentor, _) = await Incubation.MentorAsync(host);
        var manager = await Incubation.ProgrammeAsync(host);
        return [(As.Sme, sme.Client), (As.Startup, startup.Client), (As.Mentor, mentor.Client), (As.Manager, manager.Manager.Client),
            (As.Admin, host.Admin()), (As.Anonymous, host.Anonymous())];
    }

    /// <summary>The victim's objects: an SME's needs (draft, open with a bid, awarded and disputed, cancelled and reviewed), a startup in a cohort with a mentor, goals and sessions.</summary>
    private async Task<Victim> VictimAsync()
    {
        var programme = await Incubation.ProgrammeAsync(host);
        var awarded = await Engagements.AwardedAsync(host);
        await programme.AddMemberAsync(awarded.Founder, awarded.StartupId);
        var (sme, founder, startupId) = (awarded.Sme, awarded.Founder, awarded.StartupId);

        var draft = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "Brouillon privé"));
        var open = await sme.Client.CreateAsync("/api/needs", Api.Need(title: "Besoin ouvert"));
        (await sme.Client.PostAsync($"/api/needs/{open}/publish", null)).EnsureSuccessStatusCode();
        var bid = await founder.Client.CreateAsync($"/api/needs/{open}/bids", Api.Bid());
        var conversation = (await (await founder.Client.PostAsJsonAsync($"/api/needs/{awarded.NeedId}/conversations", Message)).Json(HttpStatusCode.Created)).Id();

        var funding = await awarded.FundAsync(0);
        await Engagements.ConfirmAsync(host, funding);
        await awarded.DeliverAsync(0);
        var disputed = await (await sme.Client.PostAsJsonAsync($"/api/needs/{awarded.NeedId}/milestones/0/dispute", new { reason = "Incomplet." })).Json(HttpStatusCode.OK);
        var disputeId = disputed.Milestone(0).GetProperty("dispute").Id();

        var (mentor, mentorId) = await Incubation.MentorAsync(host);
        (await programme.Manager.Client.PostAsJsonAsync($"/api/cohorts/{programme.CohortId}/mentors", new { mentorId, startupId })).EnsureSuccessStatusCode();
        var session = await mentor.Client.CreateAsync($"/api/mentors/{mentorId}/sessions", new { startupId, date = Day, minutes = 60, notes = "Pricing.", nextSteps = "Relancer." });
        var goal = await founder.Client.CreateAsync($"/api/startups/{startupId}/goals", new { what = "Recruter", unit = "personnes", target = 1, dueOn = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd") });

        var (applicant, _) = await Api.StartupAsync(host, "Candidate");
        var application = await applicant.Client.CreateAsync($"/api/cohorts/{programme.CohortId}/applications", new { answers = new[] { "Un problème.", "Des clients." } });
        var (_, invitedId) = await Api.StartupAsync(host, "Invitée");
        var invitation = await programme.InviteAsync(invitedId);

        // A second engagement, cancelled, then reviewed by its SME; its cancellation refunds the funded milestone (a payout).
        var reviewed = await Engagements.AwardedAsync(host);
        await Engagements.ConfirmAsync(host, await reviewed.FundAsync(0));
        (await reviewed.Sme.Client.PostAsync($"/api/needs/{reviewed.NeedId}/engagement/cancel", null)).EnsureSuccessStatusCode();
        var refunded = await Engagements.UntilAsync(host, reviewed.NeedId, e => e.GetProperty("payouts").GetArrayLength() > 0);
        var payout = refunded.GetProperty("payouts")[0].Id();
        await Engagements.EventuallyAsync(async () => (await (await reviewed.Sme.Client.GetAsync($"/api/needs/{reviewed.NeedId}")).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString() == "cancelled", "the need cancelled");
        var review = await reviewed.Sme.Client.CreateAsync($"/api/needs/{reviewed.NeedId}/reviews", new { quality = 4, timeliness = 4, communication = 4, comment = "Arrêté en cours." });

        var programmeId = await Engagements.ProgrammeAsync(host);
        var programmeApplication = await Engagements.ApprovedAsync(host, sme, programmeId);
        var expertReview = await sme.Client.CreateAsync($"/api/needs/{open}/expert-reviews", new { bidIds = new[] { bid }, question = "Le prix est-il juste ?" });

        return new Victim(sme.AccountId, (await (await sme.Client.GetAsync($"/api/needs/{draft}")).Json(HttpStatusCode.OK)).GetProperty("smeId").GetString()!,
            draft, open, bid, awarded.NeedId, startupId, conversation, disputeId, funding.GetProperty("reference").GetString()!, programme.CohortId,
            application, invitation, mentorId, session, goal, reviewed.NeedId, review, programmeId, payout,
            programmeApplication, expertReview);
    }

    private static string Normalize(string pattern)
    {
        var path = Parameter().Replace(pattern.StartsWith('/') ? pattern : "/" + pattern, m => "{" + m.Groups[1].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
