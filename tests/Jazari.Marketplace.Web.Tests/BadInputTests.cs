using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Hostile and broken bodies get a clear 4xx problem and change nothing; never a 500.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class BadInputTests(MarketplaceHost host)
{
    private static StringContent Raw(string text) => new(text, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"title\": {\"nested\": true}}")]
    [InlineData("{\"budgetMinMad\": \"lots\"}")]
    [InlineData("{\"budgetMinMad\": 15000x}")]
    [InlineData("")]
    public async Task Malformed_bodies_are_400_problems(string body)
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        await (await sme.Client.PostAsync("/api/needs", Raw(body))).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_page_answers_an_unknown_method_handler_or_id_with_a_4xx_page_never_a_500()
    {
        using var anonymous = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        // TRACE: no such handler (405); PUT without a form's token: refused before (400); each shows the error page in French.
        foreach (var (method, status, title) in new[] { ("TRACE", HttpStatusCode.MethodNotAllowed, "Page introuvable"), ("PUT", HttpStatusCode.BadRequest, "Demande incomprise") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "/impact");
            request.Headers.Add("Accept-Language", "fr");
            var response = await anonymous.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(title, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/impact?handler=bogus")).StatusCode); // the page itself
        // An address or headers past the marketplace's limits: the page says so in the reader's language, the API answers
        // a problem (Kestrel, whose own limits are higher, answered a blank 414 or 431).
        using (var longAddress = new HttpRequestMessage(HttpMethod.Get, $"/impact?region={new string('r', 9 * 1024)}"))
        {
            longAddress.Headers.Add("Accept-Language", "fr");
            var page = await anonymous.SendAsync(longAddress);
            Assert.Equal(HttpStatusCode.RequestUriTooLong, page.StatusCode);
            var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.Contains("Adresse trop longue", html);
            Assert.DoesNotContain("rrrrrrrrrr", html); // no link back to the address that cannot be read
        }
        using (var bigHeaders = new HttpRequestMessage(HttpMethod.Get, "/api/impact"))
        {
            bigHeaders.Headers.Add("X-Padding", new string('h', 33 * 1024));
            var api = await anonymous.SendAsync(bigHeaders);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }
        // The API answers a problem whatever the client accepts (a browser's text/html got a line of plain text).
        using (var html = new HttpRequestMessage(HttpMethod.Get, "/api/nulle-part"))
        {
            html.Headers.Accept.ParseAdd("text/html");
            var api = await anonymous.SendAsync(html);
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }

        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
        using var pages = await Payments.ReceiptTests.PagesAsync(host, sme);
        var long1100 = new string('x', 1100);
        Assert.Equal(HttpStatusCode.NotFound, (await pages.GetAsync($"/sme/needs/new?category=ecommerce&draft={long1100}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pages.GetAsync($"/sme/needs/{long1100}/expert-review")).StatusCode);
        // A form posted to a page that only shows (or to a handler it does not have), with a valid token: 405.
        var token = Payments.ReceiptTests.Antiforgery(await pages.GetStringAsync($"/sme/needs/{needId}"));
        foreach (var path in new[] { "/impact", $"/sme/needs/{needId}?handler=bogus" })
        {
            var posted = await pages.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, posted.StatusCode);
        }
        // An invitation answered for a cohort id that cannot be one: no such invitation.
        var mentor = await host.SignUpAsync("mentor");
        using var mentorPages = await Payments.ReceiptTests.PagesAsync(host, mentor);
        var mentorToken = Payments.ReceiptTests.Antiforgery(await mentorPages.GetStringAsync("/evaluations"));
        foreach (var cohortId in new[] { "", " ", long1100 })
        {
            var answered = await mentorPages.PostAsync("/evaluations?handler=accept",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = mentorToken, ["cohortId"] = cohortId }));
            Assert.Equal(HttpStatusCode.NotFound, answered.StatusCode);
        }
    }

    /// <summary>An open need and a startup's signed-in pages on its bid form.</summary>
    private async Task<(Person Sme, string NeedId, HttpClient Pages, string Form)> BidFormAsync()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var (founder, _) = await Api.StartupAsync(host);
        var pages = await Payments.ReceiptTests.PagesAsync(host, founder);
        return (sme, needId, pages, await pages.GetStringAsync($"/startup/needs/{needId}"));
    }

    /// <summary>The bid form's fields, one milestone of the whole price, as the page posts them.</summary>
    private static FormUrlEncodedContent Bid(string form, string price) => new(new Dictionary<string, string>
    {
        ["__af"] = Payments.ReceiptTests.Antiforgery(form), ["Rows"] = "1", ["Input.PriceMad"] = price, ["Input.DurationDays"] = "30",
        ["Input.Proposal"] = "Boutique WooCommerce, paiement CMI et formation de l'équipe.",
        ["Milestones[0].Title"] = "Boutique", ["Milestones[0].AmountMad"] = price, ["Milestones[0].DueInDays"] = "30",
    });

    [Fact]
    public async Task A_bid_form_with_amounts_past_any_budget_is_shown_again_with_its_refusal_not_a_500()
    {
        var (_, needId, pages, form) = await BidFormAsync();
        using var _ = pages;
        foreach (var handler in new[] { "", "?handler=addRow" })
            Assert.Equal(HttpStatusCode.OK, (await pages.PostAsync($"/startup/needs/{needId}{handler}", Bid(form, "100000000000000000000"))).StatusCode);
        var again = await (await pages.PostAsync($"/startup/needs/{needId}", Bid(form, "100000000000000000000"))).Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"error\"", again); // the refusal beside the field; nothing was sent
        Assert.DoesNotContain("sent=true", again);
    }

    [Theory]
    [InlineData("30 000,50")] // French, as a French phone's keyboard types it
    [InlineData("30.000,50")] // French as the pages write it
    [InlineData("30,000.50")] // English
    [InlineData("٣٠٠٠٠٫٥٠")] // Arabic digits and decimal separator
    public async Task A_form_amount_written_as_people_write_it_is_read_as_they_meant_it(string price)
    {
        // Typed "30 000,50" in a browser's number field, a bid went out at 3,000,050 MAD: the fields are text, read here.
        var (sme, needId, pages, form) = await BidFormAsync();
        using var _ = pages;
        Assert.Equal(HttpStatusCode.Found, (await pages.PostAsync($"/startup/needs/{needId}", Bid(form, price))).StatusCode);
        var need = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal(3_000_050, Assert.Single(need.GetProperty("bids").EnumerateArray()).GetProperty("priceMinor").GetInt64());
    }

    [Fact]
    public async Task A_form_amount_that_could_be_read_two_ways_is_refused_not_guessed()
    {
        var (sme, needId, pages, form) = await BidFormAsync();
        using var _ = pages;
        foreach (var price in new[] { "3,00,000", "30.00.0", "1,000,5", "30.000,000.5" })
        {
            var answer = await pages.PostAsync($"/startup/needs/{needId}", Bid(form, price));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // shown again with its refusal, not sent
            Assert.Contains("<p class=\"error\"", await answer.Content.ReadAsStringAsync());
        }
        var need = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal(0, need.GetProperty("bids").GetArrayLength());
    }

    [Fact]
    public async Task A_form_amount_written_with_points_before_three_digits_reads_as_thousands_as_the_pages_write_them()
    {
        // The pages write "30.000 MAD" in French and Arabic; typed so, it was sent as a bid of 30 MAD.
        var (sme, needId, pages, form) = await BidFormAsync();
        using var _ = pages;
        var sent = await pages.PostAsync($"/startup/needs/{needId}", Bid(form, "30.000"));
        Assert.Equal(HttpStatusCode.Found, sent.StatusCode); // sent, not shown again with a refusal
        var need = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.Equal(3_000_000, Assert.Single(need.GetProperty("bids").EnumerateArray()).GetProperty("priceMinor").GetInt64());
    }

    [Fact]
    public async Task A_bid_sent_again_from_an_older_page_with_another_price_is_refused_in_words_above_the_bid_that_stands()
    {
        var (_, needId, pages, form) = await BidFormAsync();
        using var _ = pages;
        var first = await pages.PostAsync($"/startup/needs/{needId}", Bid(form, "30000"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        // Back, another price, send: the bid that stands is shown with why the new one was not taken.
        var again = System.Net.WebUtility.HtmlDecode(await (await pages.PostAsync($"/startup/needs/{needId}", Bid(form, "36000"))).Content.ReadAsStringAsync());
        Assert.Contains("Cette startup a déjà une offre sur ce besoin ; retirez-la pour en faire une autre.", again);
        Assert.Contains("30.000", again.Replace('\u00a0', ' '));
    }

    [Fact]
    public async Task A_number_in_quotes_is_a_400_not_read_as_a_number()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var body = System.Text.Json.JsonSerializer.SerializeToNode(Api.Need(), System.Text.Json.JsonSerializerOptions.Web)!;
        body["budgetMinMad"] = "15000";
        var problem = await (await sme.Client.PostAsync("/api/needs", Raw(body.ToJsonString()))).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("without quotes", problem.GetProperty("errors").GetProperty("budgetMinMad")[0].GetString());

        // A field given twice is ambiguous (which one was meant?), a text in bytes that are not UTF-8 unreadable: each said so.
        var twice = body.ToJsonString().Replace("\"budgetMinMad\":\"15000\"", "\"budgetMinMad\":15000,\"title\":\"Autre titre\"");
        problem = await (await sme.Client.PostAsync("/api/needs", Raw(twice))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("Given twice.", problem.GetProperty("errors").GetProperty("title")[0].GetString());
        var bytes = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"title\":\"Boutique "), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")]);
        bytes.Headers.ContentType = new("application/json");
        problem = await (await sme.Client.PostAsync("/api/needs", bytes)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("Not valid UTF-8 text.", problem.GetProperty("errors").GetProperty("title")[0].GetString());
        // Half of a character (a lone surrogate) is no text, and nesting past the reader's depth is said as such.
        problem = await (await sme.Client.PostAsync("/api/needs", Raw("{\"title\":\"Boutique \\ud800\"}"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("Not valid text (a lone surrogate).", problem.GetProperty("errors").GetProperty("title")[0].GetString());
        problem = await (await sme.Client.PostAsync("/api/needs", Raw("{\"extra\":" + new string('[', 100) + new string(']', 100) + "}"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("The body nests arrays or objects too deeply (at most 64 levels).", problem.GetProperty("detail").GetString());
        // A body of another shape than the request's ([] for an object) is said without the C# type the framework names.
        problem = await (await sme.Client.PostAsync("/api/needs", Raw("[]"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("The body is not the JSON this request reads: an object with its fields.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_or_a_missing_body_is_a_400_in_words()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        foreach (var query in new[] { "top=2147483648", "top=ten", "top=1&top=2" })
        {
            var problem = await (await sme.Client.GetAsync($"/api/needs/{needId}/matches?{query}")).Problem(HttpStatusCode.BadRequest);
            Assert.Equal("Must be a whole number within range, given once.", problem.GetProperty("errors").GetProperty("top")[0].GetString());
        }
        var noBody = await (await sme.Client.PostAsync("/api/conversations/conv-unknown/read", null)).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("This request needs a JSON body.", noBody.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("utf-7")]
    [InlineData("")]
    [InlineData("utf-16")]
    public async Task A_json_body_in_another_charset_than_utf8_is_a_415_problem_even_signed_out(string charset)
    {
        using var anonymous = host.Anonymous();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"email\":\"nobody@example.ma\"}"));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        var problem = await (await anonymous.PostAsync("/api/auth/sign-in", content)).Problem(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Utf8_in_quotes_as_http_allows_is_read_as_utf8()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Api.Need(title: "Boutique en ligne à Fès"))));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"UTF-8\"");
        var created = await (await sme.Client.PostAsync("/api/needs", content)).Json(HttpStatusCode.Created);
        var need = await (await sme.Client.GetAsync($"/api/needs/{created.Id()}")).Json(HttpStatusCode.OK);
        Assert.Equal("Boutique en ligne à Fès", need.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_stores_nothing()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var huge = "{\"title\":\"" + new string('x', 600_000) + "\"}";
        await (await sme.Client.PostAsync("/api/needs", Raw(huge))).Problem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_oversized_form_sent_to_a_page_shows_the_too_large_page_in_the_reader_language()
    {
        using var browser = host.CreateClient(new() { AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
        {
            Content = new StringContent("Input.Email=" + new string('a', 300_000), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Ce que vous avez envoyé dépasse la taille acceptée", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_chunked_body_without_length_is_also_cut_at_the_limit()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"title\":\"" + new string('x', 600_000) + "\"}")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/needs") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await sme.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Need_fields_are_checked_with_one_error_per_field()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var problem = await (await sme.Client.PostAsJsonAsync("/api/needs", new
        {
            title = new string('t', 201), description = "court", category = "other-things", skills = Enumerable.Repeat("x", 21),
            budgetMinMad = 50000, budgetMaxMad = 1000, deadline = "31/12/2027", region = "Rabat", remoteOk = true, language = "zgh",
        })).Problem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "title", "description", "category", "skills", "budgetMinMad", "deadline", "region", "language" })
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error for {field}: {errors}");
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(0)]
    [InlineData(100000000000)]
    [InlineData(10.555)]
    public async Task Budgets_are_positive_bounded_amounts_in_dirhams(decimal amount)
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var problem = await (await sme.Client.PostAsJsonAsync("/api/needs", new
        {
            title = "Site web", description = "Un site vitrine pour notre entreprise.", category = "website",
            budgetMinMad = amount, budgetMaxMad = 20000, deadline = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"),
            region = "Oriental", remoteOk = true, language = "fr",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("budgetMinMad", out _));
    }

    [Theory]
    [InlineData("2020-01-01")]
    [InlineData("9999-12-31")]
    public async Task A_deadline_in_the_past_or_too_far_ahead_is_refused(string deadline)
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var need = Api.Need();
        var body = System.Text.Json.JsonSerializer.SerializeToNode(need)!;
        body["deadline"] = deadline;
        var problem = await (await sme.Client.PostAsync("/api/needs", Raw(body.ToJsonString()))).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("deadline", out _));
    }

    [Fact]
    public async Task A_region_or_language_that_is_not_one_is_marked_next_to_its_field_on_the_need_form()
    {
        var sme = await host.SignUpAsync("sme");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        using var pages = await Payments.ReceiptTests.PagesAsync(host, sme);
        var form = await pages.GetStringAsync("/sme/needs/new?category=ecommerce");
        var refused = await pages.PostAsync("/sme/needs/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = Payments.ReceiptTests.Antiforgery(form), ["Input.Category"] = "ecommerce", ["Input.Title"] = "Boutique en ligne à Fès",
            ["Input.Region"] = "Atlantis", ["Input.Language"] = "xx", ["publish"] = "false",
        }));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the form again, with its errors
        var page = await refused.Content.ReadAsStringAsync();
        // The alert says "the fields marked below": each refused choice is marked under its own list.
        Assert.Matches("id=\"region\"[^§]*?</select>\\s*<p class=\"error\">", page);
        Assert.Matches("id=\"language\"[^§]*?</select>\\s*<p class=\"error\">", page);
    }

    [Fact]
    public async Task Control_characters_and_bad_emails_are_refused()
    {
        using var client = host.Anonymous();
        var problem = await (await client.PostAsJsonAsync("/api/auth/sign-up",
            new { email = "not-an-email", role = "sme", displayName = "Bad\u0000Name", language = "fr" })).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("displayName", out _));
        // Too long, in letters that have another spelling: refused before any account is looked up under it (a storage key
        // of that length made a 500).
        foreach (var path in new[] { "/api/auth/sign-in", "/api/auth/sign-up", "/api/auth/verify" })
            await (await client.PostAsJsonAsync(path, new { email = "ａ@" + new string('b', 1100) + ".ma", role = "sme", displayName = "A", language = "fr", code = "123456" }))
                .Problem(HttpStatusCode.BadRequest);
        // An address at a network address, not a domain, is refused; a domain in Arabic letters is one.
        // Nor a mailbox no one has: markup, a byte that was not text, dots at an end or twice.
        foreach (var email in new[] { "a@[127.0.0.1]", "a@10.0.0.1", "a@atlas_ma.com", "a@local:25.ma", "<script>@x.ma", "\uFFFD\uFFFD@y.ma", ".a@x.ma", "a..b@x.ma", "\"a b\"@x.ma" })
        {
            var c = new Jazari.Marketplace.Web.Application.Checks();
            c.Email("email", email);
            Assert.True(c.Failed, email);
        }
        var idn = new Jazari.Marketplace.Web.Application.Checks();
        Assert.Equal("amal@مثال.المغرب", idn.Email("email", "Amal@مثال.المغرب"));
        Assert.Equal("o'brien+jazari@atlas.ma", idn.Email("email", "o'brien+jazari@atlas.ma"));
        Assert.Equal("أمل@atlas.ma", idn.Email("email", "أمل@atlas.ma"));
        // One mailbox, one account: fullwidth letters and a punycode domain are the address they stand for (a twin account,
        // or a startup slipping out of the related-party hold on its SME's domain, was one of them away).
        Assert.Equal("sme1@acme-trade.ma", idn.Email("email", "ＳＭＥ1@ａｃｍｅ-trade.ｍａ"));
        Assert.Equal("dev@café-trade.ma", idn.Email("email", "dev@xn--caf-trade-d4a.ma"));
        Assert.Equal("dev@café-trade.ma", idn.Email("email", "dev＠CAFÉ-trade.ma"));
        Assert.Equal("a@mail.ab--cd.ma", idn.Email("email", "a@mail.ab--cd.ma")); // DNS allows it; IDNA has no Unicode name for it
        Assert.False(idn.Failed);
    }

    [Fact]
    public async Task Unknown_needs_and_bids_are_404()
    {
        var (startup, _) = await Api.StartupAsync(host);
        await (await startup.Client.GetAsync("/api/needs/need-does-not-exist")).Problem(HttpStatusCode.NotFound);
        var (sme, needId) = await Api.OpenNeedAsync(host);
        await (await sme.Client.PostAsync($"/api/needs/{needId}/bids/bid-nope/accept", null)).Problem(HttpStatusCode.NotFound);
        await (await startup.Client.GetAsync("/api/startups/" + new string('z', 5000))).Problem(HttpStatusCode.NotFound);
    }
}
