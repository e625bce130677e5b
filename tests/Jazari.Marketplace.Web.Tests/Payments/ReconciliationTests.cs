using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>
/// Statement reconciliation over HTTP: an admin uploads the bank's camt.053 statement or CSV export; credits quoting an
/// awaited transfer's reference (however loosely typed) with the SME's exact share confirm their milestone once; the
/// others are listed; the same statement again confirms nothing; hostile XML is refused.
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
        var account = "MA64011780000012345678901234";
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
        Assert.Equal(new Dictionary<long, string?> { [1_000_000] = "partial", [42_00] = "unknown-reference" }, unmatched);

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

        var (exact, exactFunding) = await AwaitedAsync();
        var (loose, looseFunding) = await AwaitedAsync();
        var (excess, excessFunding) = await AwaitedAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = "Date;Libellé;Motif;Débit;Crédit;Référence\r\n"
            + $"01/12/2026;VIR RECU SARL ATLAS;{Reference(exactFunding)};;15 000,00;A-{tag}\r\n"
            + $"01/12/2026;\"VIR RECU ; STE NOUR\";Reglement {Loosely(Reference(looseFunding))};;15.000,00;B-{tag}\r\n"
            + $"02/12/2026;VIR RECU;{Reference(excessFunding)};;16 000,00;C-{tag}\r\n"
            + $"02/12/2026;FRAIS TENUE COMPTE;;120,00;;D-{tag}\r\n";

        await (await admin.PostAsync("/api/admin/bank-statements?mapping=unknown-bank", new StringContent(csv, Encoding.UTF8, "text/csv"))).Problem(HttpStatusCode.BadRequest);
        var result = await PostAsync(admin, csv, "text/csv", "?mapping=attijari");
        Assert.Equal(new[] { Payment(exactFunding), Payment(looseFunding) }.Order(),
            result.GetProperty("matched").EnumerateArray().Select(m => m.GetProperty("paymentId").GetString()).Order());
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
            var xml = Camt053("MA64011780000012345678901234", "STMT-" + Guid.NewGuid().ToString("N")[..10],
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
    public async Task Hostile_or_foreign_xml_is_refused_with_400_and_changes_nothing()
    {
        using var admin = host.Admin();
        var (a, funding) = await AwaitedAsync();
        var laughs = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>"""
            + """<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>""";
        var external = """<?xml version="1.0"?><!DOCTYPE d [<!ENTITY ref SYSTEM "file:///etc/passwd">]>"""
            + Camt053("MA64", "X", Entry(1_500_000, "BOA-X", "&ref; " + Reference(funding))).Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
        foreach (var hostile in new[] { laughs, external, "<Document><not-closed>", "<Document xmlns=\"urn:other\"/>" })
            await (await admin.PostAsync("/api/admin/bank-statements", new StringContent(hostile, Encoding.UTF8, "application/xml"))).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await admin.PostAsync("/api/admin/bank-statements", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        var huge = new StringContent(new string(' ', 5 * 1024 * 1024), Encoding.UTF8, "application/xml");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync("/api/admin/bank-statements", huge)).StatusCode);
        Assert.Equal("awaiting-funding", (await a.EngagementAsync()).Milestone(0).Status());

        Assert.Equal(HttpStatusCode.Forbidden, (await a.Sme.Client.PostAsync("/api/admin/bank-statements",
            new StringContent(Camt053("MA64", "Y", Entry(1_500_000, "BOA-Y", Reference(funding))), Encoding.UTF8, "application/xml"))).StatusCode);
    }

    [Fact]
    public async Task An_admin_uploads_a_statement_on_the_page_and_sees_what_it_confirmed_and_what_is_left_to_decide()
    {
        var (a, funding) = await AwaitedAsync();
        using var browser = await ReceiptTests.AdminPagesAsync(host);
        var page = await browser.GetStringAsync("/admin/bank-statements");
        var xml = Camt053("MA64011780000012345678901234", "STMT-" + Guid.NewGuid().ToString("N")[..10],
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

    private async Task<(Awarded, JsonElement)> AwaitedAsync()
    {
        var a = await Engagements.AwardedAsync(host);
        var funding = await a.FundAsync(0);
        Assert.Equal(1_500_000, funding.GetProperty("amountMinor").GetInt64());
        return (a, funding);
    }

    private static async Task<JsonElement> PostAsync(HttpClient admin, string body, string contentType, string query = "") =>
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

    private static string Entry(long amountMinor, string bankReference, string label, bool debit = false) => $"""
        <Ntry>
          <Amt Ccy="MAD">{amountMinor / 100m:0.00}</Amt>
          <CdtDbtInd>{(debit ? "DBIT" : "CRDT")}</CdtDbtInd>
          <Sts>BOOK</Sts>
          <BookgDt><Dt>2026-12-01</Dt></BookgDt>
          <ValDt><Dt>2026-12-01</Dt></ValDt>
          <AcctSvcrRef>{bankReference}</AcctSvcrRef>
          <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
          <NtryDtls><TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RmtInf><Ustrd>{label}</Ustrd></RmtInf>
          </TxDtls></NtryDtls>
        </Ntry>
        """;

    /// <summary>A camt.053.001.02 statement of the platform's account with these entries.</summary>
    private static string Camt053(string iban, string statementId, params string[] entries) => $"""
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
