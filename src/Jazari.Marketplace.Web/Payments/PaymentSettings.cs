using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Payments;

/// <summary>The <c>Payments</c> section: platform fee, follow-up delays, and the platform's bank details for transfers.</summary>
public sealed class PaymentSettings
{
    /// <summary>Taken from each release, in percent (two decimals at most).</summary>
    public decimal PlatformFeePercent { get; set; } = 5;
    /// <summary>A delivery neither approved nor disputed within this many days is released.</summary>
    public int AutoReleaseDays { get; set; } = 14;
    /// <summary>The SME is warned this many days before the automatic release.</summary>
    public int AutoReleaseWarningDays { get; set; } = 3;
    /// <summary>The SME is reminded to fund the next milestone this many days after the award or the previous release.</summary>
    public int FundingReminderDays { get; set; } = 3;
    /// <summary>A funding request holds the programme's share of a milestone this many days; unpaid by then, the share goes
    /// back to the programme's budget and the SME asks again.</summary>
    public int ProgrammeHoldDays { get; set; } = 14;
    public BankDetails Bank { get; set; } = new();
    /// <summary>The VAT on the platform's fee, in percent (Morocco: 20). The fee taken includes it; receipts show both parts.</summary>
    public decimal FeeVatPercent { get; set; } = 20;

    /// <summary>The day a requested bank transfer is to be paid by (the page and the e-mail say the same): the day before the
    /// programme's hold ends when it holds a share, else <see cref="FundingReminderDays"/> after the request.</summary>
    public DateOnly PayBy(DateTimeOffset? programmeHeldUntil, long programmeMinor, DateTimeOffset? requestedAt) =>
        programmeHeldUntil is { } held && programmeMinor > 0
            ? Languages.Formats.Today(held).AddDays(-1)
            : DateOnly.FromDateTime((requestedAt ?? DateTimeOffset.UtcNow).AddDays(FundingReminderDays).UtcDateTime);

    public PaymentRules Rules => new((int)Math.Round(PlatformFeePercent * 100), TimeSpan.FromDays(AutoReleaseDays), ProgrammeHoldDays);

    public static PaymentSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Payments").Get<PaymentSettings>() ?? new();
        if (settings.PlatformFeePercent is < 0 or > 50) throw new InvalidOperationException("Payments:PlatformFeePercent must be between 0 and 50.");
        if (settings.FeeVatPercent is < 0 or > 100) throw new InvalidOperationException("Payments:FeeVatPercent must be between 0 and 100.");
        if (settings.AutoReleaseDays < 1 || settings.AutoReleaseWarningDays < 0 || settings.AutoReleaseWarningDays >= settings.AutoReleaseDays)
            throw new InvalidOperationException("Payments:AutoReleaseDays must be at least 1 and above Payments:AutoReleaseWarningDays.");
        if (settings.ProgrammeHoldDays is < 1 or > 365) throw new InvalidOperationException("Payments:ProgrammeHoldDays must be between 1 and 365.");
        return settings;
    }
}

/// <summary>Where SMEs send their transfers (shown in the funding instructions).</summary>
public sealed class BankDetails
{
    public string Bank { get; set; } = "Bank of Africa";
    public string AccountHolder { get; set; } = "Jazari Marketplace SARL";
    /// <summary>The 24-digit Moroccan RIB.</summary>
    public string Rib { get; set; } = "011 780 0000123456789012 96";
    public string Swift { get; set; } = "BMCEMAMC";

    /// <summary>Whether a bank statement's account is this one: the RIB however grouped, or the IBAN made of it (MA…).</summary>
    public bool IsThisAccount(string account)
    {
        if (Grains.Payments.Rib.Normalise(Rib) is not { Length: Grains.Payments.Rib.Length } rib) return false;
        var compact = string.Concat(account.Where(c => !char.IsWhiteSpace(c) && c != '-')).ToUpperInvariant();
        return compact == rib || compact == Grains.Payments.Rib.Iban(rib);
    }
}
