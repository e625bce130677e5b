namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>The versions of the terms of use; people accept the current one.</summary>
public static class Terms
{
    public const string CurrentVersion = "2025-01";
    /// <summary>The version of the marketing e-mail consent text.</summary>
    public const string MarketingVersion = "2025-01";
    public const int MaxHistory = 50;
}

/// <summary>What a person chose: accept a version of the terms, and/or give or withdraw marketing e-mail consent; <see cref="How"/> says where (sign-up, verify, settings).</summary>
[GenerateSerializer, Alias("jazari.consent-choice")]
public sealed record ConsentChoice(
    [property: Id(0)] string? AcceptTermsVersion,
    [property: Id(1)] bool? MarketingEmails,
    [property: Id(2)] string How);

/// <summary>One recorded change: <see cref="What"/> is <c>terms</c> or <c>marketing-emails</c>.</summary>
[GenerateSerializer, Alias("jazari.consent-change")]
public sealed record ConsentChange(
    [property: Id(0)] string What,
    [property: Id(1)] string Version,
    [property: Id(2)] bool Given,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string How);

/// <summary>The terms accepted and the marketing e-mail consent in force, with the recent changes (newest last, bounded).</summary>
[GenerateSerializer, Alias("jazari.consents")]
public sealed record Consents(
    [property: Id(0)] string? TermsVersion,
    [property: Id(1)] DateTimeOffset? TermsAcceptedAt,
    [property: Id(2)] bool MarketingEmails,
    [property: Id(3)] DateTimeOffset? MarketingChangedAt,
    [property: Id(4)] IReadOnlyList<ConsentChange> History)
{
    public static readonly Consents None = new(null, null, false, null, []);

    public Consents With(ConsentChoice choice, DateTimeOffset now)
    {
        var result = this;
        var history = History.ToList();
        if (choice.AcceptTermsVersion is { } version && version != TermsVersion)
        {
            result = result with { TermsVersion = version, TermsAcceptedAt = now };
            history.Add(new ConsentChange("terms", version, true, now, choice.How));
        }
        if (choice.MarketingEmails is { } marketing && (marketing != MarketingEmails || MarketingChangedAt is null))
        {
            result = result with { MarketingEmails = marketing, MarketingChangedAt = now };
            history.Add(new ConsentChange("marketing-emails", Terms.MarketingVersion, marketing, now, choice.How));
        }
        if (history.Count == History.Count) return this;
        return result with { History = history.TakeLast(Terms.MaxHistory).ToArray() }; // an array: the JSON state format names the list type
    }

    /// <summary>After erasure no marketing e-mail may go; the record of what was accepted, and when, stays (the account's id only).</summary>
    public Consents Erased() => MarketingEmails ? this with { MarketingEmails = false } : this;
}
