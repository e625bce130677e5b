namespace Jazari.Marketplace.Grains.Notifications;

/// <summary>How a person wants one kind of notification: by e-mail at once, in the daily digest, or not at all.</summary>
public enum Delivery { Immediate, Digest, Off }

public static class NotificationKinds
{
    /// <summary>The one-time code (secret, urgent: its own queue; the code is stored encrypted and only until sent).</summary>
    public const string SignInCode = "sign-in-code";
    /// <summary>The code that creates the account asked for, naming its role: someone who signed the same address up
    /// with another role cannot pass their code for the owner's (the name typed is not sent: nobody's text reaches a stranger).</summary>
    public const string SignUpCode = "sign-up-code";
    /// <summary>Signed up with an address that already has an account: says so, with a code that signs in to that account
    /// (the sign-up's role and name are not applied; the page answers as for any sign-up, so it tells nobody else).</summary>
    public const string AccountExists = "account-exists";
    /// <summary>Asked for a code for an address without an account: says so and where to sign up (no code, no name).</summary>
    public const string NoAccount = "no-account";
    /// <summary>An admin created a manager's or an admin's account: how to sign in.</summary>
    public const string AccountInvitation = "account-invitation";
    /// <summary>An SME accepted a manager's institute as the mediator of its dispute with a member startup: settle it.</summary>
    public const string DisputeMediation = "dispute-mediation";
    public const string NeedMatch = "need-match";
    public const string FewBids = "few-bids";
    public const string BidReceived = "bid-received";
    public const string DecisionReminder = "decision-reminder";
    public const string BidAccepted = "bid-accepted";
    public const string BidRejected = "bid-rejected";
    public const string NeedExpired = "need-expired";
    public const string WeeklyNeeds = "weekly-needs";
    public const string Digest = "digest";
    public const string MessageReceived = "message-received";

    // Payments: transactional, always sent at once (not a preference).
    public const string FundingInstructions = "funding-instructions";
    public const string FundingReminder = "funding-reminder";
    public const string FundingLapsed = "funding-lapsed";
    public const string MilestoneFunded = "milestone-funded";
    public const string MilestoneDelivered = "milestone-delivered";
    public const string AutoReleaseWarning = "auto-release-warning";
    public const string MilestoneReleased = "milestone-released";
    public const string DisputeOpened = "dispute-opened";
    public const string DisputeResolved = "dispute-resolved";
    /// <summary>The bank account payouts go to was set or changed: the owner hears of it (a change they did not make is fraud).</summary>
    public const string PayoutDetailsChanged = "payout-details-changed";
    /// <summary>A payout waits because no valid bank account is recorded.</summary>
    public const string PayoutAwaitingDetails = "payout-awaiting-details";
    /// <summary>A card payment's release waits because the startup's Stripe account cannot receive payouts yet.</summary>
    public const string ReleaseAwaitingOnboarding = "release-awaiting-onboarding";

    // Incubation: transactional.
    /// <summary>A cohort invites a startup; it joins only if it accepts.</summary>
    public const string CohortInvitation = "cohort-invitation";
    /// <summary>A manager assigned a mentor to a member startup: the mentor hears whom to follow, and where.</summary>
    public const string MentorAssigned = "mentor-assigned";
    /// <summary>The same assignment, to the startup: who follows it, and where it reads their session notes.</summary>
    public const string YourMentor = "your-mentor";
    public const string ApplicationAdmitted = "application-admitted";
    public const string ApplicationDeclined = "application-declined";
    public const string ApplicationReceived = "application-received";
    public const string EvaluatorInvitation = "evaluator-invitation";
    public const string CohortDigest = "cohort-digest";
    public const string FiguresReminder = "figures-reminder";

    // Co-funding programmes: transactional.
    public const string ProgrammeApplicationApproved = "programme-application-approved";
    public const string ProgrammeApplicationDeclined = "programme-application-declined";

    // Digital maturity: transactional (six months after an engagement completed, or an admin's invitation).
    public const string ReassessmentInvitation = "reassessment-invitation";
    // Expert opinions: transactional.
    /// <summary>An SME asked its institute for an expert opinion: the institute's managers are told.</summary>
    public const string ExpertReviewRequested = "expert-review-requested";
    public const string ExpertReviewAssigned = "expert-review-assigned";
    public const string ExpertReviewReminder = "expert-review-reminder";
    public const string ExpertReviewAnswered = "expert-review-answered";
    public const string ExpertReviewExpired = "expert-review-expired";
    /// <summary>Every milestone of a mission settled: each side is asked for its review (double-blind).</summary>
    public const string EngagementCompleted = "engagement-completed";
    /// <summary>One party ended the mission: the other side is told, with what becomes of the milestones.</summary>
    public const string EngagementCancelled = "engagement-cancelled";

