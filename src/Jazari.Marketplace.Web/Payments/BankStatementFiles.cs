using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Extensions;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>One booked entry on the platform's account as the bank's statement gives it: a credit (money in, such as an
/// SME's transfer) or, with <see cref="Debit"/>, a debit (money out, such as a payout of our bank file). <see cref="Key"/>
/// names it at its account (the bank's own reference of the entry, or its content and rank among identical lines): the
/// same entry in an overlapping statement has the same key.</summary>
/// <see cref="Reversal"/>: the bank reversed an earlier entry (<c>RvslInd</c>): a debit that sends a credit back, a credit
/// that returns a debit (a payout the beneficiary's bank refused); listed for an admin, never acted on.
public sealed record StatementEntry(long AmountMinor, string Currency, string Label, string BankReference, string Key, bool Debit = false, bool Reversal = false);

/// <summary>
/// A statement read: its identity (the same statement uploaded again has the same), its account, its credits and debits.
/// <see cref="NamedAccounts"/>: the accounts the file itself names (a camt.053's statements; a CSV's account column).
/// </summary>
public sealed record StatementFile(string Id, string Account, string Format, IReadOnlyList<StatementEntry> Credits, IReadOnlyList<StatementEntry> Debits)
{
    public IReadOnlyList<string> NamedAccounts { get; init; } = [];
}

/// <summary>
/// Reads the bank's statements: ISO 20022 <c>camt.053</c> (BkToCstmrStmt, booked credit and debit entries; one entry per
/// transaction of a batch entry that gives each its amount) and CSV exports through a saved <see cref="BankCsvMapping"/>
/// (with a signed amount column, its negative amounts are the debits; a credit column holds no debit).
/// XML with a DTD (and so any entity) is refused, as is anything else than a statement.
/// </summary>
public static class BankStatementFiles
{
    /// <summary>Entries (credits and debits) of one statement at most.</summary>
    public const int MaxEntries = 5000;
    public const int MaxLabel = 300;
    public const int MaxDepth = 32;
    private const string CamtNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.";

    public static StatementFile Camt053(byte[] body)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0,
                MaxCharactersInDocument = BodyLimits.Statement, IgnoreComments = true, IgnoreProcessingInstructions = true,
            };
            // A camt.053 nests about ten elements deep: a deeper document is refused on a first pass, before it is built
            // (a hundred thousand nested elements would cost the tree minutes of CPU).
            using (var scan = XmlReader.Create(new MemoryStream(body), settings))
                while (scan.Read())
                    if (scan.Depth > MaxDepth) throw MarketplaceException.Invalid("statement", $"The XML nests deeper than {MaxDepth} elements: it is not a camt.053 statement.");
            using var reader = XmlReader.Create(new MemoryStream(body), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            throw MarketplaceException.Invalid("statement", "The statement is not a readable camt.053 XML document (DTDs and entities are refused).");
        }
        var root = document.Root;
        if (root is null || root.Name.LocalName != "Document" || !root.Name.NamespaceName.StartsWith(CamtNamespace, StringComparison.Ordinal)
            || Child(root, "BkToCstmrStmt") is not { } message)
            throw MarketplaceException.Invalid("statement", "The XML is not a camt.053 bank-to-customer statement.");
        var statements = Children(message, "Stmt").ToList();
        if (statements.Count == 0) throw MarketplaceException.Invalid("statement", "The XML is not a camt.053 bank-to-customer statement.");
        var entries = new List<StatementEntry>();
        var identity = new StringBuilder("camt");
        var accounts = new List<string>();
        foreach (var stmt in statements)
        {
            // The schema's Acct is required: a statement naming no account is no statement of the platform's account.
            var account = Clean(Value(stmt, "Acct", "Id", "IBAN") ?? Value(stmt, "Acct", "Id", "Othr", "Id")) is { Length: > 0 } a ? a
                : throw MarketplaceException.Invalid("statement", "The statement names no account: nothing was reconciled.");
            accounts.Add(account);
            var id = Value(stmt, "Id");
            identity.Append('|').Append(account).Append('|').Append(id ?? Hash(body)).Append('|').Append(Value(stmt, "ElctrncSeqNb"));
            var ranks = new Dictionary<string, int>();
            foreach (var entry in Children(stmt, "Ntry"))
            {
                var debit = Value(entry, "CdtDbtInd") switch { "CRDT" => false, "DBIT" => true, _ => (bool?)null };
                if (debit is null) continue;
                if (Value(entry, "Sts") is { } status && status != "BOOK") continue; // pending entries come again booked
                var reversal = Value(entry, "RvslInd") is "true" or "1";
                // A credit is named by the bank's reference of the entry (as it always was: the keys of credits already
                // seen stay the same); a debit also by the entry's own reference when the bank gives no other.
                var entryReference = Value(entry, "AcctSvcrRef") ?? (debit.Value ? Value(entry, "NtryRef") : null);
                var transactions = Children(entry, "NtryDtls").SelectMany(d => Children(d, "TxDtls")).ToList();
                // A batch is split into its transactions only when they add up to what was booked: lines claiming more
                // than the entry brought would confirm payments with money that never came.
                if (transactions.Count > 1 && transactions.All(t => Find(t, "AmtDtls", "TxAmt", "Amt") is not null)
                    && (Child(entry, "Amt") is not { } booked || transactions.Sum(t => Amount(Find(t, "AmtDtls", "TxAmt", "Amt")!)) == Amount(booked)))
                {
                    for (var i = 0; i < transactions.Count; i++)
                    {
                        var t = transactions[i];
                        var amount = Find(t, "AmtDtls", "TxAmt", "Amt")!;
                        var reference = Value(t, "Refs", "AcctSvcrRef") ?? (entryReference is null ? null : $"{entryReference}/{i + 1}");
                        entries.Add(Entry(account, Amount(amount), Currency(amount), Label([t]), reference, ranks, debit.Value, reversal));
                    }
                }
                else if (Child(entry, "Amt") is { } amount)
                {
                    var reference = entryReference ?? (transactions.Count == 1 ? Value(transactions[0], "Refs", "AcctSvcrRef") : null);
                    entries.Add(Entry(account, Amount(amount), Currency(amount), Label(transactions, Value(entry, "AddtlNtryInf")), reference, ranks, debit.Value, reversal));
                }
                if (entries.Count > MaxEntries) throw MarketplaceException.Invalid("statement", $"A statement has at most {MaxEntries} entries.");
            }
        }
        return new StatementFile(Id(identity.ToString()), string.Join(", ", accounts.Distinct()), "camt.053",
            [.. entries.Where(e => !e.Debit)], [.. entries.Where(e => e.Debit)]) { NamedAccounts = [.. accounts.Distinct()] };
    }

    public static StatementFile Csv(byte[] body, BankCsvMapping mapping)
    {
        var text = new UTF8Encoding(false, false).GetString(body).TrimStart('\uFEFF');
        var rows = Rows(text, mapping.Delimiter).Where(r => r.Any(f => f.Length > 0)).ToList();
        if (rows.Count == 0) throw MarketplaceException.Invalid("statement", "The CSV is empty.");
        var header = rows[0].Select(h => h.Trim()).ToList();
        int Column(string? name)
        {
            if (name is null) return -1;
            var index = header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 ? index : throw MarketplaceException.Invalid("statement", $"The CSV has no column {name}.");
        }
        var amountColumn = Column(mapping.CreditColumn ?? mapping.AmountColumn);
        var labels = mapping.LabelColumns.Select(Column).ToList();
        var referenceColumn = Column(mapping.BankReferenceColumn);
        var currencyColumn = Column(mapping.CurrencyColumn);
        var accountColumn = Column(mapping.AccountColumn);
        var entries = new List<StatementEntry>();
        var accounts = new HashSet<string>();
        var named = new HashSet<string>();
        var ranks = new Dictionary<string, int>();
        foreach (var row in rows.Skip(1))
        {
            string Field(int index) => index >= 0 && index < row.Count ? row[index].Trim() : "";
            var raw = Field(amountColumn);
            if (raw.Length == 0) continue; // a debit, in a bank's export with separate debit and credit columns
            var minor = CsvAmount(raw, mapping.DecimalMark);
            if (minor == 0 || (minor < 0 && mapping.CreditColumn is not null)) continue; // a credit column: its credits only
            var account = Clean(Field(accountColumn)) is { Length: > 0 } a ? a : mapping.Name;
            accounts.Add(account);
            if (accountColumn >= 0) named.Add(account);
            var currency = Field(currencyColumn) is { Length: 3 } c ? c.ToUpperInvariant() : Reference.DefaultCurrency;
            var label = string.Join(" ", labels.Select(Field).Where(l => l.Length > 0));
            // A negative amount (a signed amount column) is a debit; a credit column holds credits only.
            entries.Add(Entry(account, Math.Abs(minor), currency, label, Field(referenceColumn) is { Length: > 0 } r ? r : null, ranks, debit: minor < 0));
            if (entries.Count > MaxEntries) throw MarketplaceException.Invalid("statement", $"A statement has at most {MaxEntries} entries.");
        }
        return new StatementFile(Id($"csv|{mapping.Name}|{Hash(body)}"), accounts.Count == 0 ? mapping.Name : string.Join(", ", accounts.Order()), "csv",
            [.. entries.Where(e => !e.Debit)], [.. entries.Where(e => e.Debit)]) { NamedAccounts = [.. named.Order()] };
    }

    /// <summary>The statement's id: derived from its identity, so the same statement again has the same id.</summary>
    private static string Id(string identity) => "stm-" + Hash(Encoding.UTF8.GetBytes(identity))[..24];

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static StatementEntry Entry(string account, long amountMinor, string currency, string label, string? reference, Dictionary<string, int> ranks, bool debit,
        bool reversal = false)
    {
        label = Cut(Clean(label), MaxLabel);
        var bankReference = Cut(Clean(reference), 100);
        // A credit's key is what it always was (credits seen before keep theirs); a debit's says it is a debit, so a bank
        // that numbers its debits and credits apart never makes one the other's repeat.
        var side = (debit ? "|debit" : "") + (reversal ? "|reversal" : "");
        string key;
        if (bankReference.Length > 0) key = $"{account}{side}|ref|{bankReference}";
        else
        {
            // No reference from the bank: the line itself, and its rank among identical lines, names it.
            var line = $"{account}{side}|{amountMinor}|{currency}|{label}";
            var rank = ranks[line] = ranks.GetValueOrDefault(line) + 1;
            key = $"{line}|{rank}";
            bankReference = "stmt-" + Hash(Encoding.UTF8.GetBytes(key))[..16];
        }
        return new StatementEntry(amountMinor, currency, label, bankReference, (debit ? "dbt-" : "crd-") + Hash(Encoding.UTF8.GetBytes(key))[..32], debit, reversal);
    }

    private static string Label(IReadOnlyList<XElement> transactions, string? more = null)
    {
        var parts = new List<string>();
        foreach (var t in transactions)
        {
            if (Child(t, "RmtInf") is { } remittance)
            {
                parts.AddRange(Children(remittance, "Ustrd").Select(u => u.Value));
                parts.AddRange(remittance.Descendants().Where(e => e.Name.LocalName == "Ref").Select(e => e.Value));
            }
            if (Value(t, "Refs", "EndToEndId") is { } endToEnd && endToEnd != "NOTPROVIDED") parts.Add(endToEnd);
            if (Value(t, "Refs", "PmtInfId") is { } block) parts.Add(block); // the bank file's id, when the bank echoes it
            if (Value(t, "AddtlTxInf") is { } info) parts.Add(info);
        }
        if (more is not null) parts.Add(more);
        return string.Join(" ", parts.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct());
    }

    private static long Amount(XElement amount)
    {
        if (!decimal.TryParse(amount.Value.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0
            || decimal.Round(value, 2) != value || value > Checks.MaxMad * 1000)
            throw MarketplaceException.Invalid("statement", "An entry's amount is not an amount with at most two decimals.");
        return (long)(value * 100);
    }

    private static string Currency(XElement amount) => amount.Attribute("Ccy")?.Value.Trim().ToUpperInvariant() ?? Reference.DefaultCurrency;

    /// <summary>An amount of a CSV export, negative for a debit. Digits may be grouped by three (by the other mark than the
    /// decimal one, a space or an apostrophe): <c>1.050,00</c>, <c>1 050,00</c>. A separator anywhere else (<c>10,50</c> read
    /// with the decimal mark <c>.</c>) is not dropped but refused: the mapping names the wrong decimal mark.</summary>
    private static long CsvAmount(string raw, char decimalMark)
    {
        var thousands = decimalMark == ',' ? '.' : ',';
        var text = raw.Trim();
        var sign = text.StartsWith('-') ? "-" : "";
        var parts = text[sign.Length..].Split(decimalMark);
        var groups = new string([.. parts[0].Select(c => c == thousands || c == '\'' || char.IsWhiteSpace(c) ? ' ' : c)]).Split(' ');
        var whole = groups.Length == 1 || (groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3));
        if (parts.Length > 2 || !whole
            || !decimal.TryParse(sign + string.Concat(groups) + (parts.Length == 2 ? "." + parts[1] : ""), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var value)
            || decimal.Round(value, 2) != value || Math.Abs(value) > Checks.MaxMad * 1000)
            throw MarketplaceException.Invalid("statement", "A line's amount is not an amount with at most two decimals.");
        return (long)(value * 100);
    }

    /// <summary>The fields of each line (RFC 4180: quoted fields may hold the separator, quotes doubled, line breaks).</summary>
    private static IEnumerable<List<string>> Rows(string text, char delimiter)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"' && field.Length == 0) quoted = true;
            else if (ch == delimiter) { row.Add(field.ToString()); field.Clear(); }
            else if (ch is '\n' or '\r')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear();
                yield return row;
                row = [];
            }
            else field.Append(ch);
        }
        // A quote left open would have swallowed every line after it: the file is refused, not read in part.
        if (quoted) throw MarketplaceException.Invalid("statement", "A quoted field of the CSV is never closed.");
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); yield return row; }
    }

    /// <summary>Printable text on one line: control and format characters become spaces, runs of spaces one.</summary>
    /// <summary>The text with what no field of the marketplace accepts (<see cref="Application.Checks.Refused"/>) made a
    /// space: controls, format characters (bidi overrides and isolates among them), non-characters; an unpaired
    /// surrogate becomes U+FFFD. A bank's odd line is then matched or listed, never the refusal of the whole statement.</summary>
    private static string Clean(string? text)
    {
        var kept = new StringBuilder();
        foreach (var rune in (text ?? "").EnumerateRunes())
            kept.Append(Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
                || rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE ? " " : rune.ToString());
        return string.Join(' ', kept.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>At most <paramref name="length"/> characters, never half of a surrogate pair.</summary>
    private static string Cut(string text, int length) => Texts.Cut(text, length);

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static XElement? Find(XElement start, params string[] path)
    {
        XElement? at = start;
        foreach (var name in path) at = at is null ? null : Child(at, name);
        return at;
    }

    private static string? Value(XElement start, params string[] path) => Find(start, path) is { } e && e.Value.Trim() is { Length: > 0 } v ? v : null;
}

/// <summary>
/// The payment references in a text as people type them on a transfer: in any case, with or without the dash, with
/// spaces, inside a longer label (<c>VIR SARL ATLAS pay abcd efgh jkmn FACT 12</c>). Returns the payment ids they name,
/// in order of appearance; the caller keeps the one that exists.
/// </summary>
public static class PaymentReferences
{
    public static IReadOnlyList<string> Find(string text)
    {
        var compact = new string([.. text.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        var found = new List<string>();
        for (var i = compact.IndexOf("pay", StringComparison.Ordinal); i >= 0; i = compact.IndexOf("pay", i + 1, StringComparison.Ordinal))
        {
            if (i + 3 + PaymentIds.HashLength > compact.Length) break;
            var hash = compact.Substring(i + 3, PaymentIds.HashLength);
            if (hash.All(PaymentIds.Alphabet.Contains) && !found.Contains("pay-" + hash)) found.Add("pay-" + hash);
        }
        return found;
    }
}

/// <summary>
/// The payouts a debit names: the end-to-end id our pain.001 file gives each transaction (the payout id, <c>po-…</c> or
/// <c>rf-…</c>), or the reference its remittance information carries (<c>JAZARI PO-ABCD…</c>), however the bank echoes them
/// (any case, dashes or spaces, inside a longer label). In order of appearance; the caller keeps the one that exists.
/// </summary>
public static class PayoutReferences
{
    private static readonly string[] Prefixes = ["po", "rf"];

    /// <summary>A payout's end-to-end id in a bank file: the payout and the file (<c>po-….pf-…</c>, 35 characters, the
    /// most the field takes), so the bank's debit says which file paid it; the payout's id alone if longer.</summary>
    public static string EndToEndId(string payoutId, string fileId) =>
        $"{payoutId}.{fileId}" is { Length: <= 35 } both ? both : payoutId;

    /// <summary>The bank files (<c>pf-…</c>) a statement line names, in order.</summary>
    public static IReadOnlyList<string> Files(string text)
    {
        var compact = new string([.. text.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        var found = new List<string>();
        for (var i = compact.IndexOf("pf", StringComparison.Ordinal); i >= 0 && i + 2 + PayoutFiles.IdHashLength <= compact.Length;
             i = compact.IndexOf("pf", i + 1, StringComparison.Ordinal))
        {
            var hash = compact.Substring(i + 2, PayoutFiles.IdHashLength);
            if (hash.All(PaymentIds.Alphabet.Contains) && !found.Contains("pf-" + hash)) found.Add("pf-" + hash);
        }
        return found;
    }

    public static IReadOnlyList<string> Find(string text)
    {
        var compact = new string([.. text.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        var found = new List<(int At, string Id)>();
        foreach (var prefix in Prefixes)
            for (var i = compact.IndexOf(prefix, StringComparison.Ordinal); i >= 0; i = compact.IndexOf(prefix, i + 1, StringComparison.Ordinal))
            {
                if (i + prefix.Length + PaymentIds.HashLength > compact.Length) break;
                var hash = compact.Substring(i + prefix.Length, PaymentIds.HashLength);
                if (hash.All(PaymentIds.Alphabet.Contains) && found.All(f => f.Id != $"{prefix}-{hash}")) found.Add((i, $"{prefix}-{hash}"));
            }
        return [.. found.OrderBy(f => f.At).Select(f => f.Id)];
    }
}
