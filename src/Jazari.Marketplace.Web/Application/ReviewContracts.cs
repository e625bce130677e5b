using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Reviews;

namespace Jazari.Marketplace.Web.Application;

// Request bodies and answers of the review endpoints, shared by the API and the pages.

public sealed record ReviewInput
{
    public int? Quality { get; init; }
    public int? Timeliness { get; init; }
    public int? Communication { get; init; }
    public string? Comment { get; init; }
}

public sealed record AnswerInput
{
    public string? Answer { get; init; }
}

public sealed record HideInput
{
    public string? Reason { get; init; }
}

public sealed record ReviewResponse(
    string Id, string NeedId, string Author, string SubjectId, int Quality, int Timeliness, int Communication, double Overall,
    string Comment, DateTimeOffset WrittenAt, bool Revealed, string? Answer, DateTimeOffset? AnsweredAt, bool Hidden,
    string? HiddenReason, int? Reports)
{
    public static ReviewResponse From(ReviewView r) => new(
        r.Id, r.NeedId, r.Author == ReviewAuthor.Sme ? Roles.Sme : Roles.Startup, r.SubjectId, r.Ratings.Quality, r.Ratings.Timeliness,
        r.Ratings.Communication, r.Ratings.Overall, r.Comment, r.WrittenAt, r.Revealed, r.Answer, r.AnsweredAt, r.Hidden,
        r.HiddenReason, r.Reports > 0 ? r.Reports : null);
}

public sealed record NeedReviewsResponse(string NeedId, DateTimeOffset? RevealedAt, DateTimeOffset? RevealDueAt, IReadOnlyList<ReviewResponse> Reviews);

public sealed record StartupReviewsResponse(string StartupId, double Rating, int RatingCount, int Page, int PageSize, int Total, IReadOnlyList<ReviewResponse> Reviews);
