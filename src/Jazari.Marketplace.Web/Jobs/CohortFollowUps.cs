using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Follows up a cohort's changes (<see cref="CohortEvent"/>): a member's link to the cohort (its figures flow there,
/// its Cohorts page lists it) and its end when the member leaves, with its mentors' following there; the applicant's
/// e-mail for a decision, the mentor's and the startup's for an assignment; then confirms the event. The request that made the change runs it at once (<see cref="HandlePendingAsync"/>), so
/// the next page shows it; the Hangfire job does it when that request died after the write. Each step repeats safely
/// (a link is a set, each e-mail has its key), so both running sends nothing twice.
/// </summary>
public sealed class CohortFollowUps(IGrainFactory grains, Notifier notifier, ILogger<CohortFollowUps> log)
{
    [Queue(Queues.FollowUps)]
    [AutomaticRetry(Attempts = 14, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800 })]
    public async Task HandleAsync(string cohortId, string eventId)
    {
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        if ((await cohort.GetPendingEventsAsync()).FirstOrDefault(e => e.Id == eventId) is not { } e) return; // done before
        await FollowUpAsync(cohortId, e);
        await cohort.ConfirmEventAsync(eventId);
    }

    /// <summary>
    /// The events the cohort still holds for this startup, now: for the request that made the change. One that fails
    /// stays pending for its job, and the request still answers: its change is written and its follow-up stored.
    /// </summary>
    public async Task HandlePendingAsync(string cohortId, string startupId)
    {
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        foreach (var e in (await cohort.GetPendingEventsAsync()).Where(e => e.StartupId == startupId))
        {
            try
            {
                await FollowUpAsync(cohortId, e);
                await cohort.ConfirmEventAsync(e.Id);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                log.LogWarning(failure, "Cohort {CohortId}: event {EventId} left to its job", cohortId, e.Id);
            }
        }
    }

    /// <summary>An invitation's e-mail to the startup's owner (and the cohort among the owner's places). Keyed by the
    /// invitation: sent once, by the request, its event's job, or both.</summary>
    public async Task InvitedAsync(string cohortId, string startupId, string? invitationId)
    {
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var invited = (await cohort.InvitationsAsync(Caller.Marketplace)).FirstOrDefault(i => i.Id == invitationId);
        if (invited is null || (await grains.GetGrain<IStartupGrain>(startupId).GetAsync(Caller.Marketplace)).OwnerAccountId is not { } owner) return;
        await grains.GetGrain<Grains.Accounts.IAccountGrain>(owner).TookPartAsync(Grains.Accounts.PartyOf.Cohort, cohortId);
        var institute = await grains.GetGrain<IInstituteGrain>(invited.InstituteId).GetAsync();
        await notifier.NotifyAsync(owner, NotificationKinds.CohortInvitation, $"invitation:{invited.Id}", new Dictionary<string, string>
        {
            ["cohort"] = invited.CohortName,
            ["institute"] = institute?.Name ?? invited.InstituteId,
            ["startup"] = invited.StartupName,
            ["startsOn"] = invited.StartsOn.ToString("yyyy-MM-dd"),
            ["link"] = notifier.Link("/startup/invitations"),
        });
    }

    private async Task FollowUpAsync(string cohortId, CohortEvent e)
    {
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var view = await cohort.GetAsync(Caller.Marketplace);
        // Linked only while still a member: a startup that left before this follow-up ran is not linked back.
        if (e.Kind is CohortEventKind.Joined or CohortEventKind.Admitted && await cohort.MembershipAsync(e.StartupId) is not null)
        {
            try
            {
                var activity = grains.GetGrain<IStartupActivityGrain>(e.StartupId);
                await activity.JoinCohortAsync(cohortId, view.InstituteId);
                // Left while this was on its way: unlinked again (the leave's own unlinking may have run before the link).
                if (await cohort.MembershipAsync(e.StartupId) is null) await activity.LeaveCohortAsync(cohortId);
            }
            catch (MarketplaceException refused)
            {
                // Refused, not failed (a startup in the most cohorts it takes): final, so the e-mail still goes and the
                // event is confirmed instead of being retried for ever.
                log.LogError(refused, "Cohort {CohortId}: startup {StartupId} not linked", cohortId, e.StartupId);
            }
        }
        switch (e.Kind)
        {
            case CohortEventKind.Admitted or CohortEventKind.Declined:
                if ((await cohort.RankAsync(Caller.Marketplace)).FirstOrDefault(a => a.Id == e.ApplicationId) is not { } application) return;
                var admitted = e.Kind == CohortEventKind.Admitted;
                // Keyed by the application and the decision: a decision made once is e-mailed once.
                await notifier.NotifyAsync(application.ApplicantAccountId, admitted ? NotificationKinds.ApplicationAdmitted : NotificationKinds.ApplicationDeclined,
                    $"application:{e.ApplicationId}:{(admitted ? "admitted" : "declined")}", new Dictionary<string, string>
                    {
                        ["startup"] = application.StartupName, ["cohort"] = view.Name,
                        // Admitted: its goals, the cohort's among them; declined: the calls still open.
                        ["link"] = notifier.Link(admitted ? "/startup/goals" : "/startup/invitations#calls"),
                    });
                break;
            case CohortEventKind.Invited:
                await InvitedAsync(cohortId, e.StartupId, e.InvitationId);
                break;
            case CohortEventKind.Left when e.MentorId is { } mentorId:
                await grains.GetGrain<IMentoringGrain>(mentorId).EndAsync(e.StartupId, cohortId);
                break;
            case CohortEventKind.Left when await cohort.MembershipAsync(e.StartupId) is null:
                await grains.GetGrain<IStartupActivityGrain>(e.StartupId).LeaveCohortAsync(cohortId);
                await grains.GetGrain<IStartupGoalsGrain>(e.StartupId).ReleaseCohortAsync(cohortId); // its goals, now its own
                break;
            case CohortEventKind.MentorAssigned:
                // The mentor hears whom to follow, and the startup who follows it (each once per assignment).
                var mentor = await grains.GetGrain<IMentorGrain>(e.MentorId!).GetAsync(Caller.Marketplace);
                var startupGrain = grains.GetGrain<IStartupGrain>(e.StartupId);
                if (await startupGrain.GetCardAsync() is not { } startup) return;
                if (mentor.OwnerAccountId is { } mentorAccount)
                    await notifier.NotifyAsync(mentorAccount, NotificationKinds.MentorAssigned, $"mentor:{cohortId}:{e.MentorId}:{e.StartupId}", new Dictionary<string, string>
                    {
                        ["startup"] = startup.Details.Name, ["cohort"] = view.Name, ["link"] = notifier.Link($"/mentor/startups/{e.StartupId}"),
                    });
                if ((await startupGrain.GetAsync(Caller.Marketplace)).OwnerAccountId is { } startupAccount)
                    await notifier.NotifyAsync(startupAccount, NotificationKinds.YourMentor, $"your-mentor:{cohortId}:{e.MentorId}:{e.StartupId}", new Dictionary<string, string>
                    {
                        ["mentor"] = mentor.Details.Name, ["startup"] = startup.Details.Name, ["cohort"] = view.Name,
                        ["link"] = notifier.Link("/startup/invitations"),
                    });
                break;
        }
    }
}

/// <summary>Hands a cohort's events to Hangfire, off the grain's scheduler.</summary>
public sealed class HangfireCohortEvents(IBackgroundJobClient jobs, JobHandOver handOver) : ICohortEvents
{
    public Task RaiseAsync(string cohortId, IReadOnlyList<CohortEvent> events) => handOver.RunAsync(() =>
    {
        foreach (var e in events) jobs.Enqueue<CohortFollowUps>(j => j.HandleAsync(cohortId, e.Id));
    });
}
