using System.Security.Cryptography;
using System.Text;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Grains.Reviews;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Privacy;

/// <summary>Everything the marketplace holds about one person, as their data export gives it.</summary>
public sealed record DataExport(
    DateTimeOffset ExportedAt,
    AccountExport Account,
    object? Profile,
    IReadOnlyList<NeedExport> Needs,
    IncubationExport Incubation,
    NotificationsExport Notifications,
    IReadOnlyList<ConversationExport> Conversations,
    IReadOnlyList<AuditEntry> Audit,
    PayoutDetailsExport? PayoutDetails,
    IReadOnlyList<Grains.Maturity.Assessment>? Assessments = null,
    /// <summary>The SME's applications to co-funding programmes (its details and note, the decision), as its page shows them.</summary>
    IReadOnlyList<ProgrammeApplicationResponse>? ProgrammeApplications = null,
    /// <summary>The expert opinions asked on the person's needs (the SME's question, the opinion), as the API shows them to it.</summary>
    IReadOnlyList<ExpertReviewResponse>? ExpertReviews = null);

/// <summary>The bank account the person's payouts (a startup) or refunds (an SME) go to, as they gave it.</summary>
public sealed record PayoutDetailsExport(string Holder, string Rib, string Bank, DateTimeOffset UpdatedAt, DateTimeOffset? RibChangedAt);

/// <summary>A thread the person takes part in, with every message of both sides, oldest first.</summary>
public sealed record ConversationExport(string Id, string NeedId, string NeedTitle, string SmeName, string StartupName, IReadOnlyList<MessageView> Messages);

/// <param name="SignUpNetwork">The keyed hash of the network the account was created from (not the address: it only tells
/// whether two accounts signed up from the same network, for the payout holds between related parties), or null.</param>
public sealed record AccountExport(string Id, string Email, string Role, string DisplayName, string Language, IReadOnlyList<string> Institutes,
    DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt, ConsentsResponse Consents, string? SignUpNetwork);

/// <summary>A need the person owns or bid on, as they see it (an owner sees every bid, a bidder its own), with its reviews.</summary>
public sealed record NeedExport(NeedResponse Need, NeedReviewsResponse? Reviews);

public sealed record IncubationExport(
    IReadOnlyList<ApplicationView> Applications,
    StartupActivityView? Activity,
    IReadOnlyList<Goal> Goals,
    IReadOnlyList<MentorSession> MentorSessions,
    IReadOnlyList<MentoredStartup> MentoredStartups,
    /// <summary>The invitations to score a cohort's applications sent to the account's address.</summary>
    IReadOnlyList<EvaluatorInvitation> EvaluatorInvitations);

public sealed record NotificationsExport(PreferencesResponse Preferences, IReadOnlyList<NotificationExport> Waiting, IReadOnlyList<string> SentKeys);

public sealed record NotificationExport(string Key, string Kind, IReadOnlyDictionary<string, string> Values, DateTimeOffset CreatedAt);