    /// <summary>Every kind: each has a template in every language (a test checks it), and nothing else may be sent.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        SignInCode, SignUpCode, AccountExists, NoAccount, AccountInvitation, NeedMatch, FewBids, BidReceived, DecisionReminder, BidAccepted, BidRejected,
        NeedExpired, WeeklyNeeds, Digest, MessageReceived, FundingInstructions, FundingReminder, FundingLapsed, MilestoneFunded,
        MilestoneDelivered, AutoReleaseWarning, MilestoneReleased, DisputeOpened, DisputeResolved,
        CohortInvitation, MentorAssigned, YourMentor, ApplicationAdmitted, ApplicationDeclined, ApplicationReceived, EvaluatorInvitation, CohortDigest, FiguresReminder,
        ProgrammeApplicationApproved, ProgrammeApplicationDeclined, PayoutDetailsChanged, PayoutAwaitingDetails,
        ReleaseAwaitingOnboarding, ReassessmentInvitation,
        ExpertReviewRequested, ExpertReviewAssigned, ExpertReviewReminder, ExpertReviewAnswered, ExpertReviewExpired,
        DisputeMediation, EngagementCompleted, EngagementCancelled,
    ];

    /// <summary>Sign-in e-mails: sent on the sign-in queue, to an address that may have no account yet, even after a bounce.</summary>
    public static bool IsSignIn(string kind) => kind is SignInCode or SignUpCode or AccountExists or NoAccount;

    /// <summary>Sign-in e-mails that carry a one-time code (stored encrypted until sent).</summary>
    public static bool CarriesCode(string kind) => kind is SignInCode or SignUpCode or AccountExists;

    /// <summary>Kinds not caused by anything the person did: sent only with their marketing e-mail consent.</summary>
    public static readonly IReadOnlyList<string> Marketing = [WeeklyNeeds];

    /// <summary>The kinds a person chooses how to receive; sign-in codes always go at once, the digest follows the rest.</summary>
    public static readonly IReadOnlyList<string> Choosable =
        [NeedMatch, FewBids, BidReceived, DecisionReminder, BidAccepted, BidRejected, NeedExpired, WeeklyNeeds, MessageReceived];
}

/// <summary>
/// One message to one account, recorded before it is sent. <see cref="Key"/> names the event within the
/// account (e.g. <c>bid:{bidId}:received</c>): the same key is recorded and sent once. <see cref="To"/> and
/// <see cref="Language"/> are set for sign-in e-mails only, whose address may have no account yet.
/// </summary>
[GenerateSerializer, Alias("jazari.notification")]
public sealed record Notification(
    [property: Id(0)] string Key,
    [property: Id(1)] string Kind,
    [property: Id(2)] IReadOnlyDictionary<string, string> Values,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string? To = null,
    [property: Id(5)] string? Language = null);

[GenerateSerializer, Alias("jazari.pending-notification")]
public sealed record PendingNotification(
    [property: Id(0)] Notification Notification,
    [property: Id(1)] Delivery Delivery,
    [property: Id(2)] string? Attempt,
    [property: Id(3)] DateTimeOffset? LeaseUntil);

/// <summary>
/// What became of a recorded notification: <see cref="ScheduleDigest"/> says the digest must be scheduled (the item is
/// the oldest waiting, or the oldest is overdue), <see cref="DigestFull"/> that it must go now.
/// </summary>
[GenerateSerializer, Alias("jazari.recorded-notification")]
public sealed record RecordedNotification([property: Id(0)] Delivery Delivery, [property: Id(1)] bool ScheduleDigest, [property: Id(2)] bool DigestFull = false);

[GenerateSerializer, Alias("jazari.notification-preferences")]
public sealed record NotificationPreferences(
    [property: Id(0)] IReadOnlyDictionary<string, Delivery> Kinds,
    [property: Id(1)] DateTimeOffset? EmailStoppedAt,
    [property: Id(2)] string? EmailStoppedReason);

[GenerateSerializer, Alias("jazari.account-notifications-state")]
public sealed class AccountNotificationsState
{
    [Id(0)] public Dictionary<string, Delivery> Preferences { get; set; } = [];
    /// <summary>Recorded, not yet sent; at most <see cref="AccountNotificationsGrain.MaxPending"/>.</summary>
    [Id(1)] public List<PendingNotification> Pending { get; set; } = [];
    /// <summary>Keys sent or skipped, newest last; at most <see cref="AccountNotificationsGrain.RememberedKeys"/>.</summary>
    [Id(2)] public List<string> DoneKeys { get; set; } = [];
    /// <summary>Set when the address bounced, was dropped or reported spam: nothing is e-mailed any more.</summary>
    [Id(3)] public DateTimeOffset? EmailStoppedAt { get; set; }
    [Id(4)] public string? EmailStoppedReason { get; set; }
    /// <summary>When a digest item last scheduled the digest again because the oldest was overdue (once a day at most).</summary>
    [Id(5)] public DateTimeOffset? DigestRepairedAt { get; set; }
}
