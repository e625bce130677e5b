using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// The follow-ups of engagements. Each takes ids, re-reads the engagement and does only what is still due: run
/// twice, money moves once (moves carry their operation id) and each notification is recorded once (its key).
/// </summary>
public sealed class PaymentJobs(
    IGrainFactory grains, PaymentMoves moves, Notifier notifier, IBackgroundJobClient jobs, PaymentSettings settings,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    /// <summary>The follow-ups read engagements as the platform (as <see cref="NeedNotices.System"/> reads needs).</summary>
    internal static readonly Caller System = NeedNotices.System;

    /// <summary>The startup's profile page, where it starts or finishes its Stripe onboarding.</summary>
    public const string StartupProfilePage = "/startup/profile";

    /// <summary>Carries out pending moves, tells the other grains, then tells the people concerned what happened, also
    /// when a move failed or waits. Throws after that when a move or a step failed (its event stays pending; the job is retried).</summary>
    public async Task<Settlement> FollowUpAsync(string needId)
    {
        var grain = grains.GetGrain<IEngagementGrain>(needId);
        var settled = await moves.SettleAsync(needId);
        await grain.SyncAsync();
        var engagement = await grain.GetAsync(System);
        await ReceiptCommands.IssueAsync(grains, engagement);
        await TellAsync(engagement, settled.Waiting);
        if (settled.Failures.Count > 0)
            throw new AggregateException($"Engagement {needId}: {settled.Failures.Count} money moves failed; the follow-up is retried.", settled.Failures);
        return settled with { Engagement = engagement };
    }

    /// <summary>After a delivery: the warning, then the automatic release, unless the SME answers first.</summary>
    public void ScheduleAutoRelease(string needId, int index, DateTimeOffset deliveredAt)
    {
        var releaseAt = deliveredAt + TimeSpan.FromDays(settings.AutoReleaseDays);
        jobs.Schedule<PaymentJobs>(j => j.AutoReleaseWarningAsync(needId, index), releaseAt - TimeSpan.FromDays(settings.AutoReleaseWarningDays));
        jobs.Schedule<PaymentJobs>(j => j.AutoReleaseAsync(needId, index), releaseAt + TimeSpan.FromMinutes(1));
    }

    /// <summary>Reminds the SME to fund a milestone a few days from <paramref name="from"/> (the award, or the previous release).</summary>
    public void ScheduleFundingReminder(string needId, int index, DateTimeOffset from) =>
        jobs.Schedule<PaymentJobs>(j => j.FundingReminderAsync(needId, index), from + TimeSpan.FromDays(settings.FundingReminderDays));

    /// <summary>The funding request of a co-funded milestone (its <paramref name="round"/>) lapses once the programme's hold is
    /// over (<paramref name="heldUntil"/>) if it is still unpaid (<see cref="IEngagementGrain.LapseFundingAsync"/>).</summary>
    public void ScheduleFundingLapse(string needId, int index, int round, DateTimeOffset heldUntil) =>
        jobs.Schedule<PaymentJobs>(j => j.LapseFundingAsync(needId, index, round), heldUntil + TimeSpan.FromMinutes(1));

    /// <summary>Lapses an unpaid funding request once it is due; one not due yet (a card checkout opened before the hold's
    /// end) is tried again when it is. Its FundingLapsed event tells the SME.</summary>
    [Queue(Queues.FollowUps)]
    public async Task LapseFundingAsync(string needId, int index, int round)
    {
        if (await grains.GetGrain<IEngagementGrain>(needId).LapseFundingAsync(index, round) is { } due)
            jobs.Schedule<PaymentJobs>(j => j.LapseFundingAsync(needId, index, round), due + TimeSpan.FromMinutes(1));
    }

    /// <summary>Approves a delivery nobody answered once it is due; its Approved event carries out the release.</summary>
    [Queue(Queues.FollowUps)]
    public Task AutoReleaseAsync(string needId, int index) => grains.GetGrain<IEngagementGrain>(needId).AutoReleaseAsync(index);

    [Queue(Queues.FollowUps)]
    public async Task AutoReleaseWarningAsync(string needId, int index)
    {
        var e = await grains.GetGrain<IEngagementGrain>(needId).GetAsync(System);
        if (e.Milestone(index) is not { Status: MilestoneStatus.Delivered, DeliveredAt: { } delivered } m) return;
        var releaseAt = delivered + TimeSpan.FromDays(settings.AutoReleaseDays);
        if (time.GetUtcNow() < releaseAt - TimeSpan.FromDays(settings.AutoReleaseWarningDays)) return;
        await notifier.NotifyAsync(e.SmeAccountId, NotificationKinds.AutoReleaseWarning, $"{needId}:m{index}:auto-release-warning",
            Values(e, m, ("releaseOn", $"{Languages.Formats.Today(releaseAt):yyyy-MM-dd}")));
    }

    [Queue(Queues.FollowUps)]
    public async Task FundingReminderAsync(string needId, int index)
    {
        var e = await grains.GetGrain<IEngagementGrain>(needId).GetAsync(System);
        if (e.CancelledAt is not null || e.Milestone(index) is not { Status: MilestoneStatus.AwaitingFunding } m) return;
        if (e.Milestones.Take(index).Any(p => p.Status is not (MilestoneStatus.Released or MilestoneStatus.Refunded))) return;
        await notifier.NotifyAsync(e.SmeAccountId, NotificationKinds.FundingReminder, $"{needId}:m{index}:funding-reminder",
            Values(e, m, ("amount", Money.Format(m.AmountMinor))));
    }

    /// <summary>One notification the state calls for.</summary>
    private sealed record Telling(string? AccountId, string Kind, string Key, IReadOnlyDictionary<string, string> Values);

    /// <summary>Every notification the engagement's state calls for, each under a key naming its event, that the engagement
    /// has not told yet: an account remembers only its newest keys, and its messages and matches soon push a milestone's
    /// out. The engagement remembers what it told once the accounts recorded it (before, a crash tells again, and the
    /// accounts, which remember it still, drop the repeat).</summary>
    private async Task TellAsync(EngagementView e, IReadOnlyList<MoneyMove> waiting)
    {
        var tellings = (await TellingsAsync(e, waiting)).Where(t => t.AccountId is not null).ToList(); // an imported profile's, once it has an account
        var grain = grains.GetGrain<IEngagementGrain>(e.NeedId);
        // Remembered by reader: a manager who joins a mediating institute later is still asked to settle the dispute.
        static string Told(Telling t) => $"{t.AccountId}|{t.Key}";
        var untold = (await grain.UntoldAsync([.. tellings.Select(Told)])).ToHashSet();
        if (untold.Count == 0) return;
        foreach (var t in tellings.Where(t => untold.Contains(Told(t)))) await notifier.NotifyAsync(t.AccountId, t.Kind, t.Key, t.Values);
        await grain.ToldAsync([.. untold]);
    }

    private async Task<List<Telling>> TellingsAsync(EngagementView e, IReadOnlyList<MoneyMove> waiting)
    {
        var tellings = new List<Telling>();
        void Tell(string? accountId, string kind, string key, IReadOnlyDictionary<string, string> values) => tellings.Add(new(accountId, kind, key, values));
        // A card release waits for the startup to finish its Stripe onboarding: it is told where, once per release.
        foreach (var move in waiting.Where(w => w.Kind == MoveKind.Release))
            if (e.Milestone(move.Index) is { } m)
                Tell(e.StartupAccountId, NotificationKinds.ReleaseAwaitingOnboarding, $"{move.OperationId}:awaiting-onboarding",
                    Values(e, m, ("amount", Money.Format(move.NetMinor)), ("onboardingLink", notifier.Link(StartupProfilePage))));
        foreach (var m in e.Milestones)
        {
            var key = $"{e.NeedId}:m{m.Index}";
            if (m is { Status: MilestoneStatus.AwaitingFunding, Method: { } method, FundingRequestedAt: not null } && moves.MailsInstructions(method))
            {
                var bank = settings.Bank;
                var programme = m.ProgrammeShare > 0 ? Money.Format(m.ProgrammeShare) : ""; // a sentence in the reader's language
                // Each request after a lapse has instructions of its own: the programme may grant another share, so another amount.
                Tell(e.SmeAccountId, NotificationKinds.FundingInstructions, m.Lapses == 0 ? $"{m.PaymentId}:instructions" : $"{m.PaymentId}:instructions:{m.Lapses}",
                    Values(e, m, ("amount", Money.Format(m.SmeShare)), ("reference", BankTransferRail.Reference(m.PaymentId)), ("holder", bank.AccountHolder),
                        ("bank", bank.Bank), ("rib", bank.Rib), ("swift", bank.Swift), ("programmeShare", programme),
                        ("payBy", $"{settings.PayBy(m.HeldUntil, m.ProgrammeShare, m.FundingRequestedAt):yyyy-MM-dd}")));
            }
            if (m is { Status: MilestoneStatus.AwaitingFunding, FundingRequestedAt: null, FundingLapsedAt: { } lapsed } && e.CancelledAt is null)
                Tell(e.SmeAccountId, NotificationKinds.FundingLapsed, $"{key}:lapsed:{lapsed.UtcTicks}",
                    Values(e, m, ("amount", Money.Format(m.AmountMinor - m.LapsedSmeMinor)), ("days", $"{settings.ProgrammeHoldDays}")));
            if (m.FundedAt is not null)
                foreach (var account in new[] { e.SmeAccountId, e.StartupAccountId })
                    Tell(account, NotificationKinds.MilestoneFunded, $"{key}:funded",
                        Values(e, m, ("amount", Money.Format(m.AmountMinor)), ("receipt", notifier.Link(ReceiptCommands.Path(m.PaymentId)))));
            if (m.DeliveredAt is { } delivered)
                Tell(e.SmeAccountId, NotificationKinds.MilestoneDelivered, $"{key}:delivered",
                    Values(e, m, ("note", m.DeliveryNote ?? ""), ("links", m.DeliveryLinks.Count == 0 ? "" : string.Join('\n', m.DeliveryLinks) + "\n\n"), ("releaseOn", $"{Languages.Formats.Today(delivered + TimeSpan.FromDays(settings.AutoReleaseDays)):yyyy-MM-dd}")));
            if (m.Dispute is { } dispute)
            {
                var other = dispute.OpenedBy switch
                {
                    Roles.Startup => e.SmeAccountId,
                    Roles.Sme => e.StartupAccountId,
                    "card" or "card-refund" => null, // the card holder's bank, or a refund in Stripe: both hear of it
                    _ => throw new InvalidOperationException($"Unknown side {dispute.OpenedBy} of dispute {dispute.Id}."),
                };
                // A milestone's dispute id is its own; a refund in Stripe may open a second one after a decision, and a chargeback
                // take over a party's dispute: named by its opening.
                var told = dispute.OpenedBy == "card-refund" || dispute.Superseded ? $"{dispute.Id}:{dispute.OpenedAt.UtcTicks}" : dispute.Id;
                foreach (var account in other is null ? new[] { e.SmeAccountId, e.StartupAccountId } : [other])
                    Tell(account, NotificationKinds.DisputeOpened, $"{told}:opened", Values(e, m, ("reason", Dispute.ReasonKey(dispute.OpenedBy) ?? dispute.Reason)));
                // Mediators the SME accepted: each of their institutes' managers is asked to settle it, once.
                if (dispute is { MediatorsAcceptedAt: not null, ResolvedAt: null })
                    foreach (var institute in dispute.MediatorInstitutes.Select(id => grains.GetGrain<Grains.Incubation.IInstituteGrain>(id)))
                    {
                        await institute.AddMediationAsync(e.NeedId); // listed on its managers' page
                        foreach (var manager in (await institute.GetAsync())?.ManagerAccountIds ?? [])
                            Tell(manager, NotificationKinds.DisputeMediation, $"{told}:mediate",
                                Values(e, m, ("reason", Dispute.ReasonKey(dispute.OpenedBy) ?? dispute.Reason), ("amount", Money.Format(m.AmountMinor - m.RefundedMinor - m.ReleasedMinor))));
                    }
                if (dispute.ResolvedAt is not null)
                    foreach (var account in new[] { e.SmeAccountId, e.StartupAccountId })
                        Tell(account, NotificationKinds.DisputeResolved, $"{told}:resolved",
                            Values(e, m, ("release", Money.Format(dispute.ReleaseMinor)), ("refund", Money.Format(dispute.RefundMinor - dispute.RefundProgrammeMinor)),
                                ("programmeRefund", dispute.RefundProgrammeMinor > 0 ? Money.Format(dispute.RefundProgrammeMinor) : ""), ("note", dispute.Note ?? "")));
            }
            // A release split by where its money is (a co-funded milestone paid by card) has two payouts: the startup is told the sum.
            if (m.Status == MilestoneStatus.Released && e.Payouts.Where(p => p.Index == m.Index && p.Kind == MoveKind.Release).ToList() is [var payout, ..] released)
                Tell(e.StartupAccountId, NotificationKinds.MilestoneReleased, $"{key}:released",
                    Values(e, m, ("amount", Money.Format(released.Sum(p => p.AmountMinor))), ("fee", Money.Format(m.ReleasedMinor - released.Sum(p => p.AmountMinor))),
                        ("receipt", notifier.Link(ReceiptCommands.Path(payout.Id))),
                        ("held", released.Any(p => p.Status == PayoutStatus.Held) ? "held" : ""))); // a sentence saying an administrator checks it first
        }
        // Every milestone settled: each side is asked for its review, on the need's page where it is written.
        if (e is { CompletedAt: not null, CancelledAt: null })
            foreach (var account in new[] { e.SmeAccountId, e.StartupAccountId })
                Tell(account, NotificationKinds.EngagementCompleted, $"{e.NeedId}:completed",
                    new Dictionary<string, string> { ["title"] = e.Title, ["link"] = notifier.NeedLink(e.NeedId), ["criteria"] = account == e.SmeAccountId ? Roles.Sme : Roles.Startup });
        // Ended by one side: the other side is told (the refunds of funded milestones follow, each with its e-mail).
        if (e is { CancelledAt: not null, CancelledBy: { } by })
            Tell(by == Roles.Sme ? e.StartupAccountId : e.SmeAccountId, NotificationKinds.EngagementCancelled, $"{e.NeedId}:cancelled",
                    new Dictionary<string, string> { ["title"] = e.Title, ["by"] = by, ["link"] = notifier.EngagementLink(e.NeedId) });
        // A bank payout with nowhere valid to go waits: its beneficiary is told where to give its RIB.
        foreach (var payout in e.Payouts.Where(p => p.Status is PayoutStatus.Pending or PayoutStatus.Held))
        {
            var details = await grains.GetGrain<IPayoutDetailsGrain>(payout.BeneficiaryId).GetAsync(System);
            if (details is { Valid: true } || e.Milestone(payout.Index) is not { } m) continue;
            Tell(payout.BeneficiaryKind == Roles.Startup ? e.StartupAccountId : e.SmeAccountId, NotificationKinds.PayoutAwaitingDetails,
                $"{payout.Id}:awaiting-details", Values(e, m, ("amount", Money.Format(payout.AmountMinor)), ("detailsLink", notifier.Link(PayoutDetailsJobs.PayoutDetailsPage))));
        }
        return tellings;
    }

    private Dictionary<string, string> Values(EngagementView e, MilestoneView m, params (string Key, string Value)[] more)
    {
        var values = new Dictionary<string, string>
        {
            ["title"] = e.Title, ["milestone"] = m.Title, ["startup"] = e.StartupName, ["currency"] = e.Currency,
            ["link"] = notifier.EngagementLink(e.NeedId), // where the money is seen and acted on, not the need
        };
        foreach (var (key, value) in more) values[key] = value;
        return values;
    }
}
