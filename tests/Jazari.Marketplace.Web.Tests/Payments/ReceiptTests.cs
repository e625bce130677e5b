using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Application;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>
/// Receipts: a confirmed funding and a payout each get a numbered receipt with the parties' ICE, the programme's share,
/// the platform fee and its VAT; numbers have no gap under concurrent confirmations; only the parties and admins see them;
/// the receipt page and the bank statements page render for an admin's page session.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed partial class ReceiptTests(MarketplaceHost host)
{
    [Fact]
    public async Task A_funding_and_its_payout_get_numbered_receipts_with_the_shares_the_fee_its_vat_and_the_parties_ice()
    {
        var programme = await Engagements.ProgrammeAsync(host, percent: 30);
        var a = await Engagements.AwardedAsync(host, programme);
        await SetIceAsync(a);
        var funding = await a.FundAsync(0);
        await Engagements.ConfirmAsync(host, funding);
        var paymentId = funding.GetProperty("paymentId").GetString()!;

        var receipt = await ReceiptAsync(new Caller(a.Sme.AccountId, Roles.Sme), paymentId);
        Assert.Matches(Number(), receipt.Number);
        Assert.Equal("funding", receipt.Kind);
        Assert.Equal(new ReceiptAmounts(1_500_000, 1_050_000, 450_000, 75_000, 62_500, 12_500, 0), receipt.Amounts); // 5% fee, VAT 20% included
        Assert.Equal("001234567000089", receipt.Sme.Ice);
        Assert.Equal("002345678000012", receipt.Startup.Ice);
        Assert.Equal("Maroc Digital PME", receipt.ProgrammeName);
        Assert.Equal(receipt.Number, (await ReceiptAsync(new Caller(a.Founder.AccountId, Roles.Startup), paymentId)).Number); // the startup's copy, same number
        var stranger = await host.SignUpAsync("sme");
        await Assert.ThrowsAsync<MarketplaceException>(() => ReceiptAsync(new Caller(stranger.AccountId, Roles.Sme), paymentId, wait: false));

        await a.DeliverAsync(0);
        await a.ApproveAsync(0);
        var released = await Engagements.UntilAsync(host, a.NeedId, 0, "released");
        var payoutId = released.GetProperty("payouts").EnumerateArray().Single(p => p.GetProperty("index").GetInt32() == 0).GetProperty("id").GetString()!;
        var payout = await ReceiptAsync(new Caller(a.Founder.AccountId, Roles.Startup), payoutId);
        Assert.Equal("release", payout.Kind);
        Assert.Equal(new ReceiptAmounts(1_500_000, 1_050_000, 450_000, 75_000, 62_500, 12_500, 1_425_000), payout.Amounts);
        Assert.NotEqual(receipt.Number, payout.Number);

        // The e-mail of the funding links to its receipt.
        Assert.Contains(host.Emails(a.Founder.Email), e => e.GetProperty("kind").GetString() == "milestone-funded"
            && e.ToString().Contains(ReceiptCommands.Path(paymentId)));

        // The receipt page, for an admin's page session: the number, the ICE, the fee's VAT.
        using var browser = await AdminPagesAsync(host);
        var html = await browser.GetStringAsync(ReceiptCommands.Path(paymentId));
        Assert.Contains(receipt.Number, html);
        Assert.Contains("001234567000089", html);
        Assert.Contains("002345678000012", html);
        Assert.Contains("Part du programme", html); // co-funded: both shares
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/receipts/pay-nothinghere")).StatusCode);
        var engagement = await browser.GetStringAsync($"/engagements/{a.NeedId}");
        Assert.Contains(ReceiptCommands.Path(paymentId), engagement);
        Assert.Contains(ReceiptCommands.Path(payoutId), engagement);
    }

    [Fact]
    public async Task Receipt_numbers_of_a_year_have_no_gap_under_concurrent_confirmations_and_a_receipt_keeps_its_number()
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var year = 2100 + Random.Shared.Next(0, 800); // a year of its own for this run
        var ids = Enumerable.Range(0, 40).Select(i => $"pay-test{Guid.NewGuid():N}"[..16]).ToList();
        var numbers = await Task.WhenAll(ids.Select(id => grains.GetGrain<IReceiptGrain>(id).IssueAsync(year)));
        Assert.Equal(Enumerable.Range(1, 40), numbers.Select(n => n.Sequence).Order());
        var again = await Task.WhenAll(ids.Select(id => grains.GetGrain<IReceiptGrain>(id).IssueAsync(year)));
        Assert.Equal(numbers.Select(n => n.Text), again.Select(n => n.Text));
        Assert.Equal($"JZ-{year}-000041", (await grains.GetGrain<IReceiptGrain>("pay-next" + Guid.NewGuid().ToString("N")[..8]).IssueAsync(year)).Text);

        // Concurrent confirmations over HTTP: each funding is numbered once, the numbers consecutive.
        var awarded = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Engagements.AwardedAsync(host)));
        var fundings = await Task.WhenAll(awarded.Select(a => a.FundAsync(0)));
        await Task.WhenAll(fundings.Select(f => Engagements.ConfirmAsync(host, f)));
        var receipts = await Task.WhenAll(awarded.Zip(fundings).Select(p =>
            ReceiptAsync(new Caller(p.First.Sme.AccountId, Roles.Sme), p.Second.GetProperty("paymentId").GetString()!)));
        var sequences = receipts.Select(r => int.Parse(r.Number[^6..])).Order().ToList();
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        // Without a programme, the receipt lists no shares (the SME paid it all).
        using var browser = await AdminPagesAsync(host);
        var page = await browser.GetStringAsync(ReceiptCommands.Path(fundings[0].GetProperty("paymentId").GetString()!));
        Assert.Contains(receipts[0].Number, page);
        Assert.DoesNotContain("Part du programme", page);
    }

    [Fact]
    public async Task The_ice_is_checked_and_normalised_on_sme_and_startup_profiles()
    {
        var a = await Engagements.AwardedAsync(host);
        var smeId = (await a.EngagementAsync()).GetProperty("smeId").GetString()!;
        foreach (var bad in new[] { "12345", "00123456700008A", "0012345670000891", "001-234-567-000-089" })
        {
            var body = System.Text.Json.JsonSerializer.SerializeToNode(Api.Sme())!.AsObject();
            body["ice"] = bad;
            var problem = await (await a.Sme.Client.PutAsJsonAsync($"/api/smes/{smeId}", body)).Problem(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("ice", out _), problem.ToString());
        }
        await SetIceAsync(a);
    }

    /// <summary>Sets the ICE of the SME and of the startup, typed with spaces: stored as 15 digits.</summary>
    private static async Task SetIceAsync(Awarded a)
    {
        var smeId = (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Json(HttpStatusCode.OK)).GetProperty("smeId").GetString()!;
        var sme = System.Text.Json.JsonSerializer.SerializeToNode(Api.Sme())!.AsObject();
        sme["ice"] = " 001 234 567 000 089 ";
        var saved = await (await a.Sme.Client.PutAsJsonAsync($"/api/smes/{smeId}", sme)).Json(HttpStatusCode.OK);
        Assert.Equal("001234567000089", saved.GetProperty("ice").GetString());
        var startup = System.Text.Json.JsonSerializer.SerializeToNode(Api.Startup())!.AsObject();
        startup["ice"] = "002345678000012";
        var savedStartup = await (await a.Founder.Client.PutAsJsonAsync($"/api/startups/{a.StartupId}", startup)).Json(HttpStatusCode.OK);
        Assert.Equal("002345678000012", savedStartup.GetProperty("ice").GetString());
    }

    /// <summary>The receipt as the caller sees it, once the confirmation's follow-up numbered it.</summary>
    private async Task<ReceiptResponse> ReceiptAsync(Caller caller, string id, bool wait = true)
    {
        using var scope = host.Services.CreateScope();
        var receipts = scope.ServiceProvider.GetRequiredService<ReceiptCommands>();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            try
            {
                return await receipts.GetAsync(caller, id);
            }
            catch (MarketplaceException missing) when (wait && missing.Problem == Problem.NotFound && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>A client with an admin's page session (cookies), signed in with the admin token on the sign-in page.</summary>
    internal static async Task<HttpClient> AdminPagesAsync(MarketplaceHost host)
    {
        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/sign-in/admin");
        var signedIn = await browser.PostAsync("/sign-in/admin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = MarketplaceHost.AdminToken, ["__af"] = Antiforgery(form),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// <summary>A client with the page session of a signed-up person, signed in on the sign-in page with a new e-mailed code.</summary>
    internal static async Task<HttpClient> PagesAsync(MarketplaceHost host, Person person)
    {
        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignInOnFormsAsync(browser, person.Email, () => Task.FromResult(host.LatestCode(person.Email)));
        return browser;
    }

    /// <summary>
    /// Signs in on the sign-in page and the code page as a browser posts them (each form read for its anti-forgery
    /// token, the client keeping the cookies); the code is asked once the first form is sent. Answers where the
    /// browser is sent next.
    /// </summary>
    internal static async Task<string> SignInOnFormsAsync(HttpClient browser, string email, Func<Task<string>> code)
    {
        var verify = await PostFormAsync(browser, "/sign-in", new() { ["Input.Email"] = email });
        return await PostFormAsync(browser, verify, new() { ["Input.Email"] = email, ["Input.Code"] = await code() });
    }

    /// <summary>Posts the form of the page at <paramref name="path"/> with its anti-forgery token; answers the redirect that follows a success.</summary>
    private static async Task<string> PostFormAsync(HttpClient browser, string path, Dictionary<string, string> fields)
    {
        fields["__af"] = Antiforgery(await browser.GetStringAsync(path));
        var answer = await browser.PostAsync(path, new FormUrlEncodedContent(fields));
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{path} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return answer.Headers.Location!.OriginalString;
    }

    internal static string Antiforgery(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__af\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"^JZ-\d{4}-\d{6}$")]
    private static partial Regex Number();
}
