using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// Evaluators: people a cohort's managers ask to score its applications. A manager invites an e-mail address; its owner
/// becomes an evaluator only by accepting, signed in to a mentor or manager account of that address. The invitation
/// creates no account and its answer is the same for every address, so it tells nobody who has an account here.
/// </summary>
public sealed class EvaluatorCommands(IGrainFactory grains, AuditTrail audit, Notifier notifier, IBackgroundJobClient jobs)
{
    /// <summary>The page where a mentor or a manager answers the invitations to their address.</summary>
    public const string Page = "/evaluations";

    /// <summary>
    /// Records the invitation; a mentor or manager account of the address is e-mailed once (other addresses are e-mailed
    /// nothing: the invitation waits for a mentor account signed up with the address).
    /// </summary>
    public async Task<EvaluatorInvitationResponse> InviteAsync(Caller caller, string cohortId, EvaluatorInput input)
    {
        var email = Checks.Valid(c => c.Email("email", input.Email));
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var (invitation, _) = await cohort.InviteEvaluatorAsync(caller, email);
        // Whether the address has an account is looked up by a job, for every address alike: the answer's time tells nothing.
        if (invitation.Status == InvitationStatus.Invited) jobs.Enqueue<EvaluatorCommands>(c => c.TellAsync(cohortId, email));
        // Named by the invitation: a repeat after a crash between the two writes adds the entry it lacks, and only that.
        await audit.RecordOnceAsync(caller, $"aud-evaluator-invited-{cohortId}-{invitation.InvitedAt.UtcTicks}", invitation.InvitedAt,
            AuditActions.EvaluatorInvited, cohortId);
        return EvaluatorInvitationResponse.From(invitation);
    }

    /// <summary>E-mails the invitation to a mentor or manager account of the address, once (keyed by the cohort).</summary>
    [Queue(Jobs.Queues.FollowUps)]
    public async Task TellAsync(string cohortId, string email)
    {
        if (await grains.GetGrain<ISignInGrain>(email).GetAccountIdAsync() is not { } accountId
            || (await grains.GetGrain<IAccountGrain>(accountId).GetAsync())?.Role is not (Roles.Mentor or Roles.Manager))
            return;
        var invitation = (await grains.GetGrain<IEvaluatorInvitationsGrain>(email).ListAsync()).FirstOrDefault(i => i.CohortId == cohortId);
        if (invitation is not { Status: InvitationStatus.Invited }) return;
        await notifier.NotifyAsync(accountId, NotificationKinds.EvaluatorInvitation, $"cohort:{cohortId}:evaluator", new Dictionary<string, string>
        {
            ["cohort"] = invitation.CohortName, ["link"] = notifier.Link(Page),
        });
    }

    /// <summary>The evaluator invitations a cohort sent, newest first: for its managers.</summary>
    public async Task<List<EvaluatorInvitationResponse>> SentAsync(Caller caller, string cohortId) =>
        [.. (await grains.GetGrain<ICohortGrain>(cohortId).EvaluatorInvitationsAsync(caller)).Select(EvaluatorInvitationResponse.From)];

    /// <summary>The invitations to the caller's address, newest first.</summary>
    public async Task<List<EvaluatorInvitationResponse>> MineAsync(Caller caller)
    {
        if (await EmailAsync(caller) is not { } email) return [];
        var invitations = await grains.GetGrain<IEvaluatorInvitationsGrain>(email).ListAsync();
        return [.. invitations.Reverse().Select(EvaluatorInvitationResponse.From)];
    }

    /// <summary>The caller accepts or declines the invitation of this cohort to their address.</summary>
    public async Task<EvaluatorInvitationResponse> AnswerAsync(Caller caller, string cohortId, bool accept)
    {
        var email = (Ids.IsValid(cohortId) ? await EmailAsync(caller) : null) ?? throw MarketplaceException.NotFound("Invitation");
        var answered = await grains.GetGrain<ICohortGrain>(cohortId).AnswerEvaluatorAsync(caller, email, accept);
        await audit.RecordOnceAsync(caller, $"aud-evaluator-answered-{cohortId}-{caller.AccountId}", answered.AnsweredAt!.Value,
            AuditActions.EvaluatorInvitationAnswered, cohortId, answered.Status.Name());
        return EvaluatorInvitationResponse.From(answered);
    }

    private async Task<string?> EmailAsync(Caller caller) =>
        caller.Role is Roles.Mentor or Roles.Manager ? (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Email : null;
}
