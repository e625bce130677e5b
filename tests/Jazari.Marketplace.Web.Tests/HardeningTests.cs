using Jazari.Marketplace.Web.Application;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Jazari.Marketplace.Web.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>The smaller findings of the security review: health details, made-up tokens, the admin token, exports.</summary>
[Collection(MarketplaceCollection.Name)]
public sealed class HardeningTests(MarketplaceHost host)
{
    [Fact]
    public async Task An_emails_language_in_a_link_lasts_the_browsers_session_never_beats_a_choice_and_is_not_set_by_a_file()
    {
        async Task<HttpResponseMessage> GetAsync(string path, string? cookie = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptLanguage.ParseAdd("fr-FR"); // a French phone
            if (cookie is not null) request.Headers.Add("Cookie", cookie);
            return await host.Anonymous().SendAsync(request);
        }
        static string? LanguageCookie(HttpResponseMessage r) =>
            r.Headers.TryGetValues("Set-Cookie", out var set) ? set.FirstOrDefault(c => c.StartsWith("jz-lang", StringComparison.Ordinal)) : null;

        var linked = await GetAsync("/sign-in?lang=ar");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\"", await linked.Content.ReadAsStringAsync());
        var kept = LanguageCookie(linked);
        Assert.NotNull(kept);
        Assert.DoesNotContain("max-age", kept, StringComparison.OrdinalIgnoreCase); // until the browser closes, not a year
        Assert.DoesNotContain("expires", kept, StringComparison.OrdinalIgnoreCase);

        Assert.StartsWith("jz-lang-link=ar", kept); // not the switch's cookie: a link is not a choice
        // The sign-in it sends to keeps it; the next e-mail's link, in French, speaks French.
        Assert.Contains("<html lang=\"ar\"", await (await GetAsync("/sign-in", cookie: "jz-lang-link=ar")).Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"fr\"", await (await GetAsync("/sign-in?lang=fr", cookie: "jz-lang-link=ar")).Content.ReadAsStringAsync());

        var chosen = await GetAsync("/sign-in?lang=ar", cookie: "jz-lang=fr"); // the reader chose French on this browser
        Assert.Contains("<html lang=\"fr\"", await chosen.Content.ReadAsStringAsync());
        Assert.Null(LanguageCookie(chosen));

        Assert.Null(LanguageCookie(await GetAsync("/assets/site.css?lang=zgh"))); // a file sets nothing
        Assert.Null(LanguageCookie(await GetAsync("/sign-in?lang=xx"))); // nor a language the pages do not speak
    }

    [Fact]
    public async Task Health_shows_each_checks_status_to_anyone_and_what_it_said_only_to_the_admin()
    {
        using var anonymous = host.Anonymous();
        var open = await (await anonymous.GetAsync("/healthz")).Json(HttpStatusCode.OK);
        Assert.Equal("Healthy", open.GetProperty("status").GetString());
        foreach (var check in open.GetProperty("checks").EnumerateObject())
        {
            Assert.Equal("Healthy", check.Value.GetProperty("status").GetString());
            Assert.False(check.Value.TryGetProperty("detail", out _), $"{check.Name} shows a detail to anyone");
        }
        using var admin = host.Admin();
        var full = await (await admin.GetAsync("/healthz")).Json(HttpStatusCode.OK);
        Assert.Contains("silo", full.GetProperty("checks").GetProperty("silo").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_made_up_bearer_is_refused_before_any_token_grain_is_activated_and_a_real_one_works()
    {
        var person = await host.SignUpAsync("sme");
        var token = person.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Matches("^jz_[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{22}$", token);
        Assert.Equal(HttpStatusCode.OK, (await person.Client.GetAsync("/api/auth/me")).StatusCode);

        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        async Task<int> TokenGrainsAsync() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("TokenGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        var before = await TokenGrainsAsync();
        var forged = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            forged.Add(Tokens.New()); // the older form, without proof
            forged.Add(Tokens.New() + "." + Tokens.New()[3..25]); // a proof made up
            forged.Add(token[..^1] + (token[^1] == 'A' ? 'B' : 'A') + i); // a real token, altered
        }
        foreach (var made in forged)
        {
            using var client = host.WithToken(made);
            var refused = await (await client.GetAsync("/api/auth/me")).Problem(HttpStatusCode.Unauthorized);
            Assert.Equal("This token is unknown, expired or revoked: sign in again.", refused.GetProperty("detail").GetString());
        }
        Assert.Equal(before, await TokenGrainsAsync());
        // Two Authorization headers (even the same twice): which one was meant? Said so, rather than "sign in first".
        using var twice = host.WithToken(token);
        twice.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        Assert.Equal("Send one Authorization header.", (await (await twice.GetAsync("/api/auth/me")).Problem(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        using var none = host.Anonymous();
        Assert.StartsWith("Sign in first", (await (await none.GetAsync("/api/auth/me")).Problem(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public void The_admin_token_rotates_by_configuration_old_and_new_for_a_while_then_only_the_new()
    {
        const string old = "old-admin-token-0123456789", fresh = "new-admin-token-9876543210";
        AdminToken With(string value) => AdminToken.From(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JAZARI_ADMIN_TOKEN"] = value }).Build(), host.DataDir);

        var during = With($"{old}, {fresh}");
        Assert.True(during.Matches(old));
        Assert.True(during.Matches(fresh));
        var after = With(fresh);
        Assert.False(after.Matches(old));
        Assert.True(after.Matches(fresh));
        Assert.Throws<InvalidOperationException>(() => With($"{fresh},short"));
    }

    [Fact]
    public void A_name_with_a_non_character_or_a_control_still_exports_as_a_workbook_that_parses()
    {
        var rows = new[] { "Atlas\uFFFE Web", "Nour\u0001 Digital", "Sahara\uD800 Tech", "ⵜⴰⵎⴰⵣⵉⵖⵜ 🌿" }
            .Select((name, i) => new DashboardRow($"startup-{i}", name, 1, 0, 0, 0, 0, 0, 0, null, 0, null, null, null, null)).ToList();
        var dashboard = new DashboardResponse("cohort-x", "Cohorte", new DashboardTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "MAD"), rows, []);

        using var zip = new ZipArchive(new MemoryStream(DashboardExports.ToXlsx(dashboard)));
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var texts = sheet.Descendants().Where(e => e.Name.LocalName == "t").Select(e => e.Value).ToList();
        Assert.Contains("Atlas Web", texts);
        Assert.Contains("Nour Digital", texts);
        Assert.Contains("Sahara Tech", texts);
        Assert.Contains("ⵜⴰⵎⴰⵣⵉⵖⵜ 🌿", texts);
    }
}
