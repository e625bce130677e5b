using System.Net;
using System.Net.Http.Json;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class AccountsApiTests(MarketplaceHost host)
{
    [Fact]
    public async Task Signing_up_emails_a_code_in_the_persons_language_which_gives_a_token()
    {
        var email = $"fatima-{Guid.NewGuid():N}@example.ma";
        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "sme", displayName = "فاطمة", language = "ar" }))
            .Json(HttpStatusCode.Accepted);

        var code = host.LatestCode(email); // e-mailed by a job, after the answer
        var mail = Assert.Single(host.Emails(email));
        Assert.Equal("ar", mail.GetProperty("language").GetString());
        Assert.Contains("dir=\"rtl\"", mail.GetProperty("html").GetString());
        Assert.Equal("sign-up-code", mail.GetProperty("kind").GetString());
        Assert.Contains("رمز إنشاء حسابكم (مقاولة)", mail.GetProperty("text").GetString()); // the role asked for, in her language

        // Typed on an Arabic phone keyboard, the code comes in Arabic-Indic digits: the same code.
        var arabic = string.Concat(code.Select(d => (char)('\u0660' + (d - '0'))));
        var verified = await (await client.PostAsJsonAsync("/api/auth/verify", new { email, code = arabic })).Json(HttpStatusCode.OK);
        Assert.Equal("sme", verified.GetProperty("role").GetString());
        Assert.True(verified.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(1));

        using var me = host.WithToken(verified.GetProperty("token").GetString()!);
        var account = await (await me.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK);
        Assert.Equal(email, account.GetProperty("email").GetString());
        Assert.Equal("فاطمة", account.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_wrong_code_gives_no_token()
    {
        var person = await host.SignUpAsync("startup");
        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email })).Json(HttpStatusCode.Accepted);
        var code = host.LatestCode(person.Email);
        var wrong = code == "123456" ? "654321" : "123456";
        var problem = await (await client.PostAsJsonAsync("/api/auth/verify", new { email = person.Email, code = wrong })).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Signing_in_with_an_unknown_address_says_the_same_and_sends_no_code()
    {
        var email = $"nobody-{Guid.NewGuid():N}@example.ma";
        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        await host.JobsSettledAsync();
        Assert.Equal("no-account", Assert.Single(host.Emails(email)).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Too_many_codes_for_one_address_are_refused_with_retry_after()
    {
        var person = await host.SignUpAsync("mentor");
        using var client = host.Anonymous();
        HttpResponseMessage response;
        var attempts = 0;
        do response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = person.Email });
        while (response.StatusCode == HttpStatusCode.Accepted && ++attempts < 10);

        await response.Problem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Signing_out_revokes_the_token()
    {
        var person = await host.SignUpAsync("sme");
        await (await person.Client.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK);
        await (await person.Client.PostAsync("/api/auth/sign-out", null)).Json(HttpStatusCode.NoContent);
        await (await person.Client.GetAsync("/api/auth/me")).Problem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("jz_not-a-real-token-at-all")]
    [InlineData("garbage")]
    public async Task Calls_without_a_valid_token_are_401(string? token)
    {
        using var client = token is null ? host.Anonymous() : host.WithToken(token);
        var response = await client.GetAsync("/api/needs");
        await response.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Nobody_signs_up_as_manager_or_admin()
    {
        using var client = host.Anonymous();
        foreach (var role in new[] { "manager", "admin" })
        {
            var problem = await (await client.PostAsJsonAsync("/api/auth/sign-up",
                new { email = $"x-{Guid.NewGuid():N}@example.ma", role, displayName = "X", language = "en" })).Problem(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
        }
    }

    [Fact]
    public async Task An_admin_creates_a_manager_who_signs_in_by_code()
    {
        var email = $"manager-{Guid.NewGuid():N}@jazari.ma";
        using var admin = host.Admin();
        var institute = await Incubation.InstituteAsync(host);
        var body = new { email, role = "manager", displayName = "Yassine", language = "fr", institutes = new[] { institute } };
        var phantom = await (await admin.PostAsJsonAsync("/api/admin/accounts", body with { institutes = new[] { "jazari-nowhere" } })).Problem(HttpStatusCode.BadRequest);
        Assert.True(phantom.GetProperty("errors").TryGetProperty("institutes[0]", out _)); // and no account made
        // A manager of no institute would find nothing to manage, and nothing attaches one later: refused.
        var none = await (await admin.PostAsJsonAsync("/api/admin/accounts", body with { institutes = Array.Empty<string>() })).Problem(HttpStatusCode.BadRequest);
        Assert.True(none.GetProperty("errors").TryGetProperty("institutes", out _));
        var id = (await (await admin.PostAsJsonAsync("/api/admin/accounts", body)).Json(HttpStatusCode.Created)).Id();
        // The same request again (its answer lost): the same account, invited once; another one at the address: 409.
        Assert.Equal(id, (await (await admin.PostAsJsonAsync("/api/admin/accounts", body)).Json(HttpStatusCode.Created)).Id());
        await (await admin.PostAsJsonAsync("/api/admin/accounts", body with { role = "admin", institutes = Array.Empty<string>() })).Problem(HttpStatusCode.Conflict);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(email).Count > 0), "the invitation e-mailed");
        Assert.Single(host.Emails(email), e => e.GetProperty("kind").GetString() == "account-invitation");

        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        var token = await (await client.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        Assert.Equal(id, token.GetProperty("accountId").GetString());
        Assert.Equal("manager", token.GetProperty("role").GetString());
        using var manager = host.WithToken(token.GetProperty("token").GetString()!);
        var me = await (await manager.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK);
        Assert.Equal(institute, me.GetProperty("institutes")[0].GetString());
    }

    [Fact]
    public async Task Only_admins_create_accounts()
    {
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.PostAsJsonAsync("/api/admin/accounts",
            new { email = "boss@jazari.ma", role = "admin", displayName = "Boss", language = "fr" })).Problem(HttpStatusCode.Forbidden);
    }
}
