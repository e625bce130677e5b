using System.Text.RegularExpressions;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>
/// Statement reconciliation over HTTP: an admin uploads the bank's camt.053 statement or CSV export; credits quoting an
/// awaited transfer's reference (however loosely typed) with the SME's exact share confirm their milestone once; debits
/// naming a payout of our pain.001 file with its exact amount mark it paid once (a week of business without a typed
/// reference); the others are listed; the same statement again moves nothing; hostile XML, and a statement of another account
/// than the platform's, are refused.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class ReconciliationTests(MarketplaceHost host)
{
    [Fact]
    public async Task A_camt053_statement_confirms_exact_and_loosely_typed_references_lists_the_rest_and_confirms_nothing_the_second_time()
    {
        var (exact, exactFunding) = await AwaitedAsync();
        var (loose, looseFunding) = await AwaitedAsync();
        var (short_, shortFunding) = await AwaitedAsync();
        var account = PlatformIban;
        var statementId = "STMT-" + Guid.NewGuid().ToString("N")[..10];
        var xml = Camt053(account, statementId,
            Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(exactFunding)),
            Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], $"VIR SARL ATLAS {Loosely(Reference(looseFunding))} FACT 12"),
            Entry(1_000_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(shortFunding)),
            Entry(42_00, "BOA-" + Guid.NewGuid().ToString("N")[..8], "REMBOURSEMENT FRAIS"),
            Entry(9_99, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(exactFunding), debit: true));
        using var admin = host.Admin();

        var result = await PostAsync(admin, xml, "application/xml");
        Assert.False(result.GetProperty("repeated").GetBoolean());
        Assert.Equal(new[] { Payment(exactFunding), Payment(looseFunding) }.Order(),
            result.GetProperty("matched").EnumerateArray().Select(m => m.GetProperty("paymentId").GetString()).Order());
        Assert.All(result.GetProperty("matched").EnumerateArray(), m => Assert.Equal(1_500_000, m.GetProperty("amountMinor").GetInt64()));
        var unmatched = result.GetProperty("unmatched").EnumerateArray().ToDictionary(u => u.GetProperty("amountMinor").GetInt64(), u => u.GetProperty("reason").GetString());
        // A debit quoting a payment's reference is money out, not that payment: listed, never a confirmation.
        Assert.Equal(new Dictionary<long, string?> { [1_000_000] = "partial", [42_00] = "unknown-reference", [9_99] = "unknown-debit" }, unmatched);
        Assert.Equal("debit", result.GetProperty("unmatched").EnumerateArray().Single(u => u.GetProperty("amountMinor").GetInt64() == 9_99).GetProperty("direction").GetString());
        Assert.Empty(result.GetProperty("paidOut").EnumerateArray());

        Assert.Equal("funded", (await exact.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("funded", (await loose.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("awaiting-funding", (await short_.EngagementAsync()).Milestone(0).Status()); // a wrong amount confirms nothing
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, exact.NeedId))["escrow"]);

        var again = await PostAsync(admin, xml, "application/xml");
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Equal(result.GetProperty("statementId").GetString(), again.GetProperty("statementId").GetString());
        Assert.Empty(again.GetProperty("matched").EnumerateArray());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, exact.NeedId))["escrow"]); // funded once

        // The next day's statement repeats yesterday's entry (same bank reference) next to a new one: only the new one counts.
        var (next, nextFunding) = await AwaitedAsync();
        var repeatedEntry = Entry(1_500_000, ReferenceOf(xml, 0), Reference(exactFunding));
        var overlap = await PostAsync(admin, Camt053(account, statementId + "-2", repeatedEntry,
            Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(nextFunding).ToLowerInvariant())), "application/xml");
        Assert.Equal(1, overlap.GetProperty("seenBefore").GetInt32());
        Assert.Equal(Payment(nextFunding), Assert.Single(overlap.GetProperty("matched").EnumerateArray()).GetProperty("paymentId").GetString());
        Assert.Empty(overlap.GetProperty("unmatched").EnumerateArray());
        Assert.Equal("funded", (await next.EngagementAsync()).Milestone(0).Status());

        var audit = await (await admin.GetAsync("/api/admin/audit?action=bank-statement-reconciled")).Json(HttpStatusCode.OK);
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == result.GetProperty("statementId").GetString());
    }

    [Fact]
    public async Task A_csv_export_read_through_the_banks_saved_mapping_confirms_and_lists_and_the_same_file_again_confirms_nothing()
    {
        using var admin = host.Admin();
        var mapping = new { delimiter = ";", decimalMark = ",", creditColumn = "Crédit", labelColumns = new[] { "Libellé", "Motif" }, bankReferenceColumn = "Référence" };
        var saved = await (await admin.PutAsJsonAsync("/api/admin/bank-statement-mappings/attijari", mapping)).Json(HttpStatusCode.OK);
        Assert.Equal(";", saved.GetProperty("delimiter").GetString());
        Assert.Contains((await (await admin.GetAsync("/api/admin/bank-statement-mappings")).Json(HttpStatusCode.OK)).EnumerateArray(),
            m => m.GetProperty("name").GetString() == "attijari");
        await (await admin.PutAsJsonAsync("/api/admin/bank-statement-mappings/attijari", new { delimiter = ";", labelColumns = new[] { "Libellé" } }))
            .Problem(HttpStatusCode.BadRequest); // neither a credit nor an amount column
        foreach (var empty in new object[] { new { delimiter = "", creditColumn = "Crédit", labelColumns = new[] { "Libellé" } },
                     new { decimalMark = "", creditColumn = "Crédit", labelColumns = new[] { "Libellé" } } })
            Assert.Contains((await (await admin.PutAsJsonAsync("/api/admin/bank-statement-mappings/vide", empty)).Problem(HttpStatusCode.BadRequest))
                .GetProperty("errors").EnumerateObject(), e => e.Name is "delimiter" or "decimalMark");

        var (exact, exactFunding) = await AwaitedAsync();
        var (loose, looseFunding) = await AwaitedAsync();
        var (excess, excessFunding) = await AwaitedAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = "Date;Libellé;Motif;Débit;Crédit;Référence\r\n"
            + $"01/12/2026;VIR RECU SARL ATLAS;{Reference(exactFunding)};;15 000,00;A-{tag}\r\n"
            // A bank's odd characters (a non-character, a bidi override) are dropped from the line, not the whole file refused.
            + $"01/12/2026;\"VIR RECU ; STE NOUR\u202E\";Reglement {Loosely(Reference(looseFunding))};;15.000,00;B-{tag}\uFFFE\r\n"
            + $"02/12/2026;VIR RECU;{Reference(excessFunding)};;16 000,00;C-{tag}\r\n"
            + $"02/12/2026;FRAIS TENUE COMPTE;;120,00;;D-{tag}\r\n";

        await (await admin.PostAsync("/api/admin/bank-statements?mapping=unknown-bank", new StringContent(csv, Encoding.UTF8, "text/csv"))).Problem(HttpStatusCode.BadRequest);
        var result = await PostAsync(admin, csv, "text/csv", "?mapping=attijari");
        Assert.Equal(new[] { Payment(exactFunding), Payment(looseFunding) }.Order(),
            result.GetProperty("matched").EnumerateArray().Select(m => m.GetProperty("paymentId").GetString()).Order());
        Assert.Contains(result.GetProperty("matched").EnumerateArray(), m => m.GetProperty("bankReference").GetString() == $"B-{tag}");
        var listed = Assert.Single(result.GetProperty("unmatched").EnumerateArray());
        Assert.Equal("excess", listed.GetProperty("reason").GetString());
        Assert.Equal(1_600_000, listed.GetProperty("amountMinor").GetInt64());
        Assert.Equal(Payment(excessFunding), listed.GetProperty("paymentId").GetString());
        Assert.Equal("funded", (await exact.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("funded", (await loose.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("awaiting-funding", (await excess.EngagementAsync()).Milestone(0).Status());

        var again = await PostAsync(admin, csv, "text/csv", "?mapping=attijari");
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Empty(again.GetProperty("matched").EnumerateArray());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, loose.NeedId))["escrow"]);
    }

    [Fact]
    public async Task A_statement_and_an_admins_manual_confirmation_at_the_same_time_fund_the_milestone_once()
    {
        using var admin = host.Admin();
        for (var round = 0; round < 3; round++)
        {
            var (a, funding) = await AwaitedAsync();
            var xml = Camt053(PlatformIban, "STMT-" + Guid.NewGuid().ToString("N")[..10],
                Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(funding)));
            using var manualClient = host.Admin();
            var manual = manualClient.PostAsJsonAsync($"/api/admin/payments/{Reference(funding)}/confirm", new { amountMinor = 1_500_000L, bankReference = "GUICHET-1" });
            var upload = admin.PostAsync("/api/admin/bank-statements", new StringContent(xml, Encoding.UTF8, "application/xml"));
            await Task.WhenAll(manual, upload);
            var byHand = (await manual).StatusCode;
            var statement = await (await upload).Json(HttpStatusCode.OK);
            var matched = statement.GetProperty("matched").GetArrayLength();
            Assert.True(byHand is HttpStatusCode.OK or HttpStatusCode.Conflict, $"manual confirmation answered {byHand}");
            Assert.Equal(1, matched + (byHand == HttpStatusCode.OK ? 1 : 0)); // one of them confirmed it, the other was told
            if (matched == 0) Assert.Equal("already-funded", Assert.Single(statement.GetProperty("unmatched").EnumerateArray()).GetProperty("reason").GetString());
            var ledger = await (await admin.GetAsync($"/api/needs/{a.NeedId}/ledger")).Json(HttpStatusCode.OK);
            Assert.Single(ledger.GetProperty("entries").EnumerateArray(), e => e.GetProperty("operationId").GetString()!.EndsWith(":m0:fund"));
            Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, a.NeedId))["escrow"]);
        }
    }

    [Fact]
    public async Task The_same_statement_uploaded_several_times_at_once_is_reconciled_and_audited_once()
    {
        using var admin = host.Admin();
        var (a, funding) = await AwaitedAsync();
        var id = "STMT-" + Guid.NewGuid().ToString("N")[..10];
        var xml = Camt053(PlatformIban, id, Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], Reference(funding)));
        var clients = Enumerable.Range(0, 4).Select(_ => host.Admin()).ToList();
        var answers = await Task.WhenAll(clients.Select(async c =>
            await (await c.PostAsync("/api/admin/bank-statements", new StringContent(xml, Encoding.UTF8, "application/xml"))).Json(HttpStatusCode.OK)));
        clients.ForEach(c => c.Dispose());
        Assert.Single(answers, s => !s.GetProperty("repeated").GetBoolean());
        Assert.All(answers, s => Assert.Equal(answers[0].GetProperty("statementId").GetString(), s.GetProperty("statementId").GetString()));
        var audit = await (await admin.GetAsync("/api/admin/audit?action=bank-statement-reconciled")).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == answers[0].GetProperty("statementId").GetString());
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, a.NeedId))["escrow"]);
    }

    [Fact]
    public async Task Hostile_or_foreign_xml_is_refused_with_400_and_changes_nothing()
    {
        using var admin = host.Admin();
        var (a, funding) = await AwaitedAsync();
        var laughs = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>"""
            + """<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>""";
        var external = """<?xml version="1.0"?><!DOCTYPE d [<!ENTITY ref SYSTEM "file:///etc/passwd">]>"""
            + Camt053("MA64", "X", Entry(1_500_000, "BOA-X", "&ref; " + Reference(funding))).Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
        var deep = string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000)); // took 29 s to refuse
        foreach (var hostile in new[] { laughs, external, "<Document><not-closed>", "<Document xmlns=\"urn:other\"/>", deep })
            await (await admin.PostAsync("/api/admin/bank-statements", new StringContent(hostile, Encoding.UTF8, "application/xml"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PostAsync("/api/admin/bank-statements", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        var huge = new StringContent(new string(' ', 5 * 1024 * 1024), Encoding.UTF8, "application/xml");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync("/api/admin/bank-statements", huge)).StatusCode);
        // A statement of another account than the platform's (here a startup's) funds nothing, though its credit names the payment.
        var foreign = Camt053(Grains.Payments.Rib.Iban(Grains.Payments.Rib.Normalise(AttijariRib)!), "Z", Entry(1_500_000, "BOA-Z", Reference(funding)));
        var refused = await (await admin.PostAsync("/api/admin/bank-statements", new StringContent(foreign, Encoding.UTF8, "application/xml"))).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("not of the platform's account", refused.GetProperty("errors").GetProperty("statement")[0].GetString());
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());
        // One that names no account at all is not taken for the platform's either.
        var nameless = Regex.Replace(Camt053("MA64", "N", Entry(1_500_000, "BOA-N", Reference(funding))), "<Acct>.*?</Acct>", "");
        var unnamed = await (await admin.PostAsync("/api/admin/bank-statements", new StringContent(nameless, Encoding.UTF8, "application/xml"))).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("names no account", unnamed.GetProperty("errors").GetProperty("statement")[0].GetString());
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());

        Assert.Equal(HttpStatusCode.Forbidden, (await a.Sme.Client.PostAsync("/api/admin/bank-statements",
            new StringContent(Camt053("MA64", "Y", Entry(1_500_000, "BOA-Y", Reference(funding))), Encoding.UTF8, "application/xml"))).StatusCode);
    }

    [Fact]
    public async Task An_admin_uploads_a_statement_on_the_page_and_sees_what_it_confirmed_and_what_is_left_to_decide()
    {
        var (a, funding) = await AwaitedAsync();
        using var browser = await ReceiptTests.AdminPagesAsync(host);
        // A bank's CSV columns saved first: the page comes back by a redirect, and its upload form posts to the upload
        // (it once posted to the mapping's save, which refused the statement as a mapping).
        var bank = "bank" + Guid.NewGuid().ToString("N")[..6];
        var mapped = await browser.PostAsync("/admin/bank-statements?handler=mapping", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = ReceiptTests.Antiforgery(await browser.GetStringAsync("/admin/bank-statements")), ["Mapping.Name"] = bank,
            ["Mapping.Delimiter"] = ";", ["Mapping.DecimalMark"] = ",", ["Mapping.CreditColumn"] = "Credit", ["Mapping.LabelColumns"] = "Libelle",
        }));
        Assert.Equal(HttpStatusCode.Redirect, mapped.StatusCode);
        var page = await browser.GetStringAsync(mapped.Headers.Location!.OriginalString);
        Assert.Contains(bank, page);
        Assert.Contains("action=\"/admin/bank-statements\"", System.Text.RegularExpressions.Regex.Match(page, "<form[^>]*multipart/form-data[^>]*>").Value);
        var xml = Camt053(PlatformIban, "STMT-" + Guid.NewGuid().ToString("N")[..10],
            Entry(1_500_000, "BOA-" + Guid.NewGuid().ToString("N")[..8], "Virement " + Loosely(Reference(funding))),
            Entry(77_00, "BOA-" + Guid.NewGuid().ToString("N")[..8], "INCONNU"));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(ReceiptTests.Antiforgery(page)), "__af" },
            { new StringContent("camt.053"), "format" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(xml)) { Headers = { ContentType = new("application/xml") } }, "file", "releve.xml" },
        };
        var uploaded = await browser.PostAsync("/admin/bank-statements", form);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        Assert.StartsWith("/admin/bank-statements?id=stm-", uploaded.Headers.Location!.OriginalString);
        var result = await browser.GetStringAsync(uploaded.Headers.Location.OriginalString);
        Assert.Contains(Reference(funding), result);
        Assert.Contains("INCONNU", result);
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());

        using var again = new MultipartFormDataContent
        {
            { new StringContent(ReceiptTests.Antiforgery(result)), "__af" },
            { new StringContent("camt.053"), "format" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(xml)) { Headers = { ContentType = new("application/xml") } }, "file", "releve.xml" },
        };
        Assert.EndsWith("&repeated=true", (await browser.PostAsync("/admin/bank-statements", again)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_week_of_bank_transfers_runs_without_a_typed_reference_every_milestone_funded_and_every_payout_paid_once()
    {
        using var admin = host.Admin();
        var week = Guid.NewGuid().ToString("N")[..8];
        string Bank() => "BOA-" + Guid.NewGuid().ToString("N")[..10];

        // Monday: two SMEs fund their first milestone by bank transfer; the startups have given their RIBs.
        var atlas = await Engagements.AwardedAsync(host, priceMad: 30000);
        var nour = await Engagements.AwardedAsync(host, priceMad: 24000);
        await DetailsAsync(atlas, "Web Atlas SARL", AttijariRib);
        await DetailsAsync(nour, "Nour Digital SARL", CihRib);
        var atlas0 = await atlas.FundAsync(0);
        var nour0 = await nour.FundAsync(0);

        // Tuesday: statement 1 brings both transfers (one typed loosely) and the bank's fee.
        var first = await PostAsync(admin, Camt053(PlatformIban, $"WEEK-{week}-1",
            Entry(Amount(atlas0), Bank(), Reference(atlas0)),
            Entry(Amount(nour0), Bank(), $"VIR STE NOUR {Loosely(Reference(nour0))}"),
            Entry(35_00, Bank(), "FRAIS TENUE DE COMPTE", debit: true)), "application/xml");
        Assert.Equal(new[] { Payment(atlas0), Payment(nour0) }.Order(), first.GetProperty("matched").EnumerateArray().Select(m => m.GetProperty("paymentId").GetString()).Order());
        Assert.Empty(first.GetProperty("paidOut").EnumerateArray());
        var fee = Assert.Single(first.GetProperty("unmatched").EnumerateArray());
        Assert.Equal(("unknown-debit", "debit", 35_00L), (fee.GetProperty("reason").GetString(), fee.GetProperty("direction").GetString(), fee.GetProperty("amountMinor").GetInt64()));
        Assert.Equal("funded", (await atlas.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("funded", (await nour.EngagementAsync()).Milestone(0).Status());

        // Wednesday: both deliveries approved; their payouts are ready. The admin downloads the bank file.
        var atlasPayout = await PayoutAsync(atlas, 0);
        var nourPayout = await PayoutAsync(nour, 0);
        var (fileId, transactions) = await Pain001Async(admin);
        Assert.Contains(transactions, t => t.PayoutId == atlasPayout.Id() && t.AmountMinor == atlasPayout.GetProperty("amountMinor").GetInt64());
        Assert.Contains(transactions, t => t.PayoutId == nourPayout.Id() && t.AmountMinor == nourPayout.GetProperty("amountMinor").GetInt64());
        Assert.StartsWith("pf-", fileId);

        // Thursday: the SMEs fund their second milestone. Friday: statement 2 holds the bank's debits of the file (the
        // bank echoes each end-to-end id, or drops it and keeps the JAZARI reference) and the new transfers.
        var atlas1 = await atlas.FundAsync(1);
        var nour1 = await nour.FundAsync(1);
        var debits = transactions.ToDictionary(t => t.PayoutId, _ => Bank());
        var second = Camt053(PlatformIban, $"WEEK-{week}-2", [
            .. transactions.Select(t => t.PayoutId == atlasPayout.Id()
                ? Entry(t.AmountMinor, debits[t.PayoutId], $"VIR EMIS {t.Reference}", debit: true)
                : Entry(t.AmountMinor, debits[t.PayoutId], "VIR EMIS SEPA", debit: true, endToEndId: t.EndToEndId)),
            Entry(Amount(atlas1), Bank(), $"VIREMENT {Reference(atlas1)}"),
            Entry(Amount(nour1), Bank(), Reference(nour1).ToLowerInvariant())]);
        var paid = await PostAsync(admin, second, "application/xml");
        Assert.Equal(new[] { Payment(atlas1), Payment(nour1) }.Order(), paid.GetProperty("matched").EnumerateArray().Select(m => m.GetProperty("paymentId").GetString()).Order());
        var paidOut = paid.GetProperty("paidOut").EnumerateArray().ToDictionary(p => p.GetProperty("payoutId").GetString()!);
        Assert.Equal(transactions.Select(t => t.PayoutId).Order(), paidOut.Keys.Order()); // every payout of the file
        foreach (var t in transactions)
        {
            Assert.Equal(t.AmountMinor, paidOut[t.PayoutId].GetProperty("amountMinor").GetInt64());
            Assert.Equal(debits[t.PayoutId], paidOut[t.PayoutId].GetProperty("bankReference").GetString());
        }
        Assert.Empty(paid.GetProperty("unmatched").EnumerateArray());

        // Every milestone funded once, every payout paid once with its debit's bank reference, off the list of payouts to make.
        foreach (var (a, payout) in new[] { (atlas, atlasPayout), (nour, nourPayout) })
        {
            var engagement = await a.EngagementAsync();
            Assert.Equal("released", engagement.Milestone(0).Status());
            Assert.Equal("funded", engagement.Milestone(1).Status());
            var inEngagement = engagement.GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
            Assert.Equal(("paid", debits[payout.Id()]), (inEngagement.GetProperty("status").GetString(), inEngagement.GetProperty("bankReference").GetString()));
            var ledger = await (await admin.GetAsync($"/api/needs/{a.NeedId}/ledger")).Json(HttpStatusCode.OK);
            var operations = ledger.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("operationId").GetString()!).ToList();
            Assert.Single(operations, o => o.EndsWith(":m0:fund"));
            Assert.Single(operations, o => o.EndsWith(":m1:fund"));
            Assert.Single(operations, o => o.EndsWith(":m0:release"));
            var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
            Assert.Equal(Amount(a == atlas ? atlas1 : nour1), balances["escrow"]); // the second milestone's money, waiting
        }
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-paid")).Json(HttpStatusCode.OK);
        foreach (var t in transactions) Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == t.PayoutId);
        var waiting = await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(waiting.EnumerateArray(), p => debits.ContainsKey(p.Id()));

        // Statement 2 uploaded again moves nothing.
        var again = await PostAsync(admin, second, "application/xml");
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Empty(again.GetProperty("matched").EnumerateArray());
        Assert.Empty(again.GetProperty("paidOut").EnumerateArray());
        Assert.Equal(Amount(nour1), (await Engagements.AssertLedgerAsync(host, nour.NeedId))["escrow"]);

        // The result page shows the payouts paid, each with its bank reference.
        using (var browser = await ReceiptTests.AdminPagesAsync(host))
        {
            var page = await browser.GetStringAsync($"/admin/bank-statements?id={paid.GetProperty("statementId").GetString()}");
            Assert.Contains($"/receipts/{atlasPayout.Id()}", page);
            Assert.Contains(debits[nourPayout.Id()], page);
        }

        // Next week: the second delivery is approved; statement 3 overlaps statement 2 (one of its debits again), brings
        // a debit of the new payout with a wrong amount, and a second debit of a payout already paid: listed, nothing moves.
        var atlasNext = await PayoutAsync(atlas, 1);
        var nourDebit = transactions.Single(t => t.PayoutId == nourPayout.Id());
        var third = await PostAsync(admin, Camt053(PlatformIban, $"WEEK-{week}-3",
            Entry(nourDebit.AmountMinor, debits[nourDebit.PayoutId], "VIR EMIS SEPA", debit: true, endToEndId: nourDebit.EndToEndId),
            Entry(atlasNext.GetProperty("amountMinor").GetInt64() - 100_00, Bank(), $"VIR EMIS JAZARI {atlasNext.Id().ToUpperInvariant()}", debit: true),
            Entry(nourDebit.AmountMinor, Bank(), nourDebit.Reference, debit: true)), "application/xml");
        Assert.Equal(1, third.GetProperty("seenBefore").GetInt32());
        Assert.Empty(third.GetProperty("paidOut").EnumerateArray());
        var listed = third.GetProperty("unmatched").EnumerateArray().ToDictionary(u => u.GetProperty("payoutId").GetString()!, u => u.GetProperty("reason").GetString());
        Assert.Equal(new Dictionary<string, string?> { [atlasNext.Id()] = "payout-amount", [nourPayout.Id()] = "payout-paid" }, listed);
        var atlasAfter = (await atlas.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == atlasNext.Id());
        Assert.Equal("pending", atlasAfter.GetProperty("status").GetString());
        var nourAfter = (await nour.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == nourPayout.Id());
        Assert.Equal(debits[nourPayout.Id()], nourAfter.GetProperty("bankReference").GetString());
    }

    [Fact]
    public async Task A_csv_export_with_signed_amounts_marks_the_payouts_its_debits_name_paid_once_even_against_a_manual_mark_paid()
    {
        using var admin = host.Admin();
        await (await admin.PutAsJsonAsync("/api/admin/bank-statement-mappings/bmce-signe", new
        {
            delimiter = ";", decimalMark = ",", amountColumn = "Montant", labelColumns = new[] { "Libellé" }, bankReferenceColumn = "Référence",
        })).Json(HttpStatusCode.OK);
        var atlas = await Engagements.AwardedAsync(host);
        var nour = await Engagements.AwardedAsync(host);
        await DetailsAsync(atlas, "Web Atlas SARL", AttijariRib);
        await DetailsAsync(nour, "Nour Digital SARL", CihRib);
        foreach (var a in new[] { atlas, nour }) await Engagements.ConfirmAsync(host, await a.FundAsync(0));
        var byColumn = await PayoutAsync(atlas, 0); // the bank's export puts our reference in its reference column
        var byLabel = await PayoutAsync(nour, 0);  // ...or in the label, with its own reference beside
        var tag = Guid.NewGuid().ToString("N")[..8];
        static string Mad(long minor) => $"{minor / 100},{minor % 100:00}"; // the export's decimal comma
        var csv = "Date;Libellé;Montant;Référence\r\n"
            + $"05/12/2026;VIR EMIS WEB ATLAS SARL;-{Mad(byColumn.GetProperty("amountMinor").GetInt64())};{byColumn.Id().ToUpperInvariant()}\r\n"
            + $"05/12/2026;VIR EMIS JAZARI {byLabel.Id().ToUpperInvariant()};-{Mad(byLabel.GetProperty("amountMinor").GetInt64() + 1)};E-{tag}\r\n"
            + $"05/12/2026;VIR EMIS JAZARI {byLabel.Id().ToUpperInvariant()};-{Mad(byLabel.GetProperty("amountMinor").GetInt64())};F-{tag}\r\n"
            + $"05/12/2026;COMMISSION VIREMENTS;-12,50;G-{tag}\r\n";

        // A manual mark-paid of the first payout races the upload: it is paid once, by whichever came first.
        using var manualClient = host.Admin();
        var manual = manualClient.PostAsJsonAsync($"/api/admin/payouts/{byColumn.Id()}/paid", new { bankReference = "GUICHET-" + tag });
        var upload = admin.PostAsync("/api/admin/bank-statements?mapping=bmce-signe", new StringContent(csv, Encoding.UTF8, "text/csv"));
        await Task.WhenAll(manual, upload);
        var byHand = (await manual).StatusCode;
        Assert.True(byHand is HttpStatusCode.OK or HttpStatusCode.Conflict, $"manual mark-paid answered {byHand}");
        var result = await (await upload).Json(HttpStatusCode.OK);
        var paidOut = result.GetProperty("paidOut").EnumerateArray().ToDictionary(p => p.GetProperty("payoutId").GetString()!, p => p.GetProperty("bankReference").GetString());
        Assert.Equal($"F-{tag}", paidOut[byLabel.Id()]);
        var unmatched = result.GetProperty("unmatched").EnumerateArray().ToList();
        Assert.All(unmatched, u => Assert.Equal("debit", u.GetProperty("direction").GetString()));
        Assert.Contains(unmatched, u => u.GetProperty("reason").GetString() == "payout-amount" && u.GetProperty("payoutId").GetString() == byLabel.Id());
        Assert.Contains(unmatched, u => u.GetProperty("reason").GetString() == "unknown-debit" && u.GetProperty("amountMinor").GetInt64() == 12_50);
        var columnPaid = (await atlas.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == byColumn.Id());
        Assert.Equal("paid", columnPaid.GetProperty("status").GetString());
        if (byHand == HttpStatusCode.OK)
        {
            Assert.Equal("GUICHET-" + tag, columnPaid.GetProperty("bankReference").GetString());
            Assert.DoesNotContain(byColumn.Id(), paidOut.Keys);
            Assert.Contains(unmatched, u => u.GetProperty("reason").GetString() == "payout-paid" && u.GetProperty("payoutId").GetString() == byColumn.Id());
        }
        else
        {
            Assert.Equal(byColumn.Id().ToUpperInvariant(), paidOut[byColumn.Id()]);
            Assert.Equal(byColumn.Id().ToUpperInvariant(), columnPaid.GetProperty("bankReference").GetString());
        }
        Assert.Equal(byHand == HttpStatusCode.OK ? 3 : 2, unmatched.Count);
        var audit = await (await admin.GetAsync("/api/admin/audit?action=payout-paid")).Json(HttpStatusCode.OK);
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == byColumn.Id());
        Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("target").GetString() == byLabel.Id());

        var again = await PostAsync(admin, csv, "text/csv", "?mapping=bmce-signe");
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Empty(again.GetProperty("paidOut").EnumerateArray());
    }

    [Fact]
    public async Task A_batch_claiming_more_than_was_booked_a_reversal_and_a_repeated_bank_reference_are_listed_and_fund_nothing()
    {
        var (first, firstFunding) = await AwaitedAsync();
        var (second, secondFunding) = await AwaitedAsync();
        var (paid, paidFunding) = await AwaitedAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        string Transaction(long amountMinor, string label) =>
            $"<TxDtls><AmtDtls><TxAmt><Amt Ccy=\"MAD\">{amountMinor / 100m:0.00}</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>{label}</Ustrd></RmtInf></TxDtls>";
        // One booked dirham whose lines claim two transfers of 15,000: read as what was booked, not as its lines.
        var batch = $"<Ntry><Amt Ccy=\"MAD\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><AcctSvcrRef>BATCH-{run}</AcctSvcrRef><NtryDtls>"
            + Transaction(1_500_000, Reference(firstFunding)) + Transaction(1_500_000, Reference(secondFunding)) + "</NtryDtls></Ntry>";
        var xml = Camt053(PlatformIban, "STMT-REV-" + run, batch,
            Entry(1_500_000, $"DUP-{run}", Reference(paidFunding)),
            Entry(1_500_000, $"DUP-{run}", Reference(paidFunding)), // the SME paid twice, the bank gave both one reference
            Entry(1_500_000, $"RET-{run}", Reference(paidFunding), debit: true, reversal: true)); // then sent a transfer back
        using var admin = host.Admin();

        var result = await PostAsync(admin, xml, "application/xml");
        Assert.Equal(Payment(paidFunding), Assert.Single(result.GetProperty("matched").EnumerateArray()).GetProperty("paymentId").GetString());
        var listed = result.GetProperty("unmatched").EnumerateArray()
            .Select(u => (u.GetProperty("reason").GetString(), u.GetProperty("amountMinor").GetInt64(), u.GetProperty("direction").GetString(), u.GetProperty("paymentId").GetString()))
            .OrderBy(u => u.Item1).ToList();
        Assert.Equal([("credit-reversed", 1_500_000L, "debit", Payment(paidFunding)), ("duplicate-reference", 1_500_000L, "credit", null),
            ("partial", 100L, "credit", Payment(firstFunding))], listed);
        Assert.Equal("awaiting-funding", (await first.EngagementAsync()).Milestone(0).Status());
        Assert.Equal("awaiting-funding", (await second.EngagementAsync()).Milestone(0).Status());
        Assert.Equal(1_500_000, (await Engagements.AssertLedgerAsync(host, paid.NeedId))["escrow"]); // funded once; the reversal undoes nothing by itself

        var page = WebUtility.HtmlDecode(await (await ReceiptTests.AdminPagesAsync(host)).GetStringAsync($"/admin/bank-statements?id={result.GetProperty("statementId").GetString()}"));
        Assert.Contains("Crédit renvoyé par la banque", page); // the admin reads French
        Assert.Contains("Même référence bancaire qu'une autre ligne", page);
    }

    [Fact]
    public async Task A_debit_from_a_withdrawn_file_marks_its_payout_paid_lists_it_for_the_admin_and_lets_the_newer_file_go()
    {
        var a = await Engagements.AwardedAsync(host);
        await DetailsAsync(a, "Web Atlas SARL", AttijariRib);
        await Engagements.ConfirmAsync(host, await a.FundAsync(0));
        var payout = await PayoutAsync(a, 0);
        using var admin = host.Admin();
        // The admin withdraws the first file, thinking it lost; its payout goes in the next one.
        var (first, firstLines) = await Pain001Async(admin);
        var executed = firstLines.Single(t => t.PayoutId == payout.Id());
        Assert.Equal($"{payout.Id()}.{first}", executed.EndToEndId);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{first}/withdraw", new { reason = "Perdu avant l'envoi, croyait-on." })).Json(HttpStatusCode.OK);
        var (second, secondLines) = await Pain001Async(admin);
        Assert.Equal($"{payout.Id()}.{second}", secondLines.Single(t => t.PayoutId == payout.Id()).EndToEndId);

        // The bank had executed the first file: its debit echoes that file's end-to-end id.
        var run = Guid.NewGuid().ToString("N")[..8];
        var reference = "OUT-" + run;
        var result = await PostAsync(admin, Camt053(PlatformIban, "STMT-OLD-" + run,
            Entry(executed.AmountMinor, reference, "VIR EMIS SEPA", debit: true, endToEndId: executed.EndToEndId)), "application/xml");
        var listed = Assert.Single(result.GetProperty("unmatched").EnumerateArray());
        Assert.Equal((payout.Id(), "withdrawn-file-paid"), (listed.GetProperty("payoutId").GetString(), listed.GetProperty("reason").GetString()));
        Assert.Empty(result.GetProperty("paidOut").EnumerateArray());
        var paid = (await a.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
        Assert.Equal(("paid", reference), (paid.GetProperty("status").GetString(), paid.GetProperty("bankReference").GetString()));

        // The newer file cannot be sent again with it, and can be withdrawn: that payout was paid by the other file.
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/payout-files/{second}");
        again.Headers.Accept.ParseAdd("application/xml");
        await (await admin.SendAsync(again)).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{second}/withdraw", new { reason = "Son versement est déjà payé par l'ancien fichier." })).Json(HttpStatusCode.OK);
        var waiting = await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(waiting.EnumerateArray(), p => p.Id() == payout.Id());

        var page = WebUtility.HtmlDecode(await (await ReceiptTests.AdminPagesAsync(host)).GetStringAsync($"/admin/bank-statements?id={result.GetProperty("statementId").GetString()}"));
        Assert.Contains("Payé par un fichier bancaire retiré", page);
    }

    [Fact]
    public async Task A_csv_bank_file_names_itself_in_each_reference_so_a_debit_of_it_withdrawn_is_told_apart_too()
    {
        var a = await Engagements.AwardedAsync(host);
        await DetailsAsync(a, "Web Atlas SARL", AttijariRib);
        await Engagements.ConfirmAsync(host, await a.FundAsync(0));
        var payout = await PayoutAsync(a, 0);
        using var admin = host.Admin();
        var (first, firstReference) = await CsvFileAsync(admin, payout.Id());
        Assert.Equal($"JAZARI {payout.Id().ToUpperInvariant()} {first.ToUpperInvariant()}", firstReference);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{first}/withdraw", new { reason = "Perdu avant l'envoi, croyait-on." })).Json(HttpStatusCode.OK);
        var (second, secondReference) = await CsvFileAsync(admin, payout.Id());
        Assert.Equal($"JAZARI {payout.Id().ToUpperInvariant()} {second.ToUpperInvariant()}", secondReference);

        // The bank had executed the first file; its export shows the reference the CSV carried, in the label.
        await (await admin.PutAsJsonAsync("/api/admin/bank-statement-mappings/csv-libelle", new
        {
            delimiter = ";", decimalMark = ",", amountColumn = "Montant", labelColumns = new[] { "Libellé" }, bankReferenceColumn = "Référence",
        })).Json(HttpStatusCode.OK);
        var amount = payout.GetProperty("amountMinor").GetInt64();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = $"Date;Libellé;Montant;Référence\r\n05/12/2026;VIR EMIS {firstReference};-{amount / 100},{amount % 100:00};OUT-{tag}\r\n";
        var result = await PostAsync(admin, csv, "text/csv", "?mapping=csv-libelle");
        var listed = Assert.Single(result.GetProperty("unmatched").EnumerateArray());
        Assert.Equal((payout.Id(), "withdrawn-file-paid"), (listed.GetProperty("payoutId").GetString(), listed.GetProperty("reason").GetString()));
        var paid = (await a.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
        Assert.Equal(("paid", $"OUT-{tag}"), (paid.GetProperty("status").GetString(), paid.GetProperty("bankReference").GetString()));
        // The newer file, whose payout the older one paid, can be withdrawn.
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{second}/withdraw", new { reason = "Son versement est déjà payé par l'ancien fichier." })).Json(HttpStatusCode.OK);
    }

    /// <summary>The next bank file as CSV (<c>Accept: text/csv</c>): its id and the reference column of this payout's row.</summary>
    private static async Task<(string FileId, string Reference)> CsvFileAsync(HttpClient admin, string payoutId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var row = body.Split("\r\n").Single(l => l.StartsWith(payoutId + ",", StringComparison.Ordinal));
        return (response.Headers.GetValues("X-Payout-File-Id").Single(), row.Split(',')[^1]);
    }

    [Fact]
    public async Task A_payout_declined_after_its_file_was_withdrawn_that_the_bank_paid_with_that_file_is_paid_and_owed_again_in_the_ledger()
    {
        var (a, funding) = await AwaitedAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        using var admin = host.Admin();
        await PostAsync(admin, Camt053(PlatformIban, "STMT-IN-" + run, Entry(1_500_000, $"IN-{run}", Reference(funding))), "application/xml");
        await DetailsAsync(a, "Web Atlas SARL", AttijariRib);
        var payout = await PayoutAsync(a, 0);
        var (fileId, lines) = await Pain001Async(admin);
        var executed = lines.Single(t => t.PayoutId == payout.Id());

        // The SME's bank recalls its transfer: the payout, in the file, is held. The admin withdraws the file and declines it.
        await PostAsync(admin, Camt053(PlatformIban, "STMT-BACK-" + run, Entry(1_500_000, $"BACK-{run}", Reference(funding), debit: true, reversal: true)), "application/xml");
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "Virement repris." })).Problem(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/payout-files/{fileId}/withdraw", new { reason = "Retenu : virement de la PME repris." })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "Virement repris." })).Json(HttpStatusCode.OK);
        var milestone = (await a.EngagementAsync()).Milestone(0).GetProperty("amountMinor").GetInt64();
        Assert.Equal(milestone, (await Engagements.AssertLedgerAsync(host, a.NeedId))["payouts-declined"]);

        // The bank had executed the file: its debit names it. The payout is paid after all, the ledger owes it again.
        var reference = "OUT-" + run;
        var result = await PostAsync(admin, Camt053(PlatformIban, "STMT-OUT-" + run,
            Entry(executed.AmountMinor, reference, "VIR EMIS SEPA", debit: true, endToEndId: executed.EndToEndId)), "application/xml");
        var listed = Assert.Single(result.GetProperty("unmatched").EnumerateArray());
        Assert.Equal((payout.Id(), "withdrawn-file-paid"), (listed.GetProperty("payoutId").GetString(), listed.GetProperty("reason").GetString()));
        var paid = (await a.EngagementAsync()).GetProperty("payouts").EnumerateArray().Single(p => p.Id() == payout.Id());
        Assert.Equal(("paid", reference), (paid.GetProperty("status").GetString(), paid.GetProperty("bankReference").GetString()));
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(0, balances["payouts-declined"]);
        Assert.Equal(executed.AmountMinor, balances[$"startup:{a.StartupId}"]);
        Assert.Equal(milestone - executed.AmountMinor, balances["platform-fees"]);
    }

    [Fact]
    public async Task A_transfer_the_bank_sent_back_holds_its_milestones_payout_for_an_admin()
    {
        var (a, funding) = await AwaitedAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        using var admin = host.Admin();
        await PostAsync(admin, Camt053(PlatformIban, "STMT-IN-" + run, Entry(1_500_000, $"IN-{run}", Reference(funding))), "application/xml");
        Assert.Equal("funded", (await a.EngagementAsync()).Milestone(0).Status());
        // The next statement: the SME's bank recalled the transfer.
        var reversal = Camt053(PlatformIban, "STMT-BACK-" + run, Entry(1_500_000, $"BACK-{run}", Reference(funding), debit: true, reversal: true));
        await PostAsync(admin, reversal, "application/xml");

        await DetailsAsync(a, "Web Atlas SARL", AttijariRib);
        await a.DeliverAsync(0);
        await a.ApproveAsync(0);
        var engagement = await Engagements.UntilAsync(host, a.NeedId, e => e.GetProperty("payouts").GetArrayLength() > 0);
        var payout = Assert.Single(engagement.GetProperty("payouts").EnumerateArray());
        Assert.Equal("held", payout.GetProperty("status").GetString()); // not in the next bank file: the escrow may not hold it
        Assert.Equal(["funding-reversed"], payout.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
        // The admins' list takes it from the engagement's follow-up, a moment after the release.
        await Engagements.EventuallyAsync(async () => (await (await admin.GetAsync("/api/admin/payouts?status=held")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Any(p => p.Id() == payout.Id()), "the payout listed with the held ones");
        var page = WebUtility.HtmlDecode(await (await ReceiptTests.AdminPagesAsync(host)).GetStringAsync("/admin/held-payouts"));
        Assert.Contains("La banque a renvoyé le virement de la PME", page);
        // Declined, the startup's ledger account no longer says the platform owes it that money.
        await (await admin.PostAsJsonAsync($"/api/admin/payouts/{payout.Id()}/decline", new { reason = "La banque a repris le virement." })).Json(HttpStatusCode.OK);
        var balances = await Engagements.AssertLedgerAsync(host, a.NeedId);
        Assert.Equal(0, balances[$"startup:{a.StartupId}"]);
        Assert.Equal(0, balances.GetValueOrDefault("platform-fees"));
        Assert.Equal((await a.EngagementAsync()).Milestone(0).GetProperty("amountMinor").GetInt64(), balances["payouts-declined"]);

        // A payout already waiting for the bank when the reversal arrives is held too, and listed with the held ones at once.
        var second = await a.FundAsync(1);
        await Engagements.ConfirmAsync(host, second);
        var waiting = await PayoutAsync(a, 1);
        await PostAsync(admin, Camt053(PlatformIban, "STMT-BACK2-" + run, Entry(Amount(second), $"BACK2-{run}", Reference(second), debit: true, reversal: true)), "application/xml");
        var held = (await (await admin.GetAsync("/api/admin/payouts?status=held")).Json(HttpStatusCode.OK)).EnumerateArray().Single(p => p.Id() == waiting.Id());
        Assert.Equal(["funding-reversed"], held.GetProperty("holdReasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_csv_amount_read_with_the_wrong_decimal_mark_or_a_quote_never_closed_refuses_the_file_and_the_same_file_reads_once_the_mapping_is_right()
    {
        using var admin = host.Admin();
        var name = "bank-" + Guid.NewGuid().ToString("N")[..8];
        await (await admin.PutAsJsonAsync($"/api/admin/bank-statement-mappings/{name}",
            new { delimiter = ";", decimalMark = ".", amountColumn = "Montant", labelColumns = new[] { "Libelle" }, bankReferenceColumn = "Ref" })).Json(HttpStatusCode.OK);
        var (awaited, funding) = await AwaitedAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = $"Date;Libelle;Montant;Ref\r\n2026-12-05;VIR {Reference(funding)};15000,00;CSV-{run}\r\n";

        // "15000,00" read with the decimal mark "." is no amount (it was read as 1,500,000.00): the mapping is wrong.
        var refused = await (await admin.PostAsync($"/api/admin/bank-statements?mapping={name}", new StringContent(csv, Encoding.UTF8, "text/csv"))).Problem(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("statement", out _));
        var unclosed = $"Date;Libelle;Montant;Ref\r\n2026-12-05;\"VIR CLIENT X;250.00;Q-{run}\r\n2026-12-05;VIR {Reference(funding)};15000.00;R-{run}\r\n";
        await (await admin.PostAsync($"/api/admin/bank-statements?mapping={name}", new StringContent(unclosed, Encoding.UTF8, "text/csv"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal("awaiting-funding", (await awaited.EngagementAsync()).Milestone(0).Status());

        await (await admin.PutAsJsonAsync($"/api/admin/bank-statement-mappings/{name}",
            new { delimiter = ";", decimalMark = ",", amountColumn = "Montant", labelColumns = new[] { "Libelle" }, bankReferenceColumn = "Ref" })).Json(HttpStatusCode.OK);
        var read = await PostAsync(admin, csv, "text/csv", $"?mapping={name}");
        Assert.False(read.GetProperty("repeated").GetBoolean());
        Assert.Equal(Payment(funding), Assert.Single(read.GetProperty("matched").EnumerateArray()).GetProperty("paymentId").GetString());
    }

    private async Task<(Awarded, JsonElement)> AwaitedAsync()
    {
        var a = await Engagements.AwardedAsync(host);
        var funding = await a.FundAsync(0);
        Assert.Equal(1_500_000, funding.GetProperty("amountMinor").GetInt64());
        return (a, funding);
    }

    /// <summary>The IBAN of the platform's account (the hosts' default <c>Payments:Bank:Rib</c>): the statements' account.</summary>
    internal static readonly string PlatformIban = Grains.Payments.Rib.Iban(Grains.Payments.Rib.Normalise(new Web.Payments.BankDetails().Rib)!);
    private const string AttijariRib = "007 780 0001234567890123 96"; // as in BankRailsTests: valid keys, known banks
    private const string CihRib = "230-810-0211-1122-2233-3344-80";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

    /// <summary>One transaction of our pain.001 file: the payout id the bank echoes, its amount, the reference it carries.</summary>
    private sealed record FileTransaction(string EndToEndId, long AmountMinor, string Reference)
    {
        /// <summary>The payout the end-to-end id names (<c>po-….pf-…</c>: the payout, then its file).</summary>
        public string PayoutId => EndToEndId.Split('.')[0];
    }

    private static async Task DetailsAsync(Awarded a, string holder, string rib) =>
        await (await a.Founder.Client.PutAsJsonAsync($"/api/startups/{a.StartupId}/payout-details", new { holder, rib })).Json(HttpStatusCode.OK);

    /// <summary>Delivers and approves the (funded) milestone; returns its release payout once it is listed ready for the bank.</summary>
    private async Task<JsonElement> PayoutAsync(Awarded a, int index)
    {
        await a.DeliverAsync(index);
        await a.ApproveAsync(index);
        var engagement = await Engagements.UntilAsync(host, a.NeedId, e => e.GetProperty("payouts").EnumerateArray().Any(p => p.GetProperty("index").GetInt32() == index));
        var payout = engagement.GetProperty("payouts").EnumerateArray().Single(p => p.GetProperty("index").GetInt32() == index);
        using var admin = host.Admin();
        await Engagements.EventuallyAsync(async () => (await (await admin.GetAsync("/api/admin/payouts?status=pending")).Json(HttpStatusCode.OK)).EnumerateArray()
            .Any(p => p.Id() == payout.Id() && p.GetProperty("status").GetString() == "pending"), "the payout ready for the bank");
        return payout;
    }

    /// <summary>The next bank file as the admin downloads it (pain.001, <c>Accept: application/xml</c>): its id and transactions.</summary>
    private static async Task<(string FileId, IReadOnlyList<FileTransaction> Transactions)> Pain001Async(HttpClient admin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/payouts?status=pending");
        request.Headers.Accept.ParseAdd("application/xml");
        var response = await admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var transactions = XDocument.Parse(body).Descendants(Pain + "CdtTrfTxInf").Select(t => new FileTransaction(
            t.Descendants(Pain + "EndToEndId").Single().Value,
            (long)(decimal.Parse(t.Descendants(Pain + "InstdAmt").Single().Value, System.Globalization.CultureInfo.InvariantCulture) * 100),
            t.Descendants(Pain + "Ustrd").Single().Value)).ToList();
        return (response.Headers.GetValues("X-Payout-File-Id").Single(), transactions);
    }

    private static long Amount(JsonElement funding) => funding.GetProperty("amountMinor").GetInt64();

    internal static async Task<JsonElement> PostAsync(HttpClient admin, string body, string contentType, string query = "") =>
        await (await admin.PostAsync("/api/admin/bank-statements" + query, new StringContent(body, Encoding.UTF8, contentType))).Json(HttpStatusCode.OK);

    private static string Reference(JsonElement funding) => funding.GetProperty("reference").GetString()!;

    private static string Payment(JsonElement funding) => funding.GetProperty("paymentId").GetString()!;

    /// <summary>"PAY-ABCDEFGHJKMN" as people type it: lower case, no dash, in groups of four.</summary>
    private static string Loosely(string reference)
    {
        var compact = reference.Replace("-", "").ToLowerInvariant();
        return string.Join(' ', Enumerable.Range(0, (compact.Length + 3) / 4).Select(i => compact.Substring(i * 4, Math.Min(4, compact.Length - i * 4))));
    }

    private static string ReferenceOf(string xml, int entry) =>
        xml.Split("<AcctSvcrRef>")[entry + 1].Split("</AcctSvcrRef>")[0];

    internal static string Entry(long amountMinor, string bankReference, string label, bool debit = false, string endToEndId = "NOTPROVIDED", bool reversal = false) => $"""
        <Ntry>
          <Amt Ccy="MAD">{amountMinor / 100m:0.00}</Amt>
          <CdtDbtInd>{(debit ? "DBIT" : "CRDT")}</CdtDbtInd>
          {(reversal ? "<RvslInd>true</RvslInd>" : "")}
          <Sts>BOOK</Sts>
          <BookgDt><Dt>2026-12-01</Dt></BookgDt>
          <ValDt><Dt>2026-12-01</Dt></ValDt>
          <AcctSvcrRef>{bankReference}</AcctSvcrRef>
          <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
          <NtryDtls><TxDtls>
            <Refs><EndToEndId>{endToEndId}</EndToEndId></Refs>
            <RmtInf><Ustrd>{label}</Ustrd></RmtInf>
          </TxDtls></NtryDtls>
        </Ntry>
        """;

    /// <summary>A camt.053.001.02 statement of the platform's account with these entries.</summary>
    internal static string Camt053(string iban, string statementId, params string[] entries) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>{statementId}-MSG</MsgId><CreDtTm>2026-12-02T06:00:00</CreDtTm></GrpHdr>
            <Stmt>
              <Id>{statementId}</Id>
              <ElctrncSeqNb>1</ElctrncSeqNb>
              <CreDtTm>2026-12-02T06:00:00</CreDtTm>
              <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>MAD</Ccy></Acct>
              {string.Join("\n", entries)}
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """;
}
