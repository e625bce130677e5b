using System.Text.Json;
using System.Net;
using System.Net.Http.Json;
using Jazari.Marketplace.Grains.Incubation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class EvaluatorsApiTests(MarketplaceHost host)
{
    private static readonly object Answers = new { answers = new[] { "Les PME du Souss vendent peu en ligne.", "Coopératives d'argan." } };

    private async Task<string> ApplyAsync(string cohortId, string name)
    {
        var startup = await host.SignUpAsync("startup");
        await startup.Client.CreateAsync("/api/startups", Api.Startup(name));
        return await startup.Client.CreateAsync($"/api/cohorts/{cohortId}/applications", Answers);
    }

    private static async Task<JsonElement> InviteAsync(Person manager, string cohortId, string email)
    {
        var invited = await (await manager.Client.PostAsJsonAsync($"/api/cohorts/{cohortId}/evaluators", new { email })).Json(HttpStatusCode.Accepted);
        Assert.Equal((email, "invited"), (invited.GetProperty("email").GetString(), invited.GetProperty("status").GetString()));
        return invited;
    }

    private static async Task AcceptAsync(Person evaluator, string cohortId) =>
        Assert.Equal("accepted", (await (await evaluator.Client.PostAsync($"/api/me/evaluations/{cohortId}/accept", null)).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString());

    [Fact]
    public async Task An_invited_mentor_scores_that_cohorts_applications_once_accepted_and_sees_nothing_else()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var b = await Incubation.ProgrammeAsync(host);
        var appA = await ApplyAsync(a.CohortId, "Souss Digital");
        var appB = await ApplyAsync(b.CohortId, "Oriental Web");

        // A mentor's address: one invitation e-mailed, in the mentor's language, with the page where it is answered.
        var evaluator = await host.SignUpAsync("mentor", "ar");
        await InviteAsync(a.Manager, a.CohortId, evaluator.Email);
        await InviteAsync(a.Manager, a.CohortId, evaluator.Email); // again: the same invitation, e-mailed once
        // Invitations are e-mailed by a job, then through the notification pipeline: the e-mail comes moments later.
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(evaluator.Email).Any(e => e.GetProperty("kind").GetString() == "evaluator-invitation")),
            "the invitation e-mailed");
        await host.JobsSettledAsync();
        var invitation = Assert.Single(host.Emails(evaluator.Email), e => e.GetProperty("kind").GetString() == "evaluator-invitation");
        Assert.Equal("ar", invitation.GetProperty("language").GetString());
        Assert.Contains("/evaluations", invitation.GetProperty("text").GetString());

        // Nothing of the cohort opens before the mentor accepts.
        await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications/{appA}")).Problem(HttpStatusCode.NotFound);
        var mine = await (await evaluator.Client.GetAsync("/api/me/evaluations")).Json(HttpStatusCode.OK);
        Assert.Equal((a.CohortId, "invited"), (Assert.Single(mine.EnumerateArray()).GetProperty("cohortId").GetString(), mine[0].GetProperty("status").GetString()));
        await AcceptAsync(evaluator, a.CohortId);
        await AcceptAsync(evaluator, a.CohortId); // answering the same way again changes nothing
        await (await evaluator.Client.PostAsync($"/api/me/evaluations/{a.CohortId}/decline", null)).Problem(HttpStatusCode.Conflict);
        using (var admin = host.Admin()) // invited once, answered once: one audit entry each, however often repeated
        {
            foreach (var action in new[] { "evaluator-invited", "evaluator-invitation-answered" })
                Assert.Single((await (await admin.GetAsync($"/api/admin/audit?action={action}")).Json(HttpStatusCode.OK)).GetProperty("entries").EnumerateArray(),
                    e => e.GetProperty("target").GetString() == a.CohortId);
        }
        var sent = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/evaluators")).Json(HttpStatusCode.OK);
        Assert.Equal((evaluator.Email, "accepted"), (Assert.Single(sent.EnumerateArray()).GetProperty("email").GetString(), sent[0].GetProperty("status").GetString()));

        var call = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, call.GetProperty("rubric").GetArrayLength());
        Assert.Equal(0, call.GetProperty("evaluators").GetArrayLength());
        var listed = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal(appA, Assert.Single(listed.EnumerateArray()).Id());
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 2, 5 } }))
            .Json(HttpStatusCode.OK);

        // Cohort B is not theirs; in cohort A, no dashboard, members, mentors, evaluators or decisions.
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}/applications/{appB}")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{b.CohortId}/applications/{appB}/scores", new { scores = new[] { 5, 5 } }))
            .Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.PostAsync($"/api/me/evaluations/{b.CohortId}/accept", null)).Problem(HttpStatusCode.NotFound); // not invited there
        await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/dashboard")).Problem(HttpStatusCode.Forbidden);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/evaluators")).Problem(HttpStatusCode.Forbidden);
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/decision", new { admit = true }))
            .Problem(HttpStatusCode.Forbidden);
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = "x@example.ma" }))
            .Problem(HttpStatusCode.Forbidden);

        // Each criterion is averaged over the scorers, then weighted (team 3, market 1): manager 4,1 and evaluator 2,5 → 3,3 → 3.
        var scored = await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores",
            new { scores = new[] { 4, 1 } })).Json(HttpStatusCode.OK);
        Assert.Equal((3.0, 2), (scored.GetProperty("score").GetDouble(), scored.GetProperty("scorecards").GetInt32()));
        // The evaluator reads the answers and their own scorecard only; the manager reads every scorecard.
        var seen = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications/{appA}")).Json(HttpStatusCode.OK);
        Assert.Equal(evaluator.AccountId, Assert.Single(seen.GetProperty("scorecards").EnumerateArray()).GetProperty("scorerAccountId").GetString());
        var all = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications/{appA}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, all.GetProperty("scorecards").GetArrayLength());
        // Nor the average: with their own score and the count, it would tell them the manager's.
        listed = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, Assert.Single(listed.EnumerateArray()).GetProperty("score").ValueKind);
        Assert.Equal(3.0, (await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK))[0].GetProperty("score").GetDouble());

        // Decided, the application is no longer scored: a late score would reorder the ranking the decision was made on.
        await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/decision", new { admit = true })).Json(HttpStatusCode.OK);
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 5, 5 } }))
            .Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_invitation_creates_no_account_tells_nothing_of_the_address_and_waits_for_a_mentor_signing_up_with_it()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var appA = await ApplyAsync(a.CohortId, "Souss Digital");
        var startup = await host.SignUpAsync("startup");
        var sme = await host.SignUpAsync("sme");
        var stranger = $"evaluator-{Guid.NewGuid():N}@example.ma";

        // The same answer for an address without an account, an SME's and a startup's: nothing to learn from it.
        foreach (var email in new[] { stranger, sme.Email, startup.Email }) await InviteAsync(a.Manager, a.CohortId, email);
        await host.JobsSettledAsync();
        Assert.Empty(host.Emails(stranger)); // the platform e-mails no stranger on a manager's word
        Assert.DoesNotContain(host.Emails(sme.Email), e => e.GetProperty("kind").GetString() == "evaluator-invitation");
        // An SME or a startup cannot take an evaluator's place, even invited at its own address.
        await (await sme.Client.PostAsync($"/api/me/evaluations/{a.CohortId}/accept", null)).Problem(HttpStatusCode.Forbidden);
        await (await startup.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Problem(HttpStatusCode.Forbidden);

        // No account was made for the stranger's address: signing in tells them there is none.
        using (var anonymous = host.Anonymous())
            await (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email = stranger })).Json(HttpStatusCode.Accepted);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(stranger).Any()), "the sign-in answer");
        Assert.Equal("no-account", Assert.Single(host.Emails(stranger)).GetProperty("kind").GetString());

        // Once they sign up as a mentor with that address, the invitation waits for their answer.
        var mentor = await host.SignUpAsync("mentor", email: stranger);
        await (await mentor.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        var mine = await (await mentor.Client.GetAsync("/api/me/evaluations")).Json(HttpStatusCode.OK);
        Assert.Equal("invited", Assert.Single(mine.EnumerateArray()).GetProperty("status").GetString());
        await AcceptAsync(mentor, a.CohortId);
        Assert.Equal(appA, Assert.Single((await (await mentor.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK))
            .EnumerateArray()).Id());
    }

    [Fact]
    public async Task A_manager_of_another_institute_evaluates_without_running_the_cohort()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var b = await Incubation.ProgrammeAsync(host);
        var appA = await ApplyAsync(a.CohortId, "Souss Digital");

        await InviteAsync(a.Manager, a.CohortId, b.Manager.Email);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 5, 5 } }))
            .Problem(HttpStatusCode.NotFound); // not before accepting
        await AcceptAsync(b.Manager, a.CohortId);

        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 5, 5 } }))
            .Json(HttpStatusCode.OK);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/decision", new { admit = true }))
            .Problem(HttpStatusCode.NotFound);
        await (await b.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/dashboard")).Problem(HttpStatusCode.NotFound);
        await (await b.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/evaluators")).Problem(HttpStatusCode.NotFound);
        var (_, startupId) = await Api.StartupAsync(host);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/members", new { startupId })).Problem(HttpStatusCode.NotFound);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = "x@example.ma" }))
            .Problem(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await b.Manager.Client.GetAsync("/api/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray(), c => c.Id() == a.CohortId);
        var ranked = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal("submitted", Assert.Single(ranked.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_evaluator_who_erases_their_account_leaves_no_address_in_the_cohort_and_a_new_account_of_it_inherits_nothing()
    {
        var a = await Incubation.ProgrammeAsync(host);
        await ApplyAsync(a.CohortId, "Souss Digital");
        var mentor = await host.SignUpAsync("mentor");
        await InviteAsync(a.Manager, a.CohortId, mentor.Email);
        await AcceptAsync(mentor, a.CohortId);
        var export = await (await mentor.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK); // the invitation is in the person's data
        Assert.Equal(a.CohortId, Assert.Single(export.GetProperty("incubation").GetProperty("evaluatorInvitations").EnumerateArray()).GetProperty("cohortId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await mentor.Client.PostAsJsonAsync("/api/me/erase", new { confirm = mentor.Email })).StatusCode);

        var sent = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/evaluators")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(mentor.Email, sent.GetRawText());
        var again = await host.SignUpAsync("mentor", email: mentor.Email);
        Assert.Empty((await (await again.Client.GetAsync("/api/me/evaluations")).Json(HttpStatusCode.OK)).EnumerateArray());
        await (await again.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_declined_invitation_opens_nothing_and_a_bad_address_is_a_400()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var mentor = await host.SignUpAsync("mentor");
        await InviteAsync(a.Manager, a.CohortId, mentor.Email);
        Assert.Equal("declined", (await (await mentor.Client.PostAsync($"/api/me/evaluations/{a.CohortId}/decline", null)).Json(HttpStatusCode.OK))
            .GetProperty("status").GetString());
        await (await mentor.Client.PostAsync($"/api/me/evaluations/{a.CohortId}/accept", null)).Problem(HttpStatusCode.Conflict);
        await (await mentor.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        Assert.Equal("declined", (await InviteAgainAsync()).GetProperty("status").GetString()); // asking again does not reopen it

        var problem = await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = "pas-une-adresse" }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));

        async Task<JsonElement> InviteAgainAsync() =>
            await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = mentor.Email })).Json(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task An_evaluator_added_before_invitations_existed_gets_an_accepted_one_and_finds_the_cohort_on_their_page()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var mentor = await host.SignUpAsync("mentor");
        await InviteAsync(a.Manager, a.CohortId, mentor.Email);
        await AcceptAsync(mentor, a.CohortId);
        // The cohort as the previous version stored it: the evaluator's account listed, no invitation, no copy of it.
        await host.JobsSettledAsync(); // nothing else loads the cohort meanwhile
        await Incubation.ReloadGrainsAsync(host);
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>("marketplace");
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        async Task RewriteAsync<T>(string name, IAddressable grain, Action<T> change) where T : new()
        {
            var stored = new GrainState<T>();
            await storage.ReadStateAsync(name, grain.GetGrainId(), stored);
            change(stored.State!);
            await storage.WriteStateAsync(name, grain.GetGrainId(), stored);
        }
        await RewriteAsync<CohortState>("cohort", grains.GetGrain<ICohortGrain>(a.CohortId), c => c.EvaluatorInvitations.Clear());
        await RewriteAsync<EvaluatorInvitationsState>("evaluator-invitations", grains.GetGrain<IEvaluatorInvitationsGrain>(mentor.Email), c => c.Invitations.Clear());
        await Incubation.ReloadGrainsAsync(host); // read back from storage, as after the upgrade

        var sent = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/evaluators")).Json(HttpStatusCode.OK);
        Assert.Equal((mentor.Email, "accepted"), (Assert.Single(sent.EnumerateArray()).GetProperty("email").GetString(), sent[0].GetProperty("status").GetString()));
        var mine = await (await mentor.Client.GetAsync("/api/me/evaluations")).Json(HttpStatusCode.OK);
        Assert.Equal((a.CohortId, "accepted"), (Assert.Single(mine.EnumerateArray()).GetProperty("cohortId").GetString(), mine[0].GetProperty("status").GetString()));
        await (await mentor.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK); // and still scores
    }
}
