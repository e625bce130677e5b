using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>Wrong codes, on a host with a clock the test moves: guesses run out over a day, new codes or not.</summary>
[Collection(SqliteJobsHost.Name)]
public sealed class SignInGuessTests(SqliteJobsHost jobs)
{
    [Fact]
    public async Task Wrong_guesses_back_off_and_run_out_for_the_day_even_with_new_codes()
    {
        var person = await jobs.Host.SignUpAsync("startup");
        using var guesser = jobs.Host.From("203.0.113.50");
        async Task<HttpResponseMessage> GuessAsync(string code) =>
            await guesser.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code });

        await (await guesser.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var first = jobs.Host.LatestCode(person.Email);
        var wrong = first == "000000" ? "000001" : "000000";
        await (await GuessAsync(wrong)).Problem(HttpStatusCode.BadRequest);
        await (await GuessAsync(wrong)).Problem(HttpStatusCode.BadRequest);
        var tooSoon = await GuessAsync(wrong); // after two failures, the next guess waits
        await tooSoon.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(tooSoon.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        jobs.Time.Advance(TimeSpan.FromSeconds(5));
        await (await GuessAsync(wrong)).Problem(HttpStatusCode.BadRequest);
        // A new code does not reset the count of failed guesses.
        await (await guesser.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var second = jobs.Host.LatestCode(person.Email);
        if (wrong == second) wrong = "999999";
        jobs.Time.Advance(TimeSpan.FromSeconds(10));
        await (await GuessAsync(wrong)).Problem(HttpStatusCode.BadRequest);
        jobs.Time.Advance(TimeSpan.FromSeconds(20));
        await (await GuessAsync(wrong)).Problem(HttpStatusCode.BadRequest);
        jobs.Time.Advance(TimeSpan.FromSeconds(40));
        var spent = await GuessAsync(second); // the right code, but the day's guesses are spent
        await spent.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(spent.Headers.RetryAfter?.Delta > TimeSpan.FromHours(20));

        jobs.Time.Advance(TimeSpan.FromDays(1));
        await (await guesser.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var verified = await (await GuessAsync(jobs.Host.LatestCode(person.Email))).Json(HttpStatusCode.OK);
        Assert.Equal(person.AccountId, verified.GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task Guessers_from_many_networks_spend_the_address_but_the_owner_still_signs_in_with_a_code_asked_from_home()
    {
        var person = await jobs.Host.SignUpAsync("sme", clientAddress: "198.51.100.40"); // the network the account is known on
        for (var n = 0; n < 4; n++) // five wrong guesses from each of four networks: the address's twenty for the day
        {
            using var guesser = jobs.Host.From($"203.0.113.{60 + n}");
            foreach (var wait in new[] { 0, 0, 5, 10, 20 })
            {
                jobs.Time.Advance(TimeSpan.FromSeconds(wait));
                await (await guesser.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = "000000" })).Problem(HttpStatusCode.BadRequest);
            }
        }
        // A fifth guessing network, a stranger to the account, gets no try at all, even with a code it had sent.
        using var fifth = jobs.Host.From("203.0.113.70");
        await (await fifth.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var sentToOwner = jobs.Host.LatestCode(person.Email);
        var spent = await fifth.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = sentToOwner });
        Assert.Contains("ask for a new code from here", (await spent.Problem(HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString());
        // From home (the network it signed up on), a code asked from elsewhere does not work; one asked from home does.
        using var home = jobs.Host.From("198.51.100.40");
        await (await home.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = sentToOwner })).Problem(HttpStatusCode.TooManyRequests);
        await (await home.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var verified = await (await home.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = jobs.Host.LatestCode(person.Email) })).Json(HttpStatusCode.OK);
        Assert.Equal(person.AccountId, verified.GetProperty("accountId").GetString());
    }
}
