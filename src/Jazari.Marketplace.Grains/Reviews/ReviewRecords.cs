using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Grains.Reviews;

/// <summary>The rules of reviews the API and the grains share.</summary>
public static class ReviewRules
{
    /// <summary>After this time from the first review, the reviews are revealed even if the other side wrote none.</summary>
    public static readonly TimeSpan RevealAfter = TimeSpan.FromDays(14);
    public const int MaxComment = 2000;
    public const int MaxReporters = 50;
}

/// <summary>Who wrote a review: the SME reviews the startup, the startup reviews the SME.</summary>
public enum ReviewAuthor { Sme, Startup }

/// <summary>1 to 5 stars on each criterion. The three fields keep their names whoever writes (the API's
/// <c>quality</c>, <c>timeliness</c>, <c>communication</c>); a startup rating its SME reads them as the pages ask.</summary>
/// <param name="Quality">By an SME: the quality of the work. By a startup: the clarity of the need.</param>
/// <param name="Timeliness">By an SME: deadlines kept. By a startup: the SME paying on time.</param>
/// <param name="Communication">Communication, by either side.</param>
[GenerateSerializer, Alias("jazari.review-ratings")]
public sealed record ReviewRatings(
    [property: Id(0)] int Quality,
    [property: Id(1)] int Timeliness,
    [property: Id(2)] int Communication)
{
    public double Overall => Math.Round((Quality + Timeliness + Communication) / 3.0, 2);
    public bool IsValid => Quality is >= 1 and <= 5 && Timeliness is >= 1 and <= 5 && Communication is >= 1 and <= 5;
}

[GenerateSerializer, Alias("jazari.review")]
public sealed record Review(
    [property: Id(0)] string Id,
    [property: Id(1)] ReviewAuthor Author,
    [property: Id(2)] string AuthorAccountId,
    [property: Id(3)] ReviewRatings Ratings,
    [property: Id(4)] string Comment,
    [property: Id(5)] DateTimeOffset WrittenAt,
    [property: Id(6)] string? Answer,
    [property: Id(7)] DateTimeOffset? AnsweredAt,
    [property: Id(8)] string? HiddenReason,
    [property: Id(9)] DateTimeOffset? HiddenAt,
    /// <summary>Accounts that reported it, at most <see cref="ReviewRules.MaxReporters"/>.</summary>
    [property: Id(10)] IReadOnlyList<string> ReportedBy,
    /// <summary>Counted in the startup's reputation (a revealed SME review); set after the startup confirmed.</summary>
    [property: Id(11)] bool Counted);

/// <summary>A review as one caller may see it.</summary>
[GenerateSerializer, Alias("jazari.review-view")]
public sealed record ReviewView(
    [property: Id(0)] string Id,
    [property: Id(1)] string NeedId,
    [property: Id(2)] ReviewAuthor Author,
    /// <summary>The startup id of an SME's review, the SME id of a startup's review.</summary>
    [property: Id(3)] string SubjectId,
    [property: Id(4)] ReviewRatings Ratings,
    [property: Id(5)] string Comment,
    [property: Id(6)] DateTimeOffset WrittenAt,
    [property: Id(7)] bool Revealed,
    [property: Id(8)] string? Answer,
    [property: Id(9)] DateTimeOffset? AnsweredAt,
    [property: Id(10)] bool Hidden,
    /// <summary>Only for admins and the two parties.</summary>
    [property: Id(11)] string? HiddenReason,
    /// <summary>Only for admins.</summary>
    [property: Id(12)] int Reports);

/// <summary>The reviews of one need that a caller may see, and when they are (or will be) revealed.</summary>
[GenerateSerializer, Alias("jazari.need-reviews-view")]
public sealed record NeedReviewsView(
    [property: Id(0)] string NeedId,
    [property: Id(1)] DateTimeOffset? RevealedAt,
    /// <summary>When the reviews will be revealed even if the other side writes none; null before the first review.</summary>
    [property: Id(2)] DateTimeOffset? RevealDueAt,
    [property: Id(3)] IReadOnlyList<ReviewView> Reviews,
    /// <summary>The reader's other side erased its account: there is nobody left to review (a review is refused).</summary>
    [property: Id(4)] bool OtherErased = false);

[GenerateSerializer, Alias("jazari.need-reviews-state")]
public sealed class NeedReviewsState
{
    [Id(0)] public Engagement? Engagement { get; set; }
    /// <summary>At most two: one per side.</summary>
    [Id(1)] public List<Review> Reviews { get; set; } = [];
    [Id(2)] public DateTimeOffset? RevealedAt { get; set; }
}
