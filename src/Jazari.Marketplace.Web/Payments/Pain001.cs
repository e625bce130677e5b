using System.Globalization;
using System.Text;
using System.Xml;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Languages;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>One payout ready for the bank: the order, its beneficiary's account, the reference on the statement.</summary>
public sealed record BankPayout(PayoutOrder Order, string Holder, string Rib, string? FileId = null)
{
    /// <summary>What the beneficiary reads on its statement: the payout id, as SMEs quote payment ids, then the bank file
    /// that carries it, so a debit that shows only this text (a CSV file has no end-to-end id, and a bank may drop it)
    /// still says which file paid it.</summary>
    public string Reference => "JAZARI " + BankTransferRail.Reference(Order.Id) + (FileId is null ? "" : " " + FileId.ToUpperInvariant());

    public PayoutFileLine Line => new(Order.Id, Order.AmountMinor, Holder, Rib, Order.NeedId);
}

/// <summary>
/// The ISO 20022 customer credit-transfer initiation (<c>pain.001.001.03</c>) Moroccan banks take for bulk transfers:
/// one payment information block debiting the platform's account (<see cref="BankDetails"/>), one transaction per payout
/// (end-to-end id = payout id and file id, <see cref="PayoutReferences.EndToEndId"/>; the beneficiary's account as its IBAN, MA + check digits + RIB), in MAD, with the number
/// of transactions and the control sum in the group header and the block.
/// </summary>
public static class Pain001
{
    public const string Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

    public static byte[] Write(string fileId, IReadOnlyList<BankPayout> payouts, BankDetails platform, DateTimeOffset createdAt, DateTimeOffset now)
    {
        if (payouts.Count == 0) throw new ArgumentException("A bank file holds at least one payout.", nameof(payouts));
        var debtorRib = Rib.Normalise(platform.Rib) is { Length: Rib.Length } r && Rib.Problem(r) is null ? r
            : throw Grains.MarketplaceException.Conflict("The platform's own RIB (Payments:Bank:Rib) is not a valid RIB: no bank file can be made.");
        var count = payouts.Count.ToString(CultureInfo.InvariantCulture);
        var sum = Amount(payouts.Sum(p => p.Order.AmountMinor));
        var output = new MemoryStream();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Document", Namespace);
            xml.WriteStartElement("CstmrCdtTrfInitn");
            xml.WriteStartElement("GrpHdr");
            xml.WriteElementString("MsgId", fileId);
            xml.WriteElementString("CreDtTm", createdAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z");
            xml.WriteElementString("NbOfTxs", count);
            xml.WriteElementString("CtrlSum", sum);
            xml.WriteStartElement("InitgPty");
            xml.WriteElementString("Nm", Text(platform.AccountHolder));
            xml.WriteEndElement();
            xml.WriteEndElement(); // GrpHdr
            xml.WriteStartElement("PmtInf");
            xml.WriteElementString("PmtInfId", fileId);
            xml.WriteElementString("PmtMtd", "TRF");
            xml.WriteElementString("BtchBookg", "false"); // one line per payout on the platform's statement
            xml.WriteElementString("NbOfTxs", count);
            xml.WriteElementString("CtrlSum", sum);
            xml.WriteElementString("ReqdExctnDt", Formats.Today(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            xml.WriteStartElement("Dbtr");
            xml.WriteElementString("Nm", Text(platform.AccountHolder));
            xml.WriteEndElement();
            Account(xml, "DbtrAcct", debtorRib);
            xml.WriteStartElement("DbtrAgt");
            xml.WriteStartElement("FinInstnId");
            xml.WriteElementString("BIC", platform.Swift.Trim().ToUpperInvariant());
            xml.WriteEndElement();
            xml.WriteEndElement();
            foreach (var p in payouts)
            {
                xml.WriteStartElement("CdtTrfTxInf");
                xml.WriteStartElement("PmtId");
                xml.WriteElementString("EndToEndId", PayoutReferences.EndToEndId(p.Order.Id, fileId));
                xml.WriteEndElement();
                xml.WriteStartElement("Amt");
                xml.WriteStartElement("InstdAmt");
                xml.WriteAttributeString("Ccy", p.Order.Currency);
                xml.WriteString(Amount(p.Order.AmountMinor));
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteStartElement("CdtrAgt");
                xml.WriteStartElement("FinInstnId");
                xml.WriteElementString("Nm", Text(Rib.BankOf(p.Rib) ?? p.Rib[..3]));
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteStartElement("Cdtr");
                xml.WriteElementString("Nm", Text(p.Holder));
                xml.WriteEndElement();
                Account(xml, "CdtrAcct", p.Rib);
                xml.WriteStartElement("RmtInf");
                xml.WriteElementString("Ustrd", Text(p.Reference));
                xml.WriteEndElement();
                xml.WriteEndElement(); // CdtTrfTxInf
            }
            xml.WriteEndElement(); // PmtInf
            xml.WriteEndElement(); // CstmrCdtTrfInitn
            xml.WriteEndElement(); // Document
        }
        return output.ToArray();
    }

    /// <summary>Minor units as the schema's decimal amount (two decimals, a dot).</summary>
    public static string Amount(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static void Account(XmlWriter xml, string element, string rib)
    {
        xml.WriteStartElement(element);
        xml.WriteStartElement("Id");
        xml.WriteElementString("IBAN", Rib.Iban(rib));
        xml.WriteEndElement();
        xml.WriteElementString("Ccy", "MAD");
        xml.WriteEndElement();
    }

    /// <summary>
    /// A name as banks take it in a payment file: the SWIFT character set (Latin letters without accents, digits, space and
    /// <c>/ - ? : ( ) . , ' +</c>), within the schema's 140 characters. Accents are dropped ("Société" is "Societe"), any
    /// other character becomes a space: one name outside it would get the whole file refused, and every payout in it late.
    /// Holders are refused outside Latin letters when given; an older one with none left keeps its own text.
    /// </summary>
    private static string Text(string value)
    {
        var swift = new StringBuilder();
        foreach (var c in value.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            swift.Append(char.IsAsciiLetterOrDigit(c) || " /-?:().,'+".Contains(c) ? c : c == '&' ? '+' : ' ');
        }
        var written = string.Join(' ', swift.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return Grains.Texts.Cut(written.Any(char.IsAsciiLetterOrDigit) ? written : value, 140);
    }
}
