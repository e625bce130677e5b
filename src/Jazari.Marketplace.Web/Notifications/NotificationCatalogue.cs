using K = Jazari.Marketplace.Grains.Notifications.NotificationKinds;

namespace Jazari.Marketplace.Web.Notifications;

/// <summary>
/// The values each kind of notification supplies to its templates. The notifier refuses a kind not listed here or
/// a notification missing one of its values; a test checks that every kind has its templates in every language and
/// that no template names a value its kind does not supply.
/// </summary>
public static class NotificationCatalogue
{
    /// <summary>Added at delivery to every e-mail to an account: the person's display name (never to sign-in e-mails).</summary>
    public const string Name = "name";

    private static readonly string[] Need = ["title", "category", "region", "budget", "deadline", "link", "needsLink"];
    private static readonly string[] Bid = [.. Need, "startup", "price", "duration"];
    private static readonly string[] Milestone = ["title", "milestone", "startup", "currency", "link"];
    private static readonly string[] Decision = ["startup", "cohort"];
    private static readonly string[] ProgrammeDecision = ["sme", "programme", "percent", "reason", "link"];
    private static readonly string[] ExpertReview = ["title", "bids", "mentor", "due", "link"];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Values = new Dictionary<string, IReadOnlyList<string>>
    {
        [K.SignInCode] = ["code"],
        [K.SignUpCode] = ["code", "role"],
        [K.AccountExists] = ["code"],
        [K.NoAccount] = ["signUpLink"],
        [K.AccountInvitation] = ["role", "signInLink"],
        [K.NeedMatch] = [.. Need, "startup"],
        [K.FewBids] = [.. Need, "bids", "days"],
        [K.BidReceived] = Bid,
        [K.DecisionReminder] = [.. Need, "bids", "days"],
        [K.BidAccepted] = Bid,
        [K.BidRejected] = Bid,
        [K.NeedExpired] = [.. Need, "closedOn"],
        [K.WeeklyNeeds] = ["startup", "count", "items", "needsLink"],
        [K.Digest] = ["count", "items"],
        [K.MessageReceived] = ["sender", "title", "excerpt", "link"],
        [K.FundingInstructions] = [.. Milestone, "amount", "reference", "holder", "bank", "rib", "swift", "programmeShare", "payBy"],
        [K.FundingReminder] = [.. Milestone, "amount"],
        [K.FundingLapsed] = [.. Milestone, "amount", "days"],
        [K.MilestoneFunded] = [.. Milestone, "amount", "receipt"],
        [K.MilestoneDelivered] = [.. Milestone, "note", "links", "releaseOn"],
        [K.AutoReleaseWarning] = [.. Milestone, "releaseOn"],
        [K.MilestoneReleased] = [.. Milestone, "amount", "fee", "receipt", "held"],
        [K.EngagementCompleted] = ["title", "link", "criteria"],
        [K.EngagementCancelled] = ["title", "by", "link"],
        [K.DisputeOpened] = [.. Milestone, "reason"],
        [K.DisputeResolved] = [.. Milestone, "release", "refund", "programmeRefund", "note"],
        [K.DisputeMediation] = [.. Milestone, "reason", "amount"],
        [K.CohortInvitation] = ["cohort", "institute", "startup", "startsOn", "link"],
        [K.MentorAssigned] = ["startup", "cohort", "link"],
        [K.YourMentor] = ["mentor", "startup", "cohort", "link"],
        [K.ApplicationAdmitted] = [.. Decision, "link"],
        [K.ApplicationDeclined] = [.. Decision, "link"],
        [K.ApplicationReceived] = ["startup", "cohort", "link"],
        [K.EvaluatorInvitation] = ["cohort", "link"],
        [K.CohortDigest] = ["cohort", "startups", "bidsSubmitted", "bidsWon", "revenueContracted", "revenueReleased", "mentorSessions", "leaders", "link"],
        [K.FiguresReminder] = ["startup", "month", "link"],
        [K.ProgrammeApplicationApproved] = ProgrammeDecision,
        [K.ProgrammeApplicationDeclined] = ProgrammeDecision,
        [K.PayoutDetailsChanged] = ["holder", "ribMasked", "bank", "previous", "link"],
        [K.PayoutAwaitingDetails] = [.. Milestone, "amount", "detailsLink"],
        [K.ReleaseAwaitingOnboarding] = [.. Milestone, "amount", "onboardingLink"],
        [K.ReassessmentInvitation] = ["sme", "link"],
        [K.ExpertReviewRequested] = ExpertReview,
        [K.ExpertReviewAssigned] = ExpertReview,
        [K.ExpertReviewReminder] = ExpertReview,
        [K.ExpertReviewAnswered] = ExpertReview,
        [K.ExpertReviewExpired] = ExpertReview,
    };

    /// <summary>Every value a template of <paramref name="kind"/> may name.</summary>
    public static IReadOnlyList<string> Supplied(string kind) =>
        K.IsSignIn(kind) ? Values[kind] : [.. Values[kind], Name];

    /// <summary>
    /// Throws for a kind that is not in the catalogue, or values lacking one that a template of the kind names
    /// (in any language): such a notification would go out with a hole in it.
    /// </summary>
    public static void Check(EmailTemplates templates, string kind, IReadOnlyDictionary<string, string> values)
    {
        if (!Values.ContainsKey(kind)) throw new ArgumentException($"Unknown notification kind '{kind}'.", nameof(kind));
        var missing = templates.Named(kind).FirstOrDefault(n => n != Name && !values.ContainsKey(n));
        if (missing is not null) throw new ArgumentException($"A {kind} notification needs the value '{missing}'.", nameof(values));
    }
}
