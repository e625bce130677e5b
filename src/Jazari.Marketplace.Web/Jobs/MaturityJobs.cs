using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Maturity;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// What the engagements' follow-ups tell digital maturity: an award's amount joins its category's budgets; a completed
/// engagement is counted in its SME's figures and schedules the invitation to re-assess six months later. The
/// invitation job sends what is due by the marketplace's clock, once per invitation (keyed), and can run any number of times.
/// </summary>
public sealed class MaturityJobs(IGrainFactory grains, Notifier notifier, IBackgroundJobClient jobs, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    /// <summary>The accepted bid of an awarded need, counted once in its category.</summary>
    public async Task AwardedAsync(EngagementView engagement)
    {
        var need = await grains.GetGrain<INeedGrain>(engagement.NeedId).GetAsync(PaymentJobs.System);
        await grains.GetGrain<IAwardedBudgetsGrain>(need.Details.Category).AddAsync(engagement.NeedId, engagement.Milestones.Sum(m => m.AmountMinor));
    }

    /// <summary>A completed engagement: counted once in the SME's figures; its invitation is scheduled (again, harmlessly, on a repeat).</summary>
    public async Task CompletedAsync(EngagementView engagement)
    {
        if (engagement.CompletedAt is not { } completedAt) return;
        var released = engagement.Milestones.Where(m => m.Status == MilestoneStatus.Released).ToList();
        var invitation = await grains.GetGrain<ISmeMaturityGrain>(engagement.SmeId).EngagementCompletedAsync(new CompletedEngagement(
            engagement.NeedId, engagement.ProgrammeId, completedAt, released.Sum(m => m.ReleasedMinor), released.Sum(m => m.ProgrammeShare),
            engagement.SmeAccountId));
        if (invitation.SentAt is null)
        {
            var smeId = engagement.SmeId;
            await Task.Run(() => jobs.Schedule<MaturityJobs>(j => j.InviteAsync(smeId), invitation.DueAt));
        }
    }

    /// <summary>Queues the invitation job now (an admin's invitation on demand).</summary>
    public void QueueInvitations(string smeId) => jobs.Enqueue<MaturityJobs>(j => j.InviteAsync(smeId));

    /// <summary>Sends the SME's invitations due by now, each once.</summary>
    [Queue(Queues.FollowUps), AutomaticRetry(Attempts = 20, DelaysInSeconds = new[] { 2, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800, 1800 })]
    public async Task InviteAsync(string smeId)
    {
        var maturity = grains.GetGrain<ISmeMaturityGrain>(smeId);
        var due = await maturity.DueInvitationsAsync(time.GetUtcNow());
        if (due.Count == 0) return;
        var sme = await grains.GetGrain<ISmeGrain>(smeId).GetAsync(Caller.Marketplace);
        foreach (var invitation in due)
        {
            var to = invitation.AccountId ?? sme.OwnerAccountId;
            if (to is not null)
                await notifier.NotifyAsync(to, NotificationKinds.ReassessmentInvitation, $"reassessment:{smeId}:{invitation.Key}", new Dictionary<string, string>
                {
                    ["sme"] = sme.Details.Name, ["link"] = notifier.Link("/sme/assessment"),
                });
            await maturity.InvitationSentAsync(invitation.Key, time.GetUtcNow());
        }
    }
}
