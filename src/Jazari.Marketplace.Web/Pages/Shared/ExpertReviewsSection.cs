namespace Jazari.Marketplace.Web.Pages.Shared;

/// <summary>The need's expert opinions for the SME's need page, and whether another may be asked (open need with live bids).</summary>
public sealed record ExpertReviewsSection(string NeedId, IReadOnlyList<ExpertReviewResponse> Reviews, bool CanAsk);
