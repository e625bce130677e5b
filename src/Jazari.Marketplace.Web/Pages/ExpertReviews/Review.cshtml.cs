using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.ExpertReviews;

/// <summary>
/// One expert opinion, where the e-mails land: the SME reads it, a manager of a handling institute (or an admin) sees the
/// mentors suggested and assigns one, the assigned mentor gives fit, price and risks (1 to 5) and notes per bid, or on
/// the delivered milestone asked about (the opinion then names the awarded bid, the one item of the request).
/// </summary>
[Authorize(Policy = PageSession.Policy.SignedIn)]
public sealed class ReviewModel(IGrainFactory grains, Text text, ExpertReviewCommands reviews) : MarketplacePage(grains, text)
{
    public ExpertReviewResponse Review { get; private set; } = null!;
    public IReadOnlyList<ExpertSuggestion> Suggestions { get; private set; } = [];
    /// <summary>A name typed to find another mentor (<c>?mentor=</c>), and the untied mentors who go by it.</summary>
    [BindProperty(SupportsGet = true, Name = "mentor")]
    public string? MentorName { get; set; }
    public IReadOnlyList<ExpertSuggestion>? Found { get; private set; }
    public bool MayAssign { get; private set; }
    public bool MayAnswer => Review.Status == "assigned" && Mentor;
    public bool IsSme => User.IsInRole(Roles.Sme);
    private bool Mentor { get; set; }
    [BindProperty]
    public List<BidOpinionInput> Opinions { get; set; } = [];

    /// <summary>The mentor just gave the opinion: it is said, with the way back to what else waits.</summary>
    public bool Answered { get; private set; }

    public async Task OnGetAsync(string id, bool answered)
    {
        Answered = answered;
        await LoadAsync(id);
    }

    public async Task<IActionResult> OnPostAssignAsync(string id, string? mentorId)
    {
        if (await TryAsync(() => reviews.AssignAsync(Me, id, new ExpertAssignInput { MentorId = mentorId }))) return Redirect($"/expert-reviews/{id}");
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostOpinionAsync(string id)
    {
        if (await TryAsync(() => reviews.AnswerAsync(Me, id, new ExpertOpinionInput { Bids = [.. Opinions] }))) return Redirect($"/expert-reviews/{id}?answered=true");
        await LoadAsync(id);
        return Page();
    }

    private async Task LoadAsync(string id)
    {
        Review = await reviews.GetAsync(Me, id);
        Mentor = Review.MentorId is not null && Review.MentorId == await ProfileIdAsync();
        MayAssign = Review.Status is "requested" or "assigned" && (User.IsInRole(Roles.Manager) || User.IsInRole(Roles.Admin));
        if (!MayAssign) return;
        var name = string.IsNullOrWhiteSpace(MentorName) ? null : MentorName;
        // A name refused (too long, a control character) is said beside the search; the suggestions still show.
        if (!await TryAsync(async () => (Suggestions, Found) = await reviews.MentorsForAsync(Me, id, T.Content, name)))
            Suggestions = await reviews.SuggestAsync(Me, id, T.Content);
    }
}