/// <summary>
/// The data rights of Law 09-08: a person's export, and the erasure of their personal data everywhere the
/// marketplace keeps it. What the law requires to be kept (ledger entries, invoices, the audit trail) stays,
/// under the account's and profiles' ids, which after erasure name nobody (the pseudonym).
/// </summary>
public sealed class PersonalData(IGrainFactory grains, AuditTrail audit, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    /// <summary>The name an erased account and its profiles go by: stable for the account, says nothing of the person.</summary>
    public static string Pseudonym(string accountId) =>
        PseudonymPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accountId)))[..PseudonymDigits];

    private const string PseudonymPrefix = "erased-";
    private const int PseudonymDigits = 10;

    /// <summary>Whether a name is an erased account's pseudonym: pages show it as "Deleted account", in the reader's language.</summary>
    public static bool IsPseudonym(string? name) =>
        name?.Length == PseudonymPrefix.Length + PseudonymDigits && name.StartsWith(PseudonymPrefix, StringComparison.Ordinal)
        && !name.AsSpan(PseudonymPrefix.Length).ContainsAnyExcept("0123456789abcdef");

    public async Task<DataExport> ExportAsync(string accountId, CancellationToken cancellation)
    {
        var accountGrain = grains.GetGrain<IAccountGrain>(accountId);
        var account = await accountGrain.GetAsync() ?? throw MarketplaceException.NotFound("Account");
        var caller = new Caller(accountId, account.Role);
        var consents = await accountGrain.GetConsentsAsync();
        var places = await accountGrain.GetPlacesAsync();

        var needs = (await SideBySideAsync(places.NeedIds, async needId =>
        {
            NeedView need;
            try { need = await grains.GetGrain<INeedGrain>(needId).GetAsync(caller); }
            catch (MarketplaceException gone) when (gone.Problem == Problem.NotFound) { return null; }
            NeedReviewsResponse? reviews = null;
            if (need.AwardedBidId is not null)
            {
                try
                {
                    var view = await grains.GetGrain<INeedReviewsGrain>(needId).ListAsync(caller);
                    reviews = new NeedReviewsResponse(view.NeedId, view.RevealedAt, view.RevealDueAt, [.. view.Reviews.Select(ReviewResponse.From)]);
                }
                catch (MarketplaceException) { } // not a party of this engagement (a bid that lost)
            }
            return new NeedExport(NeedResponse.From(need), reviews);
        })).OfType<NeedExport>().ToList();

        var notifications = grains.GetGrain<IAccountNotificationsGrain>(accountId);
        var recorded = await notifications.ExportAsync();
        var notificationsExport = new NotificationsExport(PreferencesResponse.From(await notifications.GetPreferencesAsync()),
            [.. recorded.Pending.Select(p => new NotificationExport(p.Notification.Key, p.Notification.Kind, p.Notification.Values, p.Notification.CreatedAt))],
            [.. recorded.DoneKeys]);

        return new DataExport(time.GetUtcNow(),
            new AccountExport(account.Id, account.Email, account.Role, account.DisplayName, account.Language, account.Institutes,
                account.CreatedAt, account.VerifiedAt, ConsentsResponse.From(consents), await accountGrain.GetSignUpNetworkAsync()),
            await ProfileAsync(account, caller),
            needs,
            await IncubationAsync(account, places),
            notificationsExport,
            await ConversationsAsync(caller),
            await audit.AboutAsync(accountId, cancellation),
            await PayoutDetailsAsync(account),
            await AssessmentsAsync(account, caller),
            await ProgrammeApplicationsAsync(account),
            await ExpertReviewsAsync(places.NeedIds, caller));
    }

    /// <summary>As the SME's programmes page shows them (the stored records name who decided).</summary>
    private async Task<IReadOnlyList<ProgrammeApplicationResponse>?> ProgrammeApplicationsAsync(AccountView account) =>
        account.Role == Roles.Sme && account.ProfileId is { } smeId ? await ProgrammeCommands.ApplicationsOfAsync(grains, smeId) : null;

    /// <summary>As the need's page shows them to the person (the stored records name the mentor's account).</summary>
    private async Task<IReadOnlyList<ExpertReviewResponse>> ExpertReviewsAsync(IReadOnlyList<string> needIds, Caller caller) =>
        [.. (await SideBySideAsync(needIds, needId => ExpertReviewCommands.OfNeedAsync(grains, caller, needId))).SelectMany(r => r)];

    /// <summary>The digital maturity assessments the person's SME took (answers, scores, plans), oldest first.</summary>
    private async Task<IReadOnlyList<Grains.Maturity.Assessment>?> AssessmentsAsync(AccountView account, Caller caller) =>
        account.Role == Roles.Sme && account.ProfileId is { } smeId
            ? [.. (await grains.GetGrain<Grains.Maturity.ISmeMaturityGrain>(smeId).ListAsync(caller)).Reverse()]
            : null;

    /// <summary>The payout details of the person's SME or startup profile, when they gave any.</summary>
    private async Task<PayoutDetailsExport?> PayoutDetailsAsync(AccountView account) =>
        account.ProfileId is { } profile && account.Role is Roles.Sme or Roles.Startup
            && await grains.GetGrain<Grains.Payments.IPayoutDetailsGrain>(profile).GetAsync(Caller.Marketplace) is { } details
            ? new PayoutDetailsExport(details.Holder, details.Rib, details.Bank, details.UpdatedAt, details.RibChangedAt)
            : null;

    /// <summary>
    /// Erasure waits until no money of the person's missions is in play: a mission under way, or a payment or refund of
    /// one not yet paid. Its payouts need the parties' RIBs, and the related-party holds read their addresses, RIBs and
    /// networks: erased before, money could go unchecked, or nowhere. Nothing is erased when it is refused (409).
    /// </summary>
    private async Task EnsureNoMoneyInPlayAsync(AccountView account, IReadOnlyList<string> needIds)
    {
        var inPlay = await SideBySideAsync<string?>(needIds, async needId =>
        {
            // The need first: awarded or under way with this person as a party is what its grain refuses to erase, so a
            // mission completed a moment ago whose need has not heard of it yet is refused here, before anything changes.
            NeedView need;
            try { need = await grains.GetGrain<INeedGrain>(needId).GetAsync(Jobs.NeedNotices.System); }
            catch (MarketplaceException none) when (none.Problem == Problem.NotFound) { return null; }
            if (need.Status is NeedStatus.Awarded or NeedStatus.InProgress
                && (need.SmeId == account.ProfileId || need.Bids.Any(b => b.Id == need.AwardedBidId && b.BidderAccountId == account.Id)))
                return need.Details.Title;
            Grains.Payments.EngagementView e;
            try { e = await grains.GetGrain<Grains.Payments.IEngagementGrain>(needId).GetAsync(Jobs.NeedNotices.System); }
            catch (MarketplaceException none) when (none.Problem == Problem.NotFound) { return null; } // never awarded
            var party = e.SmeAccountId == account.Id || e.StartupAccountId == account.Id || account.ProfileId is { } profile && (e.SmeId == profile || e.StartupId == profile);
            // Not completed: under way, or cancelled with its refunds still moving (a cancelled one completes once they are made).
            return party && (e.CompletedAt is null || e.Payouts.Any(p => p.Status is Grains.Payments.PayoutStatus.Pending or Grains.Payments.PayoutStatus.Held))
                ? need.Details.Title : null;
        });
        // The first in the account's order is named: the person settles it, and the next refusal names the next one.
        if (inPlay.FirstOrDefault(title => title is not null) is { } mission) throw ErasedNeed.MissionUnderWay(mission);
    }

    /// <summary>
    /// Erases the account's personal data everywhere; each step can be repeated, so erasing twice (or again after a
    /// failure half-way) finishes the job. The account's id stays, under its pseudonym, for the ledger and the audit trail.
    /// </summary>
    public async Task EraseAsync(string accountId)
    {
        var accountGrain = grains.GetGrain<IAccountGrain>(accountId);
        var account = await accountGrain.GetAsync() ?? throw MarketplaceException.NotFound("Account");
        var pseudonym = Pseudonym(accountId);
        var places = await accountGrain.GetPlacesAsync();
        await EnsureNoMoneyInPlayAsync(account, places.NeedIds);
        // Then the needs, before anything else: each one settles a race with an award of this very moment (its bid accepted
        // first: 409 here, the address and profile untouched; its bid withdrawn first: the award is refused).
        await SideBySideAsync(places.NeedIds, async needId =>
        {
            await grains.GetGrain<INeedGrain>(needId).EraseParticipantAsync(accountId, pseudonym);
            return true;
        });

        // The address next: from here on it signs in nowhere, and it can sign up again as a new account.
        if (account.Email.Length > 0) await grains.GetGrain<ISignInGrain>(account.Email).EraseAsync(accountId);

        // Invitations to evaluate sent to the address: the cohorts keep the pseudonym, the address's own list goes.
        if (account.Email.Length > 0)
        {
            var invitations = grains.GetGrain<IEvaluatorInvitationsGrain>(account.Email);
            foreach (var invitation in await invitations.ListAsync())
                await grains.GetGrain<ICohortGrain>(invitation.CohortId).EraseEvaluatorAsync(account.Email, accountId, pseudonym);
            await invitations.EraseAsync();
        }

        await SideBySideAsync(places.NeedIds, async needId =>
        {
            await grains.GetGrain<INeedReviewsGrain>(needId).EraseAuthorAsync(accountId);
            await grains.GetGrain<Grains.Payments.IEngagementGrain>(needId).EraseParticipantAsync(accountId, pseudonym);
            // The SME's question, a startup's bid, or the mentor's opinion, copied into the expert opinions asked.
            foreach (var reviewId in await grains.GetGrain<INeedExpertReviewsGrain>(needId).ListAsync())
                await grains.GetGrain<IExpertReviewGrain>(reviewId).EraseAsync(accountId, account.ProfileId, pseudonym);
            return true;
        });

        if (account.ProfileId is { } profileId)
        {
            switch (account.Role)
            {
                case Roles.Sme:
                    await grains.GetGrain<ISmeGrain>(profileId).EraseAsync(accountId, pseudonym);
                    await grains.GetGrain<Grains.Payments.IPayoutDetailsGrain>(profileId).EraseAsync(accountId);
                    foreach (var programmeId in await grains.GetGrain<Grains.Payments.IProgrammeDirectoryGrain>(Grains.Payments.IProgrammeDirectoryGrain.Key).ListAsync())
                        await grains.GetGrain<Grains.Payments.IProgrammeSmeGrain>(Grains.Payments.IProgrammeSmeGrain.KeyOf(programmeId, profileId)).EraseApplicantAsync(pseudonym);
                    break;
                case Roles.Startup:
                    await grains.GetGrain<IStartupGrain>(profileId).EraseAsync(accountId, pseudonym);
                    await grains.GetGrain<Grains.Payments.IPayoutDetailsGrain>(profileId).EraseAsync(accountId);
                    var activity = await grains.GetGrain<IStartupActivityGrain>(profileId).GetAsync();
                    foreach (var cohortId in places.CohortIds.Union(activity.Cohorts.Select(c => c.CohortId)))
                        await grains.GetGrain<ICohortGrain>(cohortId).EraseStartupAsync(accountId, profileId, pseudonym);
                    break;
                case Roles.Mentor:
                    await grains.GetGrain<IMentorGrain>(profileId).EraseAsync(accountId, pseudonym);
                    foreach (var startup in await grains.GetGrain<IMentoringGrain>(profileId).ListAsync())
                        await grains.GetGrain<IMentorSessionsGrain>(startup.StartupId).EraseMentorNotesAsync(profileId);
                    break;
                case Roles.Manager or Roles.Admin:
                    break; // they own no profile
                default:
                    throw new InvalidOperationException($"Unknown role {account.Role}.");
            }
        }

        foreach (var threadId in await grains.GetGrain<IConversationInboxGrain>(accountId).ListConversationIdsAsync())
            await grains.GetGrain<IConversationGrain>(threadId).EraseAuthorAsync(accountId, pseudonym);

        await grains.GetGrain<IAccountNotificationsGrain>(accountId).EraseAsync();
        // Last: the account drops its e-mail and revokes its tokens once everything else is done.
        await accountGrain.EraseAsync(pseudonym);
    }

    /// <summary>
    /// The account's needs, a few side by side, answers in the order of the ids: an account's places have no ceiling,
    /// and thousands of needs one after another kept an export or an erasure waiting for minutes.
    /// </summary>
    private static async Task<T[]> SideBySideAsync<T>(IReadOnlyList<string> ids, Func<string, Task<T>> step)
    {
        var results = new T[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => results[i] = await step(ids[i]));
        return results;
    }

    private async Task<List<ConversationExport>> ConversationsAsync(Caller caller)
    {
        var threads = new List<ConversationExport>();
        foreach (var threadId in await grains.GetGrain<IConversationInboxGrain>(caller.AccountId).ListConversationIdsAsync())
        {
            var thread = grains.GetGrain<IConversationGrain>(threadId);
            ConversationView page;
            try { page = await thread.GetAsync(caller, null); }
            catch (MarketplaceException gone) when (gone.Problem == Problem.NotFound) { continue; } // listed, never stored
            var messages = new List<MessageView>(page.Messages);
            while (page.Before is { } before)
            {
                page = await thread.GetAsync(caller, before);
                messages.AddRange(page.Messages);
            }
            messages.Reverse();
            threads.Add(new ConversationExport(threadId, page.NeedId, page.NeedTitle, page.SmeName, page.StartupName, messages));
        }
        return threads;
    }

    private async Task<object?> ProfileAsync(AccountView account, Caller caller)
    {
        if (account.ProfileId is not { } id) return null;
        return account.Role switch
        {
            Roles.Sme => SmeResponse.From(await grains.GetGrain<ISmeGrain>(id).GetAsync(caller)),
            Roles.Startup => StartupResponse.From(await grains.GetGrain<IStartupGrain>(id).GetAsync(caller),
                await grains.GetGrain<IStartupGrain>(id).GetTrackRecordAsync()),
            Roles.Mentor => MentorResponse.From(await grains.GetGrain<IMentorGrain>(id).GetAsync(caller)),
            Roles.Manager or Roles.Admin => null, // they own no profile
            _ => throw new InvalidOperationException($"Unknown role {account.Role}."),
        };
    }

    private async Task<IncubationExport> IncubationAsync(AccountView account, AccountPlaces places)
    {
        var applications = (await Task.WhenAll(places.CohortIds.Select(id => grains.GetGrain<ICohortGrain>(id).ApplicationsOfAsync(account.Id))))
            .SelectMany(a => a).ToList();
        IReadOnlyList<EvaluatorInvitation> evaluations = account.Email.Length == 0 ? [] : await grains.GetGrain<IEvaluatorInvitationsGrain>(account.Email).ListAsync();
        if (account.ProfileId is not { } id) return new([.. applications], null, [], [], [], evaluations);
        if (account.Role == Roles.Startup)
            return new([.. applications], await grains.GetGrain<IStartupActivityGrain>(id).GetAsync(),
                await grains.GetGrain<IStartupGoalsGrain>(id).ListAsync(), await grains.GetGrain<IMentorSessionsGrain>(id).ListAsync(), [], evaluations);
        if (account.Role == Roles.Mentor)
        {
            var mentored = await grains.GetGrain<IMentoringGrain>(id).ListAsync();
            var sessions = (await Task.WhenAll(mentored.Select(s => grains.GetGrain<IMentorSessionsGrain>(s.StartupId).ListAsync())))
                .SelectMany(s => s).Where(s => s.MentorId == id).ToList();
            return new([.. applications], null, [], sessions, mentored, evaluations);
        }
        return new([.. applications], null, [], [], [], evaluations);
    }
}
