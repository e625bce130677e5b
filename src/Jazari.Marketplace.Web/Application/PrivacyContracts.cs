using Jazari.Marketplace.Grains.Accounts;

namespace Jazari.Marketplace.Web.Application;

// Request bodies and answers of "your data" (Law 09-08), shared by the API and the pages.

public sealed record ConsentsInput
{
    public bool? AcceptTerms { get; init; }
    public string? TermsVersion { get; init; }
    public bool? MarketingEmails { get; init; }
}

public sealed record EraseInput
{
    /// <summary>The account's e-mail address, typed again: erasure cannot be undone.</summary>
    public string? Confirm { get; init; }
}

public sealed record ConsentChangeResponse(string What, string Version, bool Given, DateTimeOffset At, string How);

public sealed record ConsentsResponse(string CurrentTermsVersion, string? TermsVersion, DateTimeOffset? TermsAcceptedAt,
    bool MarketingEmails, DateTimeOffset? MarketingChangedAt, IReadOnlyList<ConsentChangeResponse> History)
{
    public static ConsentsResponse From(Consents c) => new(Terms.CurrentVersion, c.TermsVersion, c.TermsAcceptedAt, c.MarketingEmails,
        c.MarketingChangedAt, [.. c.History.Select(h => new ConsentChangeResponse(h.What, h.Version, h.Given, h.At, h.How))]);
}
