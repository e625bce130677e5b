namespace Jazari.Marketplace.Web.Pages.Shared;

/// <summary>
/// The need's expert opinions for the SME's need page, and whether another may be asked (open need with live bids);
/// or, with <see cref="Milestone"/>, the opinions on one delivered milestone beside it on the engagement page, with the
/// form to ask one (posted to <see cref="AskAction"/>; the question typed and its refusal kept when it was refused).
/// </summary>
public sealed record ExpertReviewsSection(string NeedId, IReadOnlyList<ExpertReviewResponse> Reviews, bool CanAsk)
{
    public int? Milestone { get; init; }
    public string? AskAction { get; init; }
    public string? Question { get; init; }
    public string? QuestionError { get; init; }
}
