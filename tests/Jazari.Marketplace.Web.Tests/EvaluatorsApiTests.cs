using System.Net;
using System.Net.Http.Json;

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

    private async Task<Person> SignInAsync(string email)
    {
        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        var token = await (await client.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        return new Person(email, token.GetProperty("accountId").GetString()!, host.WithToken(token.GetProperty("token").GetString()!));
    }

    [Fact]
    public async Task An_invited_evaluator_scores_that_cohorts_applications_and_sees_nothing_else()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var b = await Incubation.ProgrammeAsync(host);
        var appA = await ApplyAsync(a.CohortId, "Souss Digital");
        var appB = await ApplyAsync(b.CohortId, "Oriental Web");

        // A new address gets a mentor account and one invitation, in the language asked for.
        var email = $"evaluator-{Guid.NewGuid():N}@example.ma";
        var invited = await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators",
            new { email, displayName = "Nadia", language = "ar" })).Json(HttpStatusCode.OK);
        Assert.Equal("mentor", invited.GetProperty("role").GetString());
        await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email })).Json(HttpStatusCode.OK);
        await host.JobsSettledAsync(); // invitations are e-mailed through the notification pipeline
        var invitation = Assert.Single(host.Emails(email), e => e.GetProperty("kind").GetString() == "evaluator-invitation");
        Assert.Equal("ar", invitation.GetProperty("language").GetString());
        Assert.Contains(a.CohortId, invitation.GetProperty("text").GetString());
        var cohort = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}")).Json(HttpStatusCode.OK);
        Assert.Contains(cohort.GetProperty("evaluators").EnumerateArray(), e => e.GetString() == invited.GetProperty("accountId").GetString());

        var evaluator = await SignInAsync(email);
        var call = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, call.GetProperty("rubric").GetArrayLength());
        Assert.Equal(0, call.GetProperty("evaluators").GetArrayLength());
        var listed = await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal(appA, Assert.Single(listed.EnumerateArray()).Id());
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 2, 5 } }))
            .Json(HttpStatusCode.OK);

        // Cohort B is not theirs; in cohort A, no dashboard, members, mentors or decisions.
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}/applications")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{b.CohortId}/applications/{appB}")).Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.PostAsJsonAsync($"/api/cohorts/{b.CohortId}/applications/{appB}/scores", new { scores = new[] { 5, 5 } }))
            .Problem(HttpStatusCode.NotFound);
        await (await evaluator.Client.GetAsync($"/api/cohorts/{a.CohortId}/dashboard")).Problem(HttpStatusCode.Forbidden);
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
    }

    [Fact]
    public async Task A_manager_of_another_institute_evaluates_without_running_the_cohort()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var b = await Incubation.ProgrammeAsync(host);
        var appA = await ApplyAsync(a.CohortId, "Souss Digital");

        var invited = await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = b.Manager.Email }))
            .Json(HttpStatusCode.OK);
        Assert.Equal(("manager", b.Manager.AccountId), (invited.GetProperty("role").GetString(), invited.GetProperty("accountId").GetString()));

        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/scores", new { scores = new[] { 5, 5 } }))
            .Json(HttpStatusCode.OK);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/applications/{appA}/decision", new { admit = true }))
            .Problem(HttpStatusCode.NotFound);
        await (await b.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/dashboard")).Problem(HttpStatusCode.NotFound);
        var (_, startupId) = await Api.StartupAsync(host);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/members", new { startupId })).Problem(HttpStatusCode.NotFound);
        await (await b.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = "x@example.ma" }))
            .Problem(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await b.Manager.Client.GetAsync("/api/cohorts")).Json(HttpStatusCode.OK)).EnumerateArray(), c => c.Id() == a.CohortId);
        var ranked = await (await a.Manager.Client.GetAsync($"/api/cohorts/{a.CohortId}/applications")).Json(HttpStatusCode.OK);
        Assert.Equal("submitted", Assert.Single(ranked.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Startups_and_smes_are_not_evaluators()
    {
        var a = await Incubation.ProgrammeAsync(host);
        var startup = await host.SignUpAsync("startup");
        var sme = await host.SignUpAsync("sme");

        await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = startup.Email })).Problem(HttpStatusCode.Conflict);
        await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = sme.Email })).Problem(HttpStatusCode.Conflict);
        var problem = await (await a.Manager.Client.PostAsJsonAsync($"/api/cohorts/{a.CohortId}/evaluators", new { email = "pas-une-adresse", language = "de" }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("language", out _));
    }
}
