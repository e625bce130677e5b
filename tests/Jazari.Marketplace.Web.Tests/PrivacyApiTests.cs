using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Tests;

[Collection(AccountsCollection.Name)]
public sealed class PrivacyApiTests(MarketplaceHost host)
{
    /// <summary>Signs up with a name and an address of its own (so they can be looked for in storage afterwards).</summary>
    private async Task<Person> SignUpAsync(string role, string displayName, object? extra = null)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.ma";
        using var anonymous = host.Anonymous();
        var body = new Dictionary<string, object?> { ["email"] = email, ["role"] = role, ["displayName"] = displayName, ["language"] = "fr" };
        foreach (var p in extra?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(extra);
        (await anonymous.PostAsJsonAsync("/api/auth/sign-up", body)).EnsureSuccessStatusCode();
        var token = await (await anonymous.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        return new Person(email, token.GetProperty("accountId").GetString()!, host.WithToken(token.GetProperty("token").GetString()!));
    }

    private async Task<List<JsonElement>> AuditAsync(string target, string action)
    {
        using var admin = host.Admin();
        var page = await (await admin.GetAsync($"/api/admin/audit?action={action}")).Json(HttpStatusCode.OK);
        return [.. page.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("target").GetString() == target)];
    }

    /// <summary>An SME and a startup (with unique names) on an awarded need, having reviewed each other.</summary>
    private async Task<(Person Sme, Person Founder, string NeedId, string StartupId, string Tag)> EngagementAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var sme = await SignUpAsync("sme", $"Karima {tag}");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var founder = await SignUpAsync("startup", $"Amal {tag}");
        var startupId = await founder.Client.CreateAsync("/api/startups", Api.Startup($"Atlas {tag}"));
        var bid = new
        {
            priceMad = 30000, durationDays = 60, proposal = $"Proposition {tag}: boutique en ligne.",
            milestones = new[] { new { title = "Boutique", amountMad = 30000, dueInDays = 60 } },
        };
        (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = $"Question {tag}: quel hébergement ?" })).EnsureSuccessStatusCode();
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", bid);
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        await Payments.Engagements.CompleteAsync(host, new Payments.Awarded(sme, needId, founder, startupId)); // reviews open at the end
        await PaidOutAsync(needId); // the startup is paid: nothing of this mission is still in play
        (await sme.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews",
            new { quality = 5, timeliness = 4, communication = 5, comment = $"Avis de la PME {tag}" })).EnsureSuccessStatusCode();
        (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/reviews",
            new { quality = 4, timeliness = 4, communication = 4, comment = $"Avis de la startup {tag}" })).EnsureSuccessStatusCode();
        return (sme, founder, needId, startupId, tag);
    }

    /// <summary>An admin marks each payout of the engagement paid (the bank transfer made).</summary>
    private async Task PaidOutAsync(string needId)
    {
        using var admin = host.Admin();
        var engagement = await Payments.Engagements.UntilAsync(host, needId, e => e.GetProperty("payouts").GetArrayLength() > 0);
        foreach (var payout in engagement.GetProperty("payouts").EnumerateArray())
            await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = $"VIR-{payout.Id()}" })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Neither_party_of_a_mission_with_money_in_play_can_be_erased_until_it_is_settled()
    {
        // Erased first, the SME's address, RIB and network would no longer hold a payout to a startup run by the same
        // people, and the startup's RIB would be gone for its own payment.
        var a = await Payments.Engagements.AwardedAsync(host); // a mission under way
        var refusal = await (await a.Sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = a.Sme.Email })).Problem(HttpStatusCode.Conflict);
        // The refusal names the mission to settle by its title.
        var title = (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}")).Json(HttpStatusCode.OK)).GetProperty("title").GetString()!;
        Assert.Contains($"Money of your mission {title} is still in play", refusal.GetProperty("detail").GetString());
        using var admin = host.Admin();
        await (await admin.PostAsync($"/api/admin/accounts/{a.Founder.AccountId}/erase", null)).Problem(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await a.Sme.Client.GetAsync("/api/auth/me")).StatusCode); // nothing was erased
        Assert.Empty(await AuditAsync(a.Sme.AccountId, AuditActions.AccountErased));

        await Payments.Engagements.CompleteAsync(host, a); // the work is done, the startup's payment not yet made
        await (await a.Founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = a.Founder.Email })).Problem(HttpStatusCode.Conflict);
        await (await a.Sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = a.Sme.Email })).Problem(HttpStatusCode.Conflict);
        await PaidOutAsync(a.NeedId);
        Assert.Equal(HttpStatusCode.NoContent, (await a.Founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = a.Founder.Email })).StatusCode);
        // The SME's pages name the startup "Deleted account", not its pseudonym, and ask for no review of nobody.
        using var pages = await Payments.ReceiptTests.PagesAsync(host, a.Sme);
        var need = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/sme/needs/{a.NeedId}"));
        Assert.Contains("Compte supprimé", need);
        Assert.DoesNotContain("erased-", need);
        Assert.DoesNotContain("id=\"review-quality\"", need);
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/reviews", new { quality = 1, timeliness = 1, communication = 1, comment = "Injoignable." }))
            .Problem(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await a.Sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = a.Sme.Email })).StatusCode);
    }

    [Fact]
    public async Task A_cohort_member_that_erases_its_account_reads_deleted_account_on_its_managers_pages()
    {
        var programme = await Incubation.ProgrammeAsync(host);
        var founder = await host.SignUpAsync("startup");
        var startupId = await founder.Client.CreateAsync("/api/startups", Api.Startup($"Atlas {Guid.NewGuid():N}"[..14]));
        await programme.AddMemberAsync(founder, startupId);
        Assert.Equal(HttpStatusCode.NoContent, (await founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = founder.Email })).StatusCode);
        // The manager's pages name it in words, never by its pseudonym (an identifier, for the ledger and the audit).
        using var pages = await Payments.ReceiptTests.PagesAsync(host, programme.Manager);
        foreach (var path in new[] { $"/manager/cohorts/{programme.CohortId}", $"/manager/cohorts/{programme.CohortId}/dashboard" })
        {
            var html = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync(path));
            Assert.Contains("Compte supprimé", html);
            Assert.DoesNotContain("erased-", html);
        }
    }

    [Fact]
    public async Task A_startup_erased_while_its_bid_is_accepted_either_stays_with_its_mission_or_loses_the_award()
    {
        // The erasure and the acceptance race, the acceptance a few milliseconds later each round: one of them loses,
        // never both win (a mission opened with an erased startup, its SME asked to pay for work nobody can deliver).
        for (var delay = 0; delay <= 15; delay += 3)
        {
            var (sme, needId) = await Api.OpenNeedAsync(host);
            var (founder, _) = await Api.StartupAsync(host);
            var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid()); // erased at once: its place is written with it
            var erase = founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = founder.Email });
            await Task.Delay(delay);
            var accept = sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null);
            var (erased, accepted) = ((await erase).StatusCode, (await accept).StatusCode);
            Assert.True((erased, accepted) is (HttpStatusCode.NoContent, HttpStatusCode.Conflict) or (HttpStatusCode.Conflict, HttpStatusCode.OK),
                $"{delay} ms: erasure {(int)erased}, acceptance {(int)accepted}");
            if (accepted == HttpStatusCode.OK)
                Assert.Equal("Web Atlas", (await (await sme.Client.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK)).GetProperty("startupName").GetString());
        }
    }

    [Fact]
    public async Task The_2001st_need_of_an_account_is_exported_and_erased()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var sme = await SignUpAsync("sme", $"Karima {tag}");
        await sme.Client.CreateAsync("/api/smes", Api.Sme());
        // 2,000 places already (needs since removed from storage: the export skips them); the 2,001st was refused before.
        var account = host.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Grains.Accounts.IAccountGrain>(sme.AccountId);
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await account.TookPartAsync(Grains.Accounts.PartyOf.Need, $"need-gone-{tag}-{i:D4}"));
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need(title: $"Huile {tag} en ligne"));
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        Assert.Equal(2001, (await account.GetPlacesAsync()).NeedIds.Count);

        var export = await (await sme.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK);
        Assert.Equal(needId, Assert.Single(export.GetProperty("needs").EnumerateArray()).GetProperty("need").Id());

        Assert.Equal(HttpStatusCode.NoContent, (await sme.Client.PostAsJsonAsync("/api/me/erase", new { confirm = sme.Email })).StatusCode);
        using var admin = host.Admin();
        var need = await (await admin.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(tag, need.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("cancelled", need.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_person_downloads_everything_about_them_as_one_json_attachment_and_the_export_is_audited()
    {
        var (_, founder, needId, startupId, tag) = await EngagementAsync();
        await (await founder.Client.PutAsJsonAsync($"/api/startups/{startupId}/payout-details",
            new { holder = $"Atlas {tag} SARL", rib = "007 780 0001234567890123 96" })).Json(HttpStatusCode.OK);

        var response = await founder.Client.GetAsync("/api/me/export");
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var export = await response.Json(HttpStatusCode.OK);
        var account = export.GetProperty("account");
        Assert.Equal(founder.Email, account.GetProperty("email").GetString());
        Assert.Equal($"Amal {tag}", account.GetProperty("displayName").GetString());
        Assert.Equal("first-sign-in", Assert.Single(account.GetProperty("consents").GetProperty("history").EnumerateArray()).GetProperty("how").GetString());
        Assert.Equal($"Atlas {tag}", export.GetProperty("profile").GetProperty("name").GetString());
        var need = Assert.Single(export.GetProperty("needs").EnumerateArray());
        Assert.Equal(needId, need.GetProperty("need").Id());
        Assert.Equal($"Proposition {tag}: boutique en ligne.", Assert.Single(need.GetProperty("need").GetProperty("bids").EnumerateArray()).GetProperty("proposal").GetString());
        var comments = need.GetProperty("reviews").GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("comment").GetString()).ToList();
        Assert.Contains($"Avis de la PME {tag}", comments);
        Assert.Contains($"Avis de la startup {tag}", comments);
        Assert.Contains(export.GetProperty("audit").EnumerateArray(), e => e.GetProperty("action").GetString() == AuditActions.ProfileCreated && e.GetProperty("target").GetString() == startupId);
        var thread = Assert.Single(export.GetProperty("conversations").EnumerateArray());
        Assert.Equal($"Question {tag}: quel hébergement ?", Assert.Single(thread.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        Assert.Single(await AuditAsync(founder.AccountId, AuditActions.DataExported));
        // The bank account the payouts go to is the person's data too: given back whole.
        var payout = export.GetProperty("payoutDetails");
        Assert.Equal(($"Atlas {tag} SARL", "007780000123456789012396"), (payout.GetProperty("holder").GetString(), payout.GetProperty("rib").GetString()));
    }

    [Fact]
    public async Task Consents_are_recorded_with_version_and_date_and_marketing_is_changed_with_its_history()
    {
        var person = await SignUpAsync("startup", "Nadia", new { acceptTerms = true, termsVersion = "2025-01", marketingEmails = true });
        var consents = await (await person.Client.GetAsync("/api/me/consents")).Json(HttpStatusCode.OK);
        Assert.Equal("2025-01", consents.GetProperty("termsVersion").GetString());
        Assert.True(consents.GetProperty("marketingEmails").GetBoolean());
        Assert.Equal(["terms", "marketing-emails"], consents.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("what").GetString()));

        var off = await (await person.Client.PutAsJsonAsync("/api/me/consents", new { marketingEmails = false })).Json(HttpStatusCode.OK);
        Assert.False(off.GetProperty("marketingEmails").GetBoolean());
        var last = off.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("marketing-emails", false, "settings"), (last.GetProperty("what").GetString(), last.GetProperty("given").GetBoolean(), last.GetProperty("how").GetString()));
        Assert.Equal(3, (await (await person.Client.PutAsJsonAsync("/api/me/consents", new { marketingEmails = false })).Json(HttpStatusCode.OK)).GetProperty("history").GetArrayLength());

        using var anonymous = host.Anonymous();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/sign-up", new { email = $"no-{Guid.NewGuid():N}@example.ma", role = "sme", displayName = "X", language = "fr", acceptTerms = false });
        Assert.True((await refused.Problem(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("acceptTerms", out _));
        await (await person.Client.PutAsJsonAsync("/api/me/consents", new { acceptTerms = true, termsVersion = "1999-01" })).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task After_erasure_the_persons_email_name_and_texts_are_gone_from_the_api_and_from_storage()
    {
        var (sme, founder, needId, startupId, tag) = await EngagementAsync();
        var secrets = new[] { founder.Email, $"Amal {tag}", $"Atlas {tag}", $"Proposition {tag}", $"Avis de la startup {tag}", $"Question {tag}" };
        // The counterpart's e-mails about this work (they name the startup) are sent: once sent, only their keys stay.
        await host.JobsSettledAsync();
        Assert.Equal(secrets.Length, (await StorageHoldingAsync(secrets)).Select(s => s.Secret).Distinct().Count()); // the scan sees each of them
        await (await founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = "someone@else.ma" })).Problem(HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = founder.Email })).StatusCode);

        // The person can no longer act: the token is revoked, the address leads nowhere.
        Assert.Equal(HttpStatusCode.Unauthorized, (await founder.Client.GetAsync("/api/auth/me")).StatusCode);
        // What others see: a pseudonym, no texts the person wrote; the ratings stay.
        var needView = await (await sme.Client.GetAsync($"/api/needs/{needId}")).Json(HttpStatusCode.OK);
        var bid = Assert.Single(needView.GetProperty("bids").EnumerateArray());
        Assert.StartsWith("erased-", bid.GetProperty("startupName").GetString());
        Assert.Equal("", bid.GetProperty("proposal").GetString());
        var profile = await (await sme.Client.GetAsync($"/api/startups/{startupId}")).Json(HttpStatusCode.OK);
        Assert.Equal(bid.GetProperty("startupName").GetString(), profile.GetProperty("name").GetString());
        var reviews = (await (await sme.Client.GetAsync($"/api/needs/{needId}/reviews")).Json(HttpStatusCode.OK)).GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal(["", $"Avis de la PME {tag}"], reviews.Select(r => r.GetProperty("comment").GetString()).Order());
        var inbox = await (await sme.Client.GetAsync("/api/conversations")).Json(HttpStatusCode.OK);
        var threadId = Assert.Single(inbox.GetProperty("conversations").EnumerateArray()).Id();
        var message = Assert.Single((await (await sme.Client.GetAsync($"/api/conversations/{threadId}")).Json(HttpStatusCode.OK)).GetProperty("messages").EnumerateArray());
        Assert.True(message.GetProperty("removed").GetBoolean()); // the SME sees the question was there, not what it said
        // Nobody would read a reply: the thread is closed, and says so (a send is refused, nothing stored).
        Assert.True((await (await sme.Client.GetAsync($"/api/conversations/{threadId}")).Json(HttpStatusCode.OK)).GetProperty("closed").GetBoolean());
        await (await sme.Client.PostAsJsonAsync($"/api/conversations/{threadId}/messages", new { text = "Vous êtes là ?" })).Problem(HttpStatusCode.Conflict);
        Assert.Single((await (await sme.Client.GetAsync($"/api/conversations/{threadId}")).Json(HttpStatusCode.OK)).GetProperty("messages").EnumerateArray());
        using var admin = host.Admin();
        var answers = new[]
        {
            inbox.GetRawText(),
            await (await sme.Client.GetAsync($"/api/conversations/{threadId}")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/needs/{needId}")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/startups/{startupId}")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/needs/{needId}/reviews")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/startups/{startupId}/reviews")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/needs/{needId}/matches")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync($"/api/needs/{needId}/engagement")).Content.ReadAsStringAsync(),
            await (await admin.GetAsync("/api/admin/payouts?status=pending")).Content.ReadAsStringAsync(),
        };
        foreach (var secret in secrets) Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));

        // And from storage: every table row and blob of the test's Azurite, text and binary-serialized grain state alike.
        var found = await StorageHoldingAsync(secrets);
        Assert.True(found.Count == 0, "still stored: " + string.Join("; ", found.Select(f => $"{f.Secret} in {f.Where}")));

        // Erasing again is harmless and recorded once; the same address signs up again as a new account.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/accounts/{founder.AccountId}/erase", null)).StatusCode);
        Assert.Single(await AuditAsync(founder.AccountId, AuditActions.AccountErased));
        var again = await host.SignUpAsync("startup", email: founder.Email);
        Assert.NotEqual(founder.AccountId, again.AccountId);
        await (await admin.PostAsync("/api/admin/accounts/acc-nobody/erase", null)).Problem(HttpStatusCode.NotFound);
        await (await sme.Client.PostAsync($"/api/admin/accounts/{sme.AccountId}/erase", null)).Problem(HttpStatusCode.Forbidden);
    }

    /// <summary>Where any of the strings is still stored: table rows (keys and every property, UTF-8 and UTF-16 in binary ones) and blobs.</summary>
    private async Task<List<(string Secret, string Where)>> StorageHoldingAsync(IReadOnlyList<string> secrets)
    {
        var found = new List<(string, string)>();
        void Look(byte[] bytes, string where)
        {
            foreach (var secret in secrets)
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) >= 0)
                    found.Add((secret, where));
        }
        var tables = new TableServiceClient(host.Storage.ConnectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (key, value) in row)
                {
                    var bytes = value switch { byte[] b => b, string s => Encoding.UTF8.GetBytes(s), _ => [] };
                    Look(bytes, $"{table.Name}/{row.PartitionKey}/{row.RowKey}/{key}");
                }
                Look(Encoding.UTF8.GetBytes(row.PartitionKey + row.RowKey), $"{table.Name}/{row.PartitionKey}/{row.RowKey}");
            }
        }
        var blobs = new BlobServiceClient(host.Storage.ConnectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                Look([.. content, .. Encoding.UTF8.GetBytes(blob.Name)], $"blob {container.Name}/{blob.Name}");
            }
        }
        return found;
    }
}
