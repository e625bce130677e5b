using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Sign-in that neither tells which addresses have an account, nor lets anyone lock the owner out or squat an address.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class SignInTests(MarketplaceHost host)
{
    [Fact]
    public async Task An_account_made_under_an_address_written_in_fullwidth_letters_before_addresses_had_one_form_still_signs_in()
    {
        // Made before the address was kept in its one form: under the letters as typed then. Its owner types them again.
        var typed = $"ｆａｔｉｍａ-{Guid.NewGuid():N}"[..20] + "@atlas.ma";
        var made = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISignInGrain>(typed)
            .SignUpAsync(new NewAccount(typed, "sme", "Fatima", "fr", []));
        using var anonymous = host.Anonymous();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email = typed })).StatusCode);
        var verified = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email = typed, code = host.LatestCode(typed) })).Json(HttpStatusCode.OK);
        Assert.Equal(made.AccountId, verified.GetProperty("accountId").GetString());
        // Signing up with it again is the same account's sign-in, not a twin.
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email = typed, role = "sme", displayName = "Twin", language = "fr" })).StatusCode);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(typed).Any(e => e.GetProperty("kind").GetString() == "account-exists")), "account-exists");
    }

    [Fact]
    public async Task Sending_the_code_form_again_once_signed_in_goes_on_to_the_page_asked_for_and_a_forged_form_is_refused()
    {
        var person = await host.SignUpAsync("sme");
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signIn = await browser.GetStringAsync("/sign-in?returnUrl=%2Fsme%2Fneeds%2Fnew");
        var sent = await browser.PostAsync("/sign-in?returnUrl=%2Fsme%2Fneeds%2Fnew", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = person.Email, ["__af"] = Payments.ReceiptTests.Antiforgery(signIn),
        }));
        var verifyPath = sent.Headers.Location!.ToString();
        var verify = await browser.GetStringAsync(verifyPath);
        var form = new Dictionary<string, string>
        {
            ["Input.Email"] = person.Email, ["Input.Code"] = host.LatestCode(person.Email), ["__af"] = Payments.ReceiptTests.Antiforgery(verify),
        };
        var first = await browser.PostAsync(verifyPath, new FormUrlEncodedContent(form));
        Assert.Equal("/sme/needs/new", first.Headers.Location!.ToString());
        var firstSession = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jz-session=", StringComparison.Ordinal)).Split(';')[0];
        // A second tap (or Back and send again): the page was made before signing in; on to the same page, not a 400.
        var second = await browser.PostAsync(verifyPath, new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("/sme/needs/new", second.Headers.Location!.ToString());
        Assert.False(second.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("jz-session=", StringComparison.Ordinal)));

        // Signed in, a code for another address (a shared computer, a second account) signs in to that one.
        var other = await host.SignUpAsync("startup");
        var otherSignIn = await browser.GetStringAsync("/sign-in");
        var otherSent = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = other.Email, ["__af"] = Payments.ReceiptTests.Antiforgery(otherSignIn),
        }));
        var otherVerify = await browser.GetStringAsync(otherSent.Headers.Location!.ToString());
        var switched = await browser.PostAsync(otherSent.Headers.Location!.ToString(), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = other.Email, ["Input.Code"] = host.LatestCode(other.Email), ["__af"] = Payments.ReceiptTests.Antiforgery(otherVerify),
        }));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith("jz-session=", StringComparison.Ordinal)); // a new session, the other account's
        // The first account's session ended with it, as a sign-out ends it: a copy of its cookie no longer opens its pages.
        var copy = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", firstSession);
        var afterSwitch = await copy.GetAsync("/sme/needs/new");
        Assert.Equal(HttpStatusCode.Redirect, afterSwitch.StatusCode);
        Assert.StartsWith("/sign-in", afterSwitch.Headers.Location!.OriginalString);

        // Signed out, the form without this browser's token is refused, as every form's is.
        var stranger = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var forged = await stranger.PostAsync(verifyPath, new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = person.Email, ["Input.Code"] = "123456" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task A_page_that_asks_to_sign_in_sends_the_browser_within_the_site_whatever_host_the_request_names()
    {
        var client = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/data");
        request.Headers.Host = "evil.example";
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Faccount%2Fdata", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("fr", "Trop de codes ont été demandés pour cette adresse depuis cet endroit", "Vous pourrez réessayer dans 15 minutes.")]
    [InlineData("ar", "طُلبت رموز كثيرة لهذا العنوان من هنا", "يمكنكم إعادة المحاولة بعد 15 دقيقة.")]
    public async Task Asking_too_many_codes_on_the_page_says_how_long_to_wait_in_the_reader_language(string language, string refusal, string wait)
    {
        var person = await host.SignUpAsync("sme");
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, $"10.9.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}");
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        string page = "";
        for (var asked = 0; asked <= SignInGrain.CodesPerRequester; asked++)
        {
            var form = await browser.GetStringAsync("/sign-in");
            var sent = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = person.Email, ["__af"] = Payments.ReceiptTests.Antiforgery(form),
            }));
            if (asked < SignInGrain.CodesPerRequester) Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            else page = WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
        }
        Assert.Contains(refusal, page);
        Assert.Contains(wait, page); // the first of the five codes was asked a moment ago: its window has 15 minutes left
    }

    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    private static async Task<(HttpStatusCode Status, string Body)> AnswerAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        // A problem's trace id differs from request to request; everything else must be the same.
        return (response.StatusCode, body.Length == 0 ? "" : JsonSerializer.Serialize(
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(body)!.Where(p => p.Key != "traceId").ToDictionary()));
    }

    [Fact]
    public async Task A_known_and_an_unknown_address_get_the_same_answers_and_an_email_each_without_a_code_for_the_unknown()
    {
        var known = await host.SignUpAsync("sme");
        var unknown = $"nobody-{Guid.NewGuid():N}@example.ma";
        using var client = host.From("10.1.0.1");
        var answers = new Dictionary<string, List<(HttpStatusCode, string)>> { [known.Email] = [], [unknown] = [] };
        for (var i = 0; i < 6; i++)
            foreach (var email in answers.Keys)
                answers[email].Add(await AnswerAsync(await client.PostAsJsonAsync("/api/auth/sign-in", new { email })));

        Assert.Equal(answers[known.Email], answers[unknown]);
        Assert.Contains((HttpStatusCode.Accepted, ""), answers[unknown]);
        // As many as the codes the known address got: the requests that were answered 202 (a delivery retried under load
        // comes a moment later, so it is waited for; none beyond).
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(unknown).Count >= 5), "five e-mails to the unknown address");
        await host.JobsSettledAsync();
        var neutrals = host.Emails(unknown);
        Assert.Equal(5, neutrals.Count);
        var neutral = neutrals[0];
        Assert.All(neutrals, e => Assert.Equal("no-account", e.GetProperty("kind").GetString()));
        Assert.Contains("/sign-up", neutral.GetProperty("text").GetString());
        Assert.DoesNotMatch("[0-9]{6}", neutral.GetProperty("text").GetString());
    }

    [Fact]
    public async Task The_owner_still_signs_in_after_an_attacker_asked_twenty_codes_for_the_address_from_elsewhere()
    {
        var owner = await host.SignUpAsync("startup");
        using var attacker = host.From("203.0.113.66");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++) statuses.Add((await attacker.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var limited = await attacker.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email });
        await limited.Problem(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using var home = host.From("198.51.100.7");
        await (await home.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email })).Json(HttpStatusCode.Accepted);
        await host.JobsSettledAsync();
        var verified = await (await home.PostAsJsonAsync("/api/auth/verify", new { email = owner.Email, code = host.LatestCode(owner.Email) })).Json(HttpStatusCode.OK);
        Assert.Equal(owner.AccountId, verified.GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task An_unverified_sign_up_holds_nothing_and_the_real_owner_gets_the_role_and_name_of_their_own_sign_up()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.ma";
        using var squatter = host.From("203.0.113.9");
        await (await squatter.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "sme", displayName = "Squatter", language = "en" })).Json(HttpStatusCode.Accepted);
        Assert.Null(await Grains.GetGrain<ISignInGrain>(email).GetAccountIdAsync());

        using var owner = host.From("198.51.100.20");
        await (await owner.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "startup", displayName = "Salma", language = "ar" })).Json(HttpStatusCode.Accepted);
        await host.JobsSettledAsync();
        var verified = await (await owner.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        Assert.Equal("startup", verified.GetProperty("role").GetString());
        using var me = host.WithToken(verified.GetProperty("token").GetString()!);
        var account = await (await me.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK);
        Assert.Equal("Salma", account.GetProperty("displayName").GetString());
        Assert.Equal("ar", account.GetProperty("language").GetString());
    }

    [Fact]
    public async Task Signing_up_again_with_an_address_that_has_an_account_says_so_by_email_only_and_its_code_signs_in_to_that_account()
    {
        var owner = await host.SignUpAsync("startup");
        var stranger = $"new-{Guid.NewGuid():N}@example.ma";
        using var client = host.From("10.1.0.3");
        var answers = new List<(HttpStatusCode, string)>();
        foreach (var email in new[] { owner.Email, stranger })
            answers.Add(await AnswerAsync(await client.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "sme", displayName = "Autre nom", language = "en" })));
        Assert.Equal(answers[0], answers[1]); // the answer tells nobody which address has an account

        var code = host.LatestCode(owner.Email);
        var mail = host.Emails(owner.Email).Last();
        Assert.Equal("account-exists", mail.GetProperty("kind").GetString());
        Assert.Contains("déjà un", mail.GetProperty("subject").GetString() + mail.GetProperty("text").GetString()); // the account's language, French
        Assert.Contains(code, mail.GetProperty("text").GetString());
        Assert.DoesNotContain("Autre nom", mail.GetProperty("text").GetString());
        host.LatestCode(stranger); // waits for its e-mail
        Assert.Equal("sign-up-code", host.Emails(stranger).Single().GetProperty("kind").GetString());

        var verified = await (await client.PostAsJsonAsync("/api/auth/verify", new { email = owner.Email, code })).Json(HttpStatusCode.OK);
        Assert.Equal(owner.AccountId, verified.GetProperty("accountId").GetString());
        Assert.Equal("startup", verified.GetProperty("role").GetString()); // the sign-up's role and name are not applied
        using var me = host.WithToken(verified.GetProperty("token").GetString()!);
        Assert.Equal("Test startup", (await (await me.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK)).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Someone_signing_up_the_owners_address_after_the_owner_chooses_nothing_of_the_owners_account()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.ma";
        using var owner = host.From("198.51.100.21");
        await (await owner.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "startup", displayName = "Salma", language = "fr", marketingEmails = false })).Json(HttpStatusCode.Accepted);
        host.LatestCode(email);
        using var attacker = host.From("203.0.113.41");
        for (var i = 0; i < 3; i++) // enough to push the owner's code out of the live ones
            await (await attacker.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "sme", displayName = "Attacker Chosen", language = "ar", marketingEmails = true })).Json(HttpStatusCode.Accepted);
        // Asking for a code without a sign-up from elsewhere gets none: that requester signed nothing up.
        using var elsewhere = host.From("192.0.2.77");
        await (await elsewhere.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        await Payments.Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(email).Any(e => e.GetProperty("kind").GetString() == "no-account")), "the no-account e-mail");
        // The owner types the newest code in the mailbox, which the attacker's sign-up sent, or asks a new one: the owner's choices.
        var code = host.LatestCode(email);

        var verified = await (await owner.PostAsJsonAsync("/api/auth/verify", new { email, code })).Json(HttpStatusCode.OK);
        Assert.Equal("startup", verified.GetProperty("role").GetString());
        using var me = host.WithToken(verified.GetProperty("token").GetString()!);
        var account = await (await me.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK);
        Assert.Equal(("Salma", "fr"), (account.GetProperty("displayName").GetString(), account.GetProperty("language").GetString()));
        Assert.False((await (await me.GetAsync("/api/me/consents")).Json(HttpStatusCode.OK)).GetProperty("marketingEmails").GetBoolean());
    }

    [Fact]
    public async Task An_address_ending_with_a_dot_is_the_same_mailbox_and_the_same_account()
    {
        var owner = await host.SignUpAsync("sme");
        using var client = host.From("10.1.0.4");
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email = owner.Email + "." })).Json(HttpStatusCode.Accepted);
        var verified = await (await client.PostAsJsonAsync("/api/auth/verify", new { email = owner.Email + ".", code = host.LatestCode(owner.Email) })).Json(HttpStatusCode.OK);
        Assert.Equal(owner.AccountId, verified.GetProperty("accountId").GetString());
        foreach (var bad in new[] { "a@atlas..ma", "a@.atlas.ma", "a@." })
            Assert.True((await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email = bad })).Problem(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task The_code_email_holds_no_display_name_and_a_name_with_a_new_line_is_refused()
    {
        var email = $"amal-{Guid.NewGuid():N}@example.ma";
        using var client = host.From("10.1.0.2");
        await (await client.PostAsJsonAsync("/api/auth/sign-up", new { email, role = "startup", displayName = "Zoubida Qx7", language = "fr" })).Json(HttpStatusCode.Accepted);
        host.LatestCode(email);
        var mail = Assert.Single(host.Emails(email));
        Assert.Equal("sign-up-code", mail.GetProperty("kind").GetString());
        foreach (var part in new[] { "subject", "text", "html" }) Assert.DoesNotContain("Zoubida", mail.GetProperty(part).GetString());
        Assert.Contains("créer votre compte (Startup)", mail.GetProperty("text").GetString()); // the role, so an owner who asked for another knows it is not theirs

        var problem = await (await client.PostAsJsonAsync("/api/auth/sign-up",
            new { email = $"x-{Guid.NewGuid():N}@example.ma", role = "sme", displayName = "Amal\r\nBcc: victim@example.ma", language = "fr" })).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("displayName", out _));
    }

    [Fact]
    public async Task A_value_with_a_new_line_never_reaches_a_subject_and_the_sender_refuses_such_a_subject()
    {
        var email = $"sme-{Guid.NewGuid():N}@example.ma";
        var (accountId, _) = await Grains.GetGrain<ISignInGrain>(email).SignUpAsync(new NewAccount(email, "sme", "Karima", "en", []));
        await host.Services.GetRequiredService<Notifier>().NotifyAsync(accountId, NotificationKinds.BidReceived, "bid:nl:received", new Dictionary<string, string>
        {
            ["title"] = "Shop\r\nBcc: victim@example.ma", ["startup"] = "Web\nAtlas", ["price"] = "1 000", ["duration"] = "10", ["link"] = "https://jazari.test/needs/x",
        });
        await host.JobsSettledAsync();
        var subject = Assert.Single(host.Emails(email)).GetProperty("subject").GetString()!;
        Assert.DoesNotContain('\n', subject);
        Assert.DoesNotContain('\r', subject);
        Assert.Contains("Shop", subject);

        var outbox = host.Services.GetRequiredService<IEmailSender>();
        await Assert.ThrowsAsync<UnsafeEmailException>(() => outbox.SendAsync(
            new OutgoingEmail(email, "Hello\r\nBcc: victim@example.ma", "text", "<p>text</p>", "en", "bid-received", DateTimeOffset.UtcNow)));
    }
}
