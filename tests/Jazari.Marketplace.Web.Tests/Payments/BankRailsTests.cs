using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Tests;
using Jazari.Marketplace.Web.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>
/// The bank rail of payouts: a startup gives its RIB (checked, normalised, confirmed by e-mail, audited); the payouts
/// ready for the bank make an ISO 20022 pain.001.001.03 file valid against the official schema, whose amounts add up
/// to them; a payout after a change of RIB, or between related parties, is held until an admin releases it; a file
/// is marked paid once.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class BankRailsTests(MarketplaceHost host)
{
    private const string AttijariRib = "007 780 0001234567890123 96";
    private const string CihRib = "230-810-0211-1122-2233-3344-80";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

    [Fact]
    public async Task A_startup_records_its_rib_checked_and_normalised_only_for_itself_confirmed_by_email_and_audited()
    {
        var (founder, startupId) = await Api.StartupAsync(host);
        var path = $"/api/startups/{startupId}/payout-details";

        var badKey = await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = "007780000123456789012397" })).Problem(HttpStatusCode.BadRequest);
        Assert.True(badKey.GetProperty("errors").TryGetProperty("rib", out _));
        var unknownBank = "999780000012345678901" + "2";
        await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = unknownBank + Rib.Key(unknownBank) })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = "007 780 00012345" })).Problem(HttpStatusCode.BadRequest);
        await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web\u202EAtlas", rib = AttijariRib })).Problem(HttpStatusCode.BadRequest);
        // The holder goes into the bank's payment file: as the bank writes it, in Latin letters, not in Arabic.
        var arabic = await (await founder.Client.PutAsJsonAsync(path, new { holder = "شركة الأطلس للويب", rib = AttijariRib })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("Latin letters", arabic.GetProperty("errors").GetProperty("holder")[0].GetString());
        await (await founder.Client.GetAsync(path)).Problem(HttpStatusCode.NotFound); // nothing was stored

        var saved = await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = AttijariRib })).Json(HttpStatusCode.OK);
        Assert.Equal("Web Atlas SARL", saved.GetProperty("holder").GetString());
        Assert.Equal("007 *** ************0123 96", saved.GetProperty("ribMasked").GetString());
        Assert.Equal("Attijariwafa bank", saved.GetProperty("bank").GetString());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("ribChangedAt").ValueKind); // the first RIB is no change

        // Nobody else sets or reads it: another startup, the SME of an engagement, an admin.
        var (other, _) = await Api.StartupAsync(host);
        await (await other.Client.PutAsJsonAsync(path, new { holder = "Fraude", rib = CihRib })).Problem(HttpStatusCode.NotFound);
        await (await other.Client.GetAsync(path)).Problem(HttpStatusCode.NotFound);
        using var admin = host.Admin();
        await (await admin.PutAsJsonAsync(path, new { holder = "Fraude", rib = CihRib })).Problem(HttpStatusCode.NotFound);

        // The change sent several times at once (a double click, a retry racing the first): one change, audited with the account it replaced.
        var racing = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = CihRib })));
        var changed = await racing[0].Json(HttpStatusCode.OK);
        Assert.Equal("CIH Bank", changed.GetProperty("bank").GetString());
        Assert.NotEqual(JsonValueKind.Null, changed.GetProperty("ribChangedAt").ValueKind);
        await (await founder.Client.PutAsJsonAsync(path, new { holder = "Web Atlas SARL", rib = CihRib })).Json(HttpStatusCode.OK); // the same again

        // Each RIB is confirmed by e-mail to the owner, with the link to the payout details page; the change names the one before.
        await Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(founder.Email).Count(e => e.GetProperty("kind").GetString() == "payout-details-changed") == 2),
            "two confirmations");
        var mails = host.Emails(founder.Email).Where(e => e.GetProperty("kind").GetString() == "payout-details-changed").ToList();
        var last = mails.Select(m => m.GetProperty("text").GetString()!).Single(t => t.Contains("230 *** ************3344 80"));
        Assert.Contains("007 *** ************0123 96", last);
        Assert.Contains("/payout-details", last);
        Assert.Contains("48 prochaines heures", last); // a change: its payouts wait for a review
        // The first RIB is not held: its e-mail says the next payouts go to it, not that they wait 48 hours.
        var first = mails.Select(m => m.GetProperty("text").GetString()!).Single(t => !t.Contains("230 *** ************3344 80"));
        Assert.DoesNotContain("48 prochaines heures", first);
        Assert.Contains("premier compte", first);

        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-details-changed")).Json(HttpStatusCode.OK);
        var entries = audit.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("target").GetString() == startupId).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Single(entries, e => e.GetProperty("detail").GetString()!.EndsWith("; was 007 *** ************0123 96, holder Web Atlas SARL"));
    }

    [Fact]
    public async Task Erasing_the_account_forgets_its_rib()
    {
        var (founder, startupId) = await Api.StartupAsync(host);
        await Details(founder, startupId, "Web Atlas SARL", AttijariRib);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        Assert.NotNull(await grains.GetGrain<IPayoutDetailsGrain>(startupId).GetAsync(Grains.Caller.Marketplace));
        Assert.Equal(HttpStatusCode.NoContent, (await founder.Client.PostAsJsonAsync("/api/me/erase", new { confirm = founder.Email })).StatusCode);
        Assert.Null(await grains.GetGrain<IPayoutDetailsGrain>(startupId).GetAsync(Grains.Caller.Marketplace));
    }

    [Fact]
    public async Task The_pain001_file_validates_against_the_iso_schema_adds_up_to_the_ready_payouts_and_is_marked_paid_once()
    {
        var a = await Engagements.AwardedAsync(host);
        await Details(a.Founder, a.StartupId, "Société Web Atlas & Fils", AttijariRib);
        var payout = await ReleasedPayoutAsync(a, 0);
        Assert.Equal("pending", payout.GetProperty("status").GetString());

        using var admin = host.Admin();
        var (fileId, xml) = await Pain001Async(admin);
        var document = Validated(xml);
        var ready = (await ListAsync(admin)).Where(p => FileOf(p) == fileId).ToList();
        Assert.All(ready, p => Assert.Equal("in-bank-file", p.GetProperty("status").GetString()));
        var transactions = document.Descendants(Pain + "CdtTrfTxInf").ToList();
        // Each end-to-end id names the payout and the file (35 characters, the field's most): the bank's debit says which file paid it.
        Assert.Equal(ready.Select(p => $"{p.Id()}.{fileId}").Order(), transactions.Select(t => t.Descendants(Pain + "EndToEndId").Single().Value).Order());
        Assert.All(transactions, t => Assert.True(t.Descendants(Pain + "EndToEndId").Single().Value.Length <= 35));
        var sumMinor = ready.Sum(p => p.GetProperty("amountMinor").GetInt64());
        Assert.Equal(Pain001.Amount(sumMinor), document.Descendants(Pain + "GrpHdr").Single().Element(Pain + "CtrlSum")!.Value);
        Assert.Equal(ready.Count.ToString(), document.Descendants(Pain + "GrpHdr").Single().Element(Pain + "NbOfTxs")!.Value);
        Assert.Equal(sumMinor, transactions.Sum(t => (long)(decimal.Parse(t.Descendants(Pain + "InstdAmt").Single().Value, System.Globalization.CultureInfo.InvariantCulture) * 100)));
        Assert.Equal(fileId, document.Descendants(Pain + "MsgId").Single().Value);
        var ours = transactions.Single(t => PayoutOf(t.Descendants(Pain + "EndToEndId").Single()) == payout.Id());
        Assert.Equal("MAD", ours.Descendants(Pain + "InstdAmt").Single().Attribute("Ccy")!.Value);
        Assert.Equal(Rib.Iban(Rib.Normalise(AttijariRib)!), ours.Descendants(Pain + "CdtrAcct").Single().Descendants(Pain + "IBAN").Single().Value);
        // In the bank's character set: accents dropped, "&" as "+" (a name outside it would get the whole file refused).
        Assert.Equal("Societe Web Atlas + Fils", ours.Element(Pain + "Cdtr")!.Element(Pain + "Nm")!.Value);

        // The CSV is the same file: its id, the old columns, then holder, RIB, amount in minor units and reference.
        var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/payout-files/{fileId}");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        var csvResponse = await admin.SendAsync(csvRequest);
        Assert.Equal(fileId, csvResponse.Headers.GetValues("X-Payout-File-Id").Single());
        var csv = await csvResponse.Content.ReadAsStringAsync();
        Assert.StartsWith("\uFEFFpayoutId,kind,beneficiaryKind,beneficiaryId,beneficiaryName,amount,currency,needId,milestone,createdAt,holder,rib,amountMinor,reference\r\n", csv);
        Assert.Contains($",Société Web Atlas & Fils,{Rib.Normalise(AttijariRib)},{payout.GetProperty("amountMinor").GetInt64()},JAZARI {payout.Id().ToUpperInvariant()} {fileId.ToUpperInvariant()}\r\n", csv);

        // Paid by the file's id: every payout of the file once; the same file again moves nothing. A first marking died
        // after writing this payout's engagement and before its audit entry and queue removal: the marking finishes them.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEngagementGrain>(a.NeedId)
            .MarkPayoutPaidAsync(new Caller("admin", Roles.Admin), payout.Id(), "BOA-VIR-2026-77", inBankFile: true);
        var paid = await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/paid", new { bankReference = "BOA-VIR-2026-77" })).Json(HttpStatusCode.OK);
        Assert.Equal(ready.Count - 1, paid.GetProperty("paidNow").GetInt32());
        Assert.Equal(sumMinor, paid.GetProperty("totalMinor").GetInt64());
        var again = await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/paid", new { bankReference = "BOA-VIR-2026-77" })).Json(HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("paidNow").GetInt32());
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/paid", new { bankReference = "AUTRE" })).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync("/api/admin/payout-files/pf-nothing-here/paid", new { bankReference = "X" })).Problem(HttpStatusCode.NotFound);
        var engagement = await Engagements.EngagementAsync(host, a.NeedId);
        var inEngagement = engagement.GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
        Assert.Equal("paid", inEngagement.GetProperty("status").GetString());
        Assert.Equal("BOA-VIR-2026-77", inEngagement.GetProperty("bankReference").GetString());
        Assert.DoesNotContain(await ListAsync(admin), p => p.Id() == payout.Id());
        // Marked on its own with the file's reference: nothing changes either; another reference is refused.
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-VIR-2026-77" })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "AUTRE" })).Problem(HttpStatusCode.Conflict);
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-paid")).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == payout.Id());
    }

    [Fact]
    public async Task A_payout_without_a_rib_waits_the_startup_is_told_and_it_is_not_in_the_file()
    {
        var a = await Engagements.AwardedAsync(host);
        var payout = await ReleasedPayoutAsync(a, 0);
        Assert.Equal("awaiting-details", payout.GetProperty("status").GetString());
        await Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "payout-awaiting-details")),
            "the startup told");
        using var admin = host.Admin();
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));

        await Details(a.Founder, a.StartupId, "Web Atlas SARL", AttijariRib); // the first RIB: no hold
        Assert.Equal("pending", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        Assert.Contains(payout.Id(), await FileIdsAsync(admin));
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-1" })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_rib_its_owner_did_not_give_is_removed_on_report_every_session_ends_its_bank_file_is_flagged_and_the_next_rib_is_held()
    {
        var a = await Engagements.AwardedAsync(host);
        using var owner = await ReceiptTests.PagesAsync(host, a.Founder); // the founder's own browser
        // Someone holding a token of the founder's gives the first account (a first RIB is not held) and the payout is filed.
        var thief = await host.SignInAsync(a.Founder);
        await Details(thief, a.StartupId, "Pirate SARL", CihRib);
        var payout = await ReleasedPayoutAsync(a, 0);
        Assert.Equal("pending", payout.GetProperty("status").GetString());
        using var admin = host.Admin();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        request.Headers.Accept.ParseAdd("application/xml");
        var made = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var fileId = made.Headers.GetValues("X-Payout-File-Id").Single();
        Assert.Contains(BankTransferRail.Reference(payout.Id()), await made.Content.ReadAsStringAsync());

        var page = await owner.GetStringAsync("/payout-details");
        var unconfirmed = await owner.PostAsync("/payout-details?handler=report", Form(page, []));
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode); // the box not ticked: refused beside it, nothing removed
        Assert.Contains("id=\"report-error\"", await unconfirmed.Content.ReadAsStringAsync());
        await (await a.Founder.Client.GetAsync($"/api/startups/{a.StartupId}/payout-details")).Json(HttpStatusCode.OK);

        var reported = await owner.PostAsync("/payout-details?handler=report", Form(page, new() { ["confirm"] = "true" }));
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        Assert.Equal("/payout-details?saved=reported", reported.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.GetAsync("/payout-details?saved=reported")).StatusCode); // to the sign-in
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.Client.GetAsync($"/api/startups/{a.StartupId}/payout-details")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.Founder.Client.GetAsync("/api/auth/me")).StatusCode); // every token of the account
        a = a with { Founder = await host.SignInAsync(a.Founder) };
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-details-reported")).Json(HttpStatusCode.OK);
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == a.StartupId);
        Assert.Contains("Pirate SARL", entry.GetProperty("detail").GetString());

        // The file made before the report is flagged not to be sent, on the API and the Payments page; withdrawn, nothing
        // is paid to the removed account: the payout waits for the owner's own.
        var files = await (await admin.GetAsync("/api/admin/payout-files")).Json(HttpStatusCode.OK);
        Assert.True(files.EnumerateArray().Single(f => f.GetProperty("fileId").GetString() == fileId).GetProperty("accountChanged").GetBoolean());
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/payout-files/{fileId}");
        again.Headers.Accept.ParseAdd("application/xml");
        await (await admin.SendAsync(again)).Problem(HttpStatusCode.Conflict); // not downloaded again
        using var adminPages = await ReceiptTests.AdminPagesAsync(host);
        var paymentsPage = await adminPages.GetStringAsync("/admin/payments");
        Assert.Matches($"id=\"file-{fileId}\"[^<]*</h3>\\s*<p class=\"error\" role=\"alert\">", paymentsPage);
        Assert.DoesNotContain($"file={fileId}\"", paymentsPage); // no download button that would only be refused
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Compte signalé par la startup." })).Json(HttpStatusCode.OK);
        Assert.Equal("awaiting-details", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));

        // Signed in again (a code to the founder's e-mail), the owner reads the notice and gives the right account,
        // which counts as a change: the payout waits 48 hours, out of the next file.
        using var signedInAgain = await ReceiptTests.PagesAsync(host, a.Founder);
        var notice = await signedInAgain.GetStringAsync("/payout-details?saved=reported");
        Assert.DoesNotContain(Rib.Masked(Rib.Normalise(CihRib)!), notice);
        Assert.Contains("role=\"status\"", notice);
        var saved = await signedInAgain.PostAsync("/payout-details", Form(notice, new() { ["Holder"] = "Web Atlas SARL", ["Rib"] = AttijariRib }));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));
        Assert.Equal("rib-changed", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_report_whose_request_died_after_the_removal_is_audited_once_when_it_is_sent_again()
    {
        var a = await Engagements.AwardedAsync(host);
        await Details(a.Founder, a.StartupId, "Pirate SARL", CihRib);
        // The request died right after the account's removal, before its audit entry.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPayoutDetailsGrain>(a.StartupId)
            .ReportAsync(new Caller(a.Founder.AccountId, Roles.Startup), a.Founder.AccountId);
        using var admin = host.Admin();
        async Task<List<JsonElement>> EntriesAsync() =>
            [.. (await (await admin.GetAsync("/api/admin/audit?action=payout-details-reported")).Json(HttpStatusCode.OK)).GetProperty("entries")
                .EnumerateArray().Where(e => e.GetProperty("target").GetString() == a.StartupId)];
        Assert.Empty(await EntriesAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await a.Founder.Client.PostAsync($"/api/startups/{a.StartupId}/payout-details/report", null)).StatusCode);
        Assert.Contains("Pirate SARL", Assert.Single(await EntriesAsync()).GetProperty("detail").GetString());
        var again = await host.SignInAsync(a.Founder); // its tokens were signed out by the report
        Assert.Equal(HttpStatusCode.NoContent, (await again.Client.PostAsync($"/api/startups/{a.StartupId}/payout-details/report", null)).StatusCode);
        Assert.Single(await EntriesAsync());
    }

    private static FormUrlEncodedContent Form(string page, Dictionary<string, string> fields) =>
        new(fields.Append(new("__af", ReceiptTests.Antiforgery(page))));

    [Fact]
    public async Task A_rib_changed_after_the_payout_was_ordered_does_not_receive_it_before_48_hours()
    {
        // Somebody who took over the startup's account changes the RIB once the release is ordered: the next bank file
        // would pay the new account. The order waits 48 hours from the change, while the owner's notice can be answered.
        var a = await Engagements.AwardedAsync(host);
        await Details(a.Founder, a.StartupId, "Web Atlas SARL", AttijariRib);
        var payout = await ReleasedPayoutAsync(a, 0);
        Assert.Equal("pending", payout.GetProperty("status").GetString());
        await Details(a.Founder, a.StartupId, "Autre Titulaire", CihRib);
        using var admin = host.Admin();
        Assert.Equal("rib-changed", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));
        // The startup reads that its payment waits, and until when (not that it leaves with the next transfers).
        using var pages = await ReceiptTests.PagesAsync(host, a.Founder);
        var page = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/engagements/{a.NeedId}"));
        Assert.Contains("votre RIB a changé après l'ordre, il attend donc jusqu'au", page);
        Assert.DoesNotContain("il part avec les prochains virements", page);
        // A bank debit naming it, from no file of ours, is left for an admin to decide: it is not marked paid.
        var statement = await ReconciliationTests.PostAsync(admin, ReconciliationTests.Camt053(ReconciliationTests.PlatformIban, "RIB-" + Guid.NewGuid().ToString("N")[..10],
            ReconciliationTests.Entry(payout.GetProperty("amountMinor").GetInt64(), "BOA-" + Guid.NewGuid().ToString("N")[..8], "Virement " + payout.Id(), debit: true)), "application/xml");
        Assert.Equal("payout-not-ready", Assert.Single(statement.GetProperty("unmatched").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal("rib-changed", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        // Nor by hand through the API: refused until the wait ends, with the time, and nothing changes.
        var byHand = await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "VIR-BY-HAND" });
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Contains("waits until", (await byHand.Json(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal("rib-changed", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        // The admin's Payments page says until when it waits, and offers nothing to do (no "mark paid" form for it).
        using var adminPages = await ReceiptTests.AdminPagesAsync(host);
        var payments = System.Net.WebUtility.HtmlDecode(await adminPages.GetStringAsync("/admin/payments"));
        Assert.Contains("RIB changé après l'ordre : hors des fichiers bancaires jusqu'au", payments);
        Assert.DoesNotContain($"id=\"paid-{payout.Id()}\"", payments);
    }

    [Fact]
    public async Task A_payout_made_in_the_48_hours_after_a_change_of_rib_is_held_out_of_the_file_until_an_admin_releases_it()
    {
        var a = await Engagements.AwardedAsync(host);
        await Details(a.Founder, a.StartupId, "Web Atlas SARL", AttijariRib);
        await Details(a.Founder, a.StartupId, "Web Atlas SARL", CihRib); // a change: the next 48 hours are held
        var payout = await ReleasedPayoutAsync(a, 0);
        Assert.Equal("held", payout.GetProperty("status").GetString());
        Assert.Equal(["rib-changed"], payout.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
        using var admin = host.Admin();
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));
        var held = await (await admin.GetAsync("/api/admin/payouts?status=held")).Json(HttpStatusCode.OK);
        Assert.Contains(held.EnumerateArray(), p => p.Id() == payout.Id());
        Assert.All(held.EnumerateArray(), p => Assert.Equal("held", p.GetProperty("status").GetString()));
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-2" })).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/release", new { reason = "" })).Problem(HttpStatusCode.BadRequest);
        await (await a.Founder.Client.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/release", new { reason = "Moi-même" })).Problem(HttpStatusCode.Forbidden);
        // The startup reads that an administrator checks it, not that it leaves with the next transfers.
        using var pages = await ReceiptTests.PagesAsync(host, a.Founder);
        var page = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/engagements/{a.NeedId}"));
        Assert.Contains("un administrateur le vérifie avant qu'il parte.", page);
        Assert.DoesNotContain("il part avec les prochains virements", page);
        // So does the e-mail saying the payment is released (a payout not held reads nothing of it: PaymentJobsTests).
        await Engagements.EventuallyAsync(() => Task.FromResult(host.Emails(a.Founder.Email).Any(e => e.GetProperty("kind").GetString() == "milestone-released")), "the release e-mailed");
        Assert.Contains("Un administrateur vérifie ce paiement avant qu'il parte", host.Emails(a.Founder.Email).Single(e => e.GetProperty("kind").GetString() == "milestone-released").GetProperty("text").GetString());

        var released = await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/release-hold", new { reason = "Changement confirmé par téléphone avec la fondatrice." }))
            .Json(HttpStatusCode.OK);
        Assert.Equal("pending", released.GetProperty("status").GetString());
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/release", new { reason = "Encore" })).Json(HttpStatusCode.OK); // the same decision again
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "Trop tard" })).Problem(HttpStatusCode.Conflict);
        Assert.Contains(payout.Id(), await FileIdsAsync(admin));
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-reviewed")).Json(HttpStatusCode.OK);
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == payout.Id());
        Assert.Contains("Changement confirmé par téléphone", entry.GetProperty("detail").GetString());
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/paid", new { bankReference = "BOA-3" })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refund_to_an_sme_whose_rib_is_the_startups_is_held_for_an_admin()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (pair, smeId) = await AwardedBetweenAsync($"sme-refund-{run}@gmail.com", $"startup-refund-{run}@gmail.com");
        await Details(pair.Founder, pair.StartupId, "Atlas Web", CihRib);
        await Details(pair.Sme, smeId, "Atlas Web", CihRib, "smes"); // the SME's refunds would go to the startup's account
        await Engagements.ConfirmAsync(host, await pair.FundAsync(0));
        await (await pair.Sme.Client.PostAsync($"/api/needs/{pair.NeedId}/engagement/cancel", null)).Json(HttpStatusCode.OK);
        var engagement = await Engagements.UntilAsync(host, pair.NeedId, e => e.GetProperty("payouts").EnumerateArray().Any(p => p.GetProperty("kind").GetString() == "refund"));
        var refund = engagement.GetProperty("payouts").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "refund");
        Assert.Equal(("held", "related-party"), (refund.GetProperty("status").GetString(), refund.GetProperty("holdReasons")[0].GetString()));
        using var admin = host.Admin();
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{refund.Id()}/decline", new { reason = "Compte de la startup." })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_payout_between_an_sme_and_a_startup_of_one_company_domain_or_one_rib_is_held_and_a_declined_one_is_never_paid()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (sameDomain, _) = await AwardedBetweenAsync($"gerant@huilerie-{run}.ma", $"contact@huilerie-{run}.ma");
        await Details(sameDomain.Founder, sameDomain.StartupId, "Huilerie Digital", AttijariRib);
        var byDomain = await ReleasedPayoutAsync(sameDomain, 0);
        Assert.Equal("held", byDomain.GetProperty("status").GetString());
        Assert.Equal(["related-party"], byDomain.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
        // A subdomain is the company's too, and so is its name in fullwidth letters (the same domain once mapped, IDNA).
        var (subdomain, _) = await AwardedBetweenAsync($"gerant@huilerie-b-{run}.ma", $"contact@digital.ｈｕｉｌｅｒｉｅ-b-{run}.ma");
        await Details(subdomain.Founder, subdomain.StartupId, "Huilerie Digital", AttijariRib);
        Assert.Equal(["related-party"], (await ReleasedPayoutAsync(subdomain, 0)).GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));

        var (sameRib, smeId) = await AwardedBetweenAsync($"sme-{run}@gmail.com", $"startup-{run}@gmail.com"); // webmail: no relation by domain
        await Details(sameRib.Founder, sameRib.StartupId, "Atlas Web", CihRib);
        await Details(sameRib.Sme, smeId, "Atlas Web", CihRib, "smes");
        var byRib = await ReleasedPayoutAsync(sameRib, 0);
        Assert.Equal(["related-party"], byRib.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));

        using var admin = host.Admin();
        var declined = await (await admin.PostAsJsonAsync($"/api/admin/payouts/{byRib.Id()}/decline", new { reason = "Même compte des deux côtés." })).Json(HttpStatusCode.OK);
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        // The ledger no longer owes it to the startup, nor counts its fee: the release waits whole in payouts-declined.
        var balances = await Engagements.AssertLedgerAsync(host, sameRib.NeedId);
        Assert.Equal(0, balances[$"startup:{sameRib.StartupId}"]);
        Assert.Equal(0, balances.GetValueOrDefault("platform-fees"));
        Assert.Equal((await sameRib.EngagementAsync()).Milestone(0).GetProperty("amountMinor").GetInt64(), balances["payouts-declined"]);
        Assert.DoesNotContain(await ListAsync(admin), p => p.Id() == byRib.Id());
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{byRib.Id()}/paid", new { bankReference = "BOA-4" })).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{byRib.Id()}/release", new { reason = "Finalement" })).Problem(HttpStatusCode.Conflict);
        var ids = await FileIdsAsync(admin);
        Assert.DoesNotContain(byRib.Id(), ids);
        Assert.DoesNotContain(byDomain.Id(), ids);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{byDomain.Id()}/decline", new { reason = "Parties liées." })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_admins_marking_one_file_paid_at_once_with_two_references_pay_every_payout_with_the_files_one()
    {
        foreach (var rib in new[] { AttijariRib, CihRib })
        {
            var a = await Engagements.AwardedAsync(host);
            await Details(a.Founder, a.StartupId, "Web Atlas SARL", rib);
            await ReleasedPayoutAsync(a, 0);
        }
        using var admin = host.Admin();
        var (fileId, xml) = await Pain001Async(admin);
        var ids = Validated(xml).Descendants(Pain + "EndToEndId").Select(PayoutOf).ToList();
        Assert.True(ids.Count >= 2);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/paid", new { bankReference = i % 2 == 0 ? "VIR-A" : "VIR-B" })));
        var won = answers.Where(r => r.IsSuccessStatusCode).ToList();
        var reference = (await won[0].Json(HttpStatusCode.OK)).GetProperty("bankReference").GetString();
        Assert.Equal(4, won.Count); // one reference's four calls; the other's are refused before marking anything
        Assert.All(answers.Except(won), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        foreach (var id in ids)
        {
            var target = (await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync())!;
            var payout = (await Engagements.EngagementAsync(host, target.NeedId)).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == id);
            Assert.Equal((reference, "paid"), (payout.GetProperty("bankReference").GetString(), payout.GetProperty("status").GetString()));
        }
    }

    [Fact]
    public async Task A_payout_goes_in_one_bank_file_until_the_file_is_withdrawn_and_a_file_downloads_again_only_as_it_was_made()
    {
        var first = await Engagements.AwardedAsync(host);
        await Details(first.Founder, first.StartupId, "Web Atlas SARL", AttijariRib);
        var early = await ReleasedPayoutAsync(first, 0);
        using var admin = host.Admin();
        var (fileId, xml) = await Pain001Async(admin);
        Assert.Contains(early.Id(), Ids(xml));

        // A payout ready later goes in the next file, without the first's; two admins downloading at once put it in one file.
        var second = await Engagements.AwardedAsync(host);
        await Details(second.Founder, second.StartupId, "Nour Digital", CihRib);
        var late = await ReleasedPayoutAsync(second, 0);
        var downloads = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => admin.SendAsync(XmlRequest("/api/admin/payouts?status=pending"))));
        var made = new List<(string Id, IReadOnlyList<string> Payouts)>();
        foreach (var download in downloads)
        {
            if (download.StatusCode == HttpStatusCode.Conflict) continue;
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            made.Add((download.Headers.GetValues("X-Payout-File-Id").Single(), Ids(await download.Content.ReadAsStringAsync())));
        }
        var lateFile = Assert.Single(made, f => f.Payouts.Contains(late.Id())).Id;
        Assert.DoesNotContain(made, f => f.Payouts.Contains(early.Id()));
        // Nothing new to pay: a 409 that says where the others are. The list names each payout's file; the files are listed.
        var none = await (await admin.SendAsync(XmlRequest("/api/admin/payouts?status=pending"))).Problem(HttpStatusCode.Conflict);
        Assert.Contains("bank files that await the bank", none.GetProperty("detail").GetString());
        var line = (await ListAsync(admin)).Single(p => p.Id() == early.Id());
        Assert.Equal(("in-bank-file", fileId), (line.GetProperty("status").GetString(), FileOf(line)));
        // Not paid by hand meanwhile: the bank would pay it a second time with the file.
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{early.Id()}/paid", new { bankReference = "GUICHET-1" })).Problem(HttpStatusCode.Conflict);
        // A client that refuses XML (q=0) gets the list, and makes no file.
        var refusing = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        refusing.Headers.Accept.ParseAdd("application/json");
        refusing.Headers.Accept.ParseAdd("application/xml;q=0");
        Assert.Equal("application/json", (await admin.SendAsync(refusing)).Content.Headers.ContentType?.MediaType);
        // Nor does a browser, which takes XML after HTML; and a file is of the pending payouts only, never of a list of the held ones.
        var browsing = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts");
        browsing.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        Assert.Equal("application/json", (await admin.SendAsync(browsing)).Content.Headers.ContentType?.MediaType);
        await (await admin.SendAsync(XmlRequest("/api/admin/payouts?status=held"))).Problem(HttpStatusCode.BadRequest);
        var open = (await (await admin.GetAsync("/api/admin/payout-files")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Contains(open, f => f.GetProperty("fileId").GetString() == lateFile && f.GetProperty("status").GetString() == "open");
        Assert.Contains(open, f => f.GetProperty("fileId").GetString() == fileId);
        await (await first.Founder.Client.GetAsync("/api/admin/payout-files")).Problem(HttpStatusCode.Forbidden);

        // Downloaded again: the same bytes. The bank refused it: withdrawn with a reason, its payouts go in a new file.
        Assert.Equal(xml, await (await admin.SendAsync(XmlRequest($"/api/admin/payout-files/{fileId}"))).Content.ReadAsStringAsync());
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = " " })).Problem(HttpStatusCode.BadRequest);
        var withdrawn = await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Rejeté par la banque : format." })).Json(HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Encore." })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/paid", new { bankReference = "VIR-TROP-TARD" })).Problem(HttpStatusCode.Conflict);
        await (await admin.SendAsync(XmlRequest($"/api/admin/payout-files/{fileId}"))).Problem(HttpStatusCode.Conflict);
        var summary = await (await admin.GetAsync($"/api/admin/payout-files/{fileId}")).Json(HttpStatusCode.OK);
        Assert.Equal(("withdrawn", "Rejeté par la banque : format."), (summary.GetProperty("status").GetString(), summary.GetProperty("withdrawnReason").GetString()));
        var (refiled, refiledXml) = await Pain001Async(admin);
        Assert.NotEqual(fileId, refiled);
        Assert.Contains(early.Id(), Ids(refiledXml));
        Assert.DoesNotContain(late.Id(), Ids(refiledXml));
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-file-withdrawn")).Json(HttpStatusCode.OK);
        Assert.Contains("Rejeté par la banque", Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == fileId)
            .GetProperty("detail").GetString());

        // The admin's page lists the files awaiting the bank, each with its downloads and forms, in French.
        using (var browser = await ReceiptTests.AdminPagesAsync(host))
        {
            var page = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/payments"));
            Assert.Contains("Fichiers bancaires en attente de la banque", page);
            Assert.Contains($"/admin/payments?handler=xml&file={refiled}", page);
            Assert.Contains("Dans un fichier bancaire en attente de la banque", page);
            Assert.Contains($"<a href=\"#file-{refiled}\" dir=\"ltr\">{refiled}</a>", page); // its row names the file, with no form to pay it by hand
            // A link (another site's, say) makes no file: the next file is made by the page's form only.
            var opened = (await (await admin.GetAsync("/api/admin/payout-files")).Json(HttpStatusCode.OK)).GetArrayLength();
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin/payments?handler=xml")).StatusCode);
            Assert.Equal(opened, (await (await admin.GetAsync("/api/admin/payout-files")).Json(HttpStatusCode.OK)).GetArrayLength());
            // Withdrawing asks first (a file the bank executed, withdrawn, would be paid twice): the first post withdraws nothing.
            var asked = await browser.PostAsync("/admin/payments?handler=withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["fileId"] = lateFile, ["withdrawReason"] = "Perdu avant l'envoi.", ["__af"] = ReceiptTests.Antiforgery(page),
            }));
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            Assert.Contains($"Retirer le fichier {lateFile} ?", System.Text.RegularExpressions.Regex.Replace(
                System.Net.WebUtility.HtmlDecode(await asked.Content.ReadAsStringAsync()), "<bdi[^>]*>|</bdi>", ""));
            Assert.Contains((await (await admin.GetAsync("/api/admin/payout-files")).Json(HttpStatusCode.OK)).EnumerateArray(),
                f => f.GetProperty("fileId").GetString() == lateFile && f.GetProperty("status").GetString() == "open");
            var withdrawnByPage = await browser.PostAsync("/admin/payments?handler=withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["fileId"] = lateFile, ["withdrawReason"] = "Perdu avant l'envoi.", ["confirmed"] = "true", ["__af"] = ReceiptTests.Antiforgery(page),
            }));
            // Redirected to the page (a reload repeats nothing), which says what happened.
            Assert.Equal(HttpStatusCode.Redirect, withdrawnByPage.StatusCode);
            var answer = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(
                await browser.GetStringAsync(withdrawnByPage.Headers.Location), "<bdi[^>]*>|</bdi>", ""));
            Assert.Contains($"Fichier {lateFile} retiré", answer);
            // The address alone claims nothing: a file still awaiting the bank is not said withdrawn.
            Assert.DoesNotContain("retiré :", System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/admin/payments?withdrawn={refiled}")));
            Assert.DoesNotContain($"file={lateFile}", answer);
        }

        // A file downloads again only as it was made: once the startup's RIB changed, it is refused (withdraw it; the
        // next file carries the payout after the 48 hours a new RIB waits).
        await Details(first.Founder, first.StartupId, "Web Atlas SARL", CihRib);
        var changed = await (await admin.SendAsync(XmlRequest($"/api/admin/payout-files/{refiled}"))).Problem(HttpStatusCode.Conflict);
        Assert.Contains("changed since it was made", changed.GetProperty("detail").GetString());
        // The bank executed a file and its statement paid one payout: the file can no longer be withdrawn (its payouts
        // would be paid twice) nor downloaded again; it is marked paid, and then cannot be withdrawn either.
        var (lateAgain, lateXml) = await Pain001Async(admin);
        Assert.Contains(late.Id(), Ids(lateXml));
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEngagementGrain>(second.NeedId) // as a statement's debit does
            .MarkPayoutPaidAsync(new Caller("admin", Roles.Admin), late.Id(), $"VIR-{lateAgain}", inBankFile: false, byStatement: true);
        var executed = await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{lateAgain}/withdraw", new { reason = "Perdu ?" })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("paid already", executed.GetProperty("detail").GetString());
        await (await admin.SendAsync(XmlRequest($"/api/admin/payout-files/{lateAgain}"))).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{lateAgain}/paid", new { bankReference = $"VIR-{lateAgain}" })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{lateAgain}/withdraw", new { reason = "Erreur." })).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{refiled}/withdraw", new { reason = "RIB changé." })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_payout_paid_by_hand_while_the_file_is_made_is_either_paid_or_in_the_file_never_both()
    {
        var payouts = new List<JsonElement>();
        foreach (var rib in new[] { AttijariRib, CihRib, AttijariRib })
        {
            var a = await Engagements.AwardedAsync(host);
            await Details(a.Founder, a.StartupId, "Web Atlas SARL", rib);
            payouts.Add(await ReleasedPayoutAsync(a, 0));
        }
        using var admin = host.Admin();
        var download = admin.SendAsync(XmlRequest("/api/admin/payouts?status=pending"));
        var byHand = payouts.Select(p => admin.PostAsJsonAsync($"/api/admin/payouts/{p.Id()}/paid", new { bankReference = $"GUICHET-{p.Id()}" })).ToList();
        var file = await download;
        var filed = file.StatusCode == HttpStatusCode.OK ? Ids(await file.Content.ReadAsStringAsync()) : [];
        for (var i = 0; i < payouts.Count; i++)
        {
            var paid = await byHand[i];
            Assert.True(paid.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, await paid.Content.ReadAsStringAsync());
            Assert.True(paid.IsSuccessStatusCode != filed.Contains(payouts[i].Id()), $"Payout {i}: paid by hand {paid.IsSuccessStatusCode}, in the file {filed.Contains(payouts[i].Id())}.");
        }
        if (file.StatusCode == HttpStatusCode.OK)
            await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{file.Headers.GetValues("X-Payout-File-Id").Single()}/withdraw", new { reason = "Test." })).Json(HttpStatusCode.OK);
    }

    private static HttpRequestMessage XmlRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/xml");
        return request;
    }

    private static IReadOnlyList<string> Ids(string xml) => [.. Validated(xml).Descendants(Pain + "EndToEndId").Select(PayoutOf)];

    /// <summary>The payout an end-to-end id names (<c>po-….pf-…</c>: the payout, then its file).</summary>
    private static string PayoutOf(System.Xml.Linq.XElement endToEnd) => endToEnd.Value.Split('.')[0];

    [Fact]
    public async Task A_startup_that_gives_the_smes_own_rib_after_its_payout_was_ordered_is_held_when_the_bank_file_is_made()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (pair, smeId) = await AwardedBetweenAsync($"sme-late-{run}@gmail.com", $"startup-late-{run}@gmail.com");
        var payout = await ReleasedPayoutAsync(pair, 0); // ordered while the startup has no RIB: nothing to compare yet
        Assert.Equal("awaiting-details", payout.GetProperty("status").GetString());
        await Details(pair.Sme, smeId, "Atlas Web", CihRib, "smes");
        await Details(pair.Founder, pair.StartupId, "Atlas Web", CihRib); // the SME's own account

        using var admin = host.Admin();
        Assert.DoesNotContain(payout.Id(), await FileIdsAsync(admin));
        var held = Assert.Single(await HeldAsync(admin), p => p.Id() == payout.Id());
        Assert.Equal(["related-party"], held.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "Le RIB de la PME elle-même." })).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_payout_held_after_its_file_was_made_is_paid_when_that_file_is_marked_paid()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (pair, smeId) = await AwardedBetweenAsync($"sme-file-{run}@gmail.com", $"startup-file-{run}@gmail.com");
        await Details(pair.Founder, pair.StartupId, "Atlas Web", CihRib);
        var payout = await ReleasedPayoutAsync(pair, 0);
        using var admin = host.Admin();
        var (file, _) = await Pain001Async(admin); // handed to the bank
        // Then the SME gives the startup's RIB as its own. The file is with the bank: the payout stays in it, in no other.
        await Details(pair.Sme, smeId, "Atlas Web", CihRib, "smes");
        Assert.Equal("in-bank-file", (await ListAsync(admin)).Single(p => p.Id() == payout.Id()).GetProperty("status").GetString());
        // Held all the same (as a reversed credit holds a milestone's payouts; here the related-party check a file makes)...
        var held = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEngagementGrain>(pair.NeedId).RecheckHoldsAsync(payout.Id());
        Assert.Equal(PayoutStatus.Held, held.Status);
        // Not declined while its file awaits the bank: the bank may pay it with the file all the same.
        var decline = await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "Parties liées." })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("withdraw the file", decline.GetProperty("detail").GetString());
        // ...the bank executed the file: marking it paid records the payment, not a hold.
        var paid = await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{file}/paid", new { bankReference = $"VIR-{run}" })).Json(HttpStatusCode.OK);
        Assert.True(paid.GetProperty("paidNow").GetInt32() >= 1);
        var listed = (await Engagements.EngagementAsync(host, pair.NeedId)).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
        Assert.Equal(("paid", $"VIR-{run}"), (listed.GetProperty("status").GetString(), listed.GetProperty("bankReference").GetString()));
        Assert.DoesNotContain(await HeldAsync(admin), p => p.Id() == payout.Id());
    }

    [Fact]
    public async Task A_payout_between_accounts_signed_up_from_one_public_network_is_held_for_same_sign_up_network()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        // Two webmail addresses and two RIBs: nothing relates them but the network (one /24) they signed up from.
        var (sameNetwork, _) = await AwardedBetweenAsync($"sme-{run}@gmail.com", $"startup-{run}@gmail.com", "203.0.113.7", "203.0.113.201");
        await Details(sameNetwork.Founder, sameNetwork.StartupId, "Atlas Web", AttijariRib);
        var held = await ReleasedPayoutAsync(sameNetwork, 0);
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Equal([PayoutHolds.SameNetwork], held.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
        using var admin = host.Admin();
        Assert.Contains(await HeldAsync(admin), p => p.Id() == held.Id());
        // The parties read that the payout is held, never why: the reason is about the other party's network.
        foreach (var party in new[] { sameNetwork.Founder, sameNetwork.Sme })
        {
            var seen = (await (await party.Client.GetAsync($"/api/needs/{sameNetwork.NeedId}/engagement")).Json(HttpStatusCode.OK))
                .GetProperty("payouts").EnumerateArray().Single(p => p.Id() == held.Id());
            Assert.Equal("held", seen.GetProperty("status").GetString());
            Assert.Empty(seen.GetProperty("holdReasons").EnumerateArray());
        }
        // Held, and no RIB given yet: the startup's page says both, the check and the RIB the transfer waits for.
        var (noRib, _) = await AwardedBetweenAsync($"sme-norib-{run}@gmail.com", $"startup-norib-{run}@gmail.com", "203.0.113.9", "203.0.113.99");
        await Engagements.ConfirmAsync(host, await noRib.FundAsync(0));
        await noRib.DeliverAsync(0);
        await noRib.ApproveAsync(0);
        await Engagements.UntilAsync(host, noRib.NeedId, e => e.GetProperty("payouts").EnumerateArray().Any(p => p.GetProperty("status").GetString() == "held"));
        using (var pages = await ReceiptTests.PagesAsync(host, noRib.Founder))
        {
            var page = System.Net.WebUtility.HtmlDecode(await pages.GetStringAsync($"/engagements/{noRib.NeedId}"));
            Assert.Contains("un administrateur le vérifie avant qu'il parte", page);
            Assert.Contains("dès que vous aurez indiqué le RIB de votre startup", page);
        }

        // The account keeps a keyed hash of the network, not the address: the export shows it; loopback and private
        // networks (every test account without an address) are not recorded.
        var export = await (await sameNetwork.Founder.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK);
        var network = export.GetProperty("account").GetProperty("signUpNetwork").GetString();
        Assert.False(string.IsNullOrEmpty(network));
        Assert.DoesNotContain("203.0.113", network);
        var local = await host.SignUpAsync("sme", clientAddress: "192.168.1.20");
        var localExport = await (await local.Client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, localExport.GetProperty("account").GetProperty("signUpNetwork").ValueKind);

        // Another /24 is another network: not held.
        var (apart, _) = await AwardedBetweenAsync($"sme-b-{run}@gmail.com", $"startup-b-{run}@gmail.com", "203.0.113.7", "198.51.100.7");
        await Details(apart.Founder, apart.StartupId, "Atlas Web", CihRib);
        var notHeld = await ReleasedPayoutAsync(apart, 0);
        Assert.Empty(notHeld.GetProperty("holdReasons").EnumerateArray());
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{held.Id()}/decline", new { reason = "Même réseau, même personne." })).Json(HttpStatusCode.OK);
    }

    private static async Task<List<JsonElement>> HeldAsync(HttpClient admin) =>
        [.. (await (await admin.GetAsync("/api/admin/payouts?status=held")).Json(HttpStatusCode.OK)).EnumerateArray()];

    [Fact]
    public async Task The_payout_queue_holds_more_orders_than_its_old_ceiling_and_lists_them_all()
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var day = new DateTimeOffset(2020, 1, 2, 9, 0, 0, TimeSpan.Zero); // a day of its own: other tests' orders are today
        var orders = Enumerable.Range(0, 1_500).Select(i => new PayoutOrder($"po-load-{i:0000}", "need-load", 0, MoveKind.Release, "startup", "startup-load",
            "Charge", 1_000 + i, "MAD", PayoutStatus.Pending, day.AddSeconds(i), null, null)).ToList();
        foreach (var batch in orders.Chunk(100)) await Task.WhenAll(batch.Select(o => PayoutQueue.PutAsync(grains, o)));
        var listed = (await PayoutQueue.ListAsync(grains)).Where(o => o.NeedId == "need-load").ToList();
        Assert.Equal(1_500, listed.Count);
        Assert.Equal(orders.Select(o => o.Id), listed.Select(o => o.Id)); // oldest first
        foreach (var batch in orders.Chunk(100)) await Task.WhenAll(batch.Select(o => PayoutQueue.RemoveAsync(grains, o)));
        Assert.DoesNotContain(await PayoutQueue.ListAsync(grains), o => o.NeedId == "need-load");
        Assert.DoesNotContain(await grains.GetGrain<IPayoutQueueGrain>(IPayoutQueueGrain.Key).ShardsAsync(), s => s.StartsWith("20200102-"));
    }

    private async Task Details(Person owner, string profileId, string holder, string rib, string kind = "startups") =>
        await (await owner.Client.PutAsJsonAsync($"/api/{kind}/{profileId}/payout-details", new { holder, rib })).Json(HttpStatusCode.OK);

    /// <summary>Funds, delivers and approves the milestone; returns its release payout as the admin's list shows it.</summary>
    private async Task<JsonElement> ReleasedPayoutAsync(Awarded a, int index)
    {
        var funding = await a.FundAsync(index);
        await Engagements.ConfirmAsync(host, funding);
        await a.DeliverAsync(index);
        await a.ApproveAsync(index);
        var engagement = await Engagements.UntilAsync(host, a.NeedId, e => e.GetProperty("payouts").GetArrayLength() > 0);
        var id = engagement.GetProperty("payouts").EnumerateArray().Single(p => p.GetProperty("index").GetInt32() == index).Id();
        using var admin = host.Admin();
        JsonElement listed = default;
        await Engagements.EventuallyAsync(async () => (await ListAsync(admin)).FirstOrDefault(p => p.Id() == id) is { ValueKind: JsonValueKind.Object } found && (listed = found).ValueKind != default,
            "the payout listed");
        return listed;
    }

    /// <summary>A need of an SME signed up as <paramref name="smeEmail"/> awarded to a startup signed up as <paramref name="startupEmail"/>.</summary>
    private async Task<(Awarded Awarded, string SmeId)> AwardedBetweenAsync(string smeEmail, string startupEmail,
        string? smeAddress = null, string? startupAddress = null)
    {
        var sme = await host.SignUpAsync("sme", email: smeEmail, clientAddress: smeAddress);
        var smeId = await sme.Client.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var founder = await host.SignUpAsync("startup", email: startupEmail, clientAddress: startupAddress);
        var startupId = await founder.Client.CreateAsync("/api/startups", Api.Startup("Huilerie Digital"));
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId);
        return (new Awarded(sme, needId, founder, startupId), smeId);
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin) =>
        [.. (await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK)).EnumerateArray()];

    private static async Task<(string FileId, string Xml)> Pain001Async(HttpClient admin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        request.Headers.Accept.ParseAdd("application/xml");
        var response = await admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        return (response.Headers.GetValues("X-Payout-File-Id").Single(), body);
    }

    private static string? FileOf(JsonElement payout) =>
        payout.TryGetProperty("fileId", out var file) && file.ValueKind == JsonValueKind.String ? file.GetString() : null;

    /// <summary>The payout ids bank files carry: those of the files awaiting the bank, and the next file's (withdrawn at
    /// once: a test hands it to no bank, and the next test's file must carry its payouts).</summary>
    private static async Task<IReadOnlyList<string>> FileIdsAsync(HttpClient admin)
    {
        var filed = (await ListAsync(admin)).Where(p => FileOf(p) is not null).Select(p => p.Id()).ToList();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        request.Headers.Accept.ParseAdd("application/xml");
        var response = await admin.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Conflict) return filed;
        var xml = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, xml);
        var fileId = response.Headers.GetValues("X-Payout-File-Id").Single();
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Lu par un test." })).Json(HttpStatusCode.OK);
        return [.. filed, .. Validated(xml).Descendants(Pain + "EndToEndId").Select(PayoutOf)];
    }

    /// <summary>The file, validated against the official ISO 20022 schema shipped with the tests (SWIFTStandards Workstation, 2009).</summary>
    private static XDocument Validated(string xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(Pain001.Namespace, Path.Combine(RepoPaths.Root, "tests", "Jazari.Marketplace.Web.Tests", "Payments", "pain.001.001.03.xsd"));
        var document = XDocument.Parse(xml);
        var problems = new List<string>();
        document.Validate(schemas, (_, e) => problems.Add($"{e.Severity}: {e.Message}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return document;
    }
}
