using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;

namespace Jazari.Marketplace.Web.Application;

/// <summary>
/// SME, startup and mentor profiles: each account of those roles owns one, reserved on the account before it is
/// created (so concurrent creations store one), and every change is audited here.
/// </summary>
public sealed class ProfileCommands(IGrainFactory grains, AuditTrail audit)
{
    public Task<string> CreateSmeAsync(Caller caller, SmeInput input) =>
        CreateAsync<ISmeGrain, SmeDetails>(caller, Roles.Sme, "sme", Checks.Valid(input.ToDetails));

    public Task<string> CreateStartupAsync(Caller caller, StartupInput input) =>
        CreateAsync<IStartupGrain, StartupDetails>(caller, Roles.Startup, "st", Checks.Valid(input.ToDetails));

    public Task<string> CreateMentorAsync(Caller caller, MentorInput input) =>
        CreateAsync<IMentorGrain, MentorDetails>(caller, Roles.Mentor, "mentor", Checks.Valid(input.ToDetails));

    /// <summary>An SME's profile: for its owner and admins only (managers have no concern with SMEs).</summary>
    public async Task<SmeResponse> GetSmeAsync(Caller caller, string id) =>
        SmeResponse.From(await grains.GetGrain<ISmeGrain>(id).GetAsync(caller));

    public async Task<SmeResponse> UpdateSmeAsync(Caller caller, string id, SmeInput input)
    {
        var details = Checks.Valid(input.ToDetails);
        var updated = await grains.GetGrain<ISmeGrain>(id).UpdateAsync(caller, details);
        await audit.RecordAsync(caller, AuditActions.ProfileUpdated, id);
        return SmeResponse.From(updated);
    }

    /// <summary>A startup's profile: startups market themselves, every signed-in account reads it.</summary>
    public async Task<StartupResponse> GetStartupAsync(Caller caller, string id)
    {
        var startup = grains.GetGrain<IStartupGrain>(id);
        return StartupResponse.From(await startup.GetAsync(caller), await startup.GetTrackRecordAsync());
    }

    public async Task<StartupResponse> UpdateStartupAsync(Caller caller, string id, StartupInput input)
    {
        var details = Checks.Valid(input.ToDetails);
        var startup = grains.GetGrain<IStartupGrain>(id);
        var updated = await startup.UpdateAsync(caller, details);
        await audit.RecordAsync(caller, AuditActions.ProfileUpdated, id);
        // Its cohorts' dashboards, its mentors' lists and its missions under way carry the name it has now.
        foreach (var cohort in (await grains.GetGrain<IStartupActivityGrain>(id).GetAsync()).Cohorts)
            await grains.GetGrain<ICohortGrain>(cohort.CohortId).RenameStartupAsync(id, updated.Details.Name);
        foreach (var needId in await startup.GetProjectIdsAsync(50))
            await grains.GetGrain<Grains.Payments.IEngagementGrain>(needId).RenameStartupAsync(id, updated.Details.Name);
        return StartupResponse.From(updated, await startup.GetTrackRecordAsync());
    }

    /// <summary>
    /// A mentor's profile: its owner, admins, and the managers of an institute where the mentor follows a startup
    /// (their institutes' concern); anyone else is told it does not exist.
    /// </summary>
    public async Task<MentorResponse> GetMentorAsync(Caller caller, string id)
    {
        var mentor = grains.GetGrain<IMentorGrain>(id);
        if (caller.Role != Roles.Manager) return MentorResponse.From(await mentor.GetAsync(caller));
        var institutes = (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.Institutes ?? [];
        // Following now: not an assignment that ended (its cohort over a month ago, or the startup left it).
        var followed = await grains.GetGrain<IMentoringGrain>(id).FollowingAsync();
        if (!followed.Any(s => institutes.Contains(s.InstituteId))) throw MarketplaceException.NotFound("Mentor");
        return MentorResponse.From(await mentor.GetAsync(Caller.Marketplace));
    }

    public async Task<MentorResponse> UpdateMentorAsync(Caller caller, string id, MentorInput input)
    {
        var details = Checks.Valid(input.ToDetails);
        var updated = await grains.GetGrain<IMentorGrain>(id).UpdateAsync(caller, details);
        await audit.RecordAsync(caller, AuditActions.ProfileUpdated, id);
        return MentorResponse.From(updated);
    }

    /// <summary>
    /// The imported profiles of the caller's role whose catalogue gives the caller's own address (verified at sign-up):
    /// what it may take over instead of creating a profile. Empty once the account has a profile; a takeover cut short
    /// (the profile taken, the account not yet linked) is offered again, so that taking it finishes the job.
    /// </summary>
    public async Task<List<ListedProfileResponse>> ListedAsync(Caller caller)
    {
        if (caller.Role is not (Roles.Sme or Roles.Startup) || await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync() is not { ProfileId: null } account)
            return [];
        var listed = new List<ListedProfileResponse>();
        foreach (var entry in await grains.GetGrain<IListedProfilesGrain>(account.Email).ListAsync())
            if (entry.Role == caller.Role && await ListedForAsync(caller, entry.ProfileId, account.Email) is { } profile) listed.Add(profile);
        return listed;
    }

    /// <summary>
    /// The caller takes over a profile listed for its address (see <see cref="ListedAsync"/>): it becomes the account's
    /// profile, and an SME's imported needs become its own (it chooses their bids, it is written to about them). Each step
    /// repeats safely, so sending it again after a failure finishes the job; a profile not listed for the caller is not found.
    /// </summary>
    public async Task<string> ClaimAsync(Caller caller, string profileId)
    {
        var account = grains.GetGrain<IAccountGrain>(caller.AccountId);
        if (caller.Role is not (Roles.Sme or Roles.Startup) || !Ids.IsValid(profileId) || await account.GetAsync() is not { } view
            || (view.ProfileId ?? profileId) != profileId || await ListedForAsync(caller, profileId, view.Email) is null)
            throw MarketplaceException.NotFound("Profile");
        if (view.ProfileId is null && await account.ReserveProfileAsync(profileId) != profileId)
            throw MarketplaceException.Conflict("This account's profile is being created; update it instead.");
        DateTimeOffset claimedAt;
        if (caller.Role == Roles.Sme)
        {
            claimedAt = (await grains.GetGrain<ISmeGrain>(profileId).ClaimAsync(caller.AccountId, view.Email)).UpdatedAt;
            foreach (var needId in await grains.GetGrain<Grains.Needs.IProfileNeedsGrain>(profileId).ListAsync(int.MaxValue))
                await grains.GetGrain<Grains.Needs.INeedGrain>(needId).ClaimAsync(profileId, caller.AccountId);
        }
        else claimedAt = (await grains.GetGrain<IStartupGrain>(profileId).ClaimAsync(caller.AccountId, view.Email)).UpdatedAt;
        await account.LinkProfileAsync(profileId);
        // Named by the profile: a repeat (after a failure, or a double tap) adds no second entry.
        await audit.RecordOnceAsync(caller, $"aud-claimed-{profileId}", claimedAt, AuditActions.ProfileClaimed, profileId);
        return profileId;
    }

    /// <summary>
    /// The profile of the caller's role and this id, when its catalogue lists it for <paramref name="email"/> and nobody
    /// holds it, or when the caller took it over.
    /// </summary>
    private async Task<ListedProfileResponse?> ListedForAsync(Caller caller, string profileId, string email)
    {
        if (caller.Role == Roles.Sme)
            return await grains.GetGrain<ISmeGrain>(profileId).ListedForAsync(email, caller.AccountId) is { } sme
                ? new(sme.Id, sme.Details.Name, sme.Details.City, sme.Details.Region) : null;
        return await grains.GetGrain<IStartupGrain>(profileId).ListedForAsync(email, caller.AccountId) is { } startup
            ? new(startup.Id, startup.Details.Name, startup.Details.City, startup.Details.Region) : null;
    }

    /// <summary>Who holds the profile: its owner's account id, "" when it exists with no owner (imported), null when there is none.</summary>
    private async Task<string?> OwnerOfAsync<TGrain, TDetails>(string profileId) where TGrain : IProfileGrain<TDetails>
    {
        try { return (await grains.GetGrain<TGrain>(profileId).GetAsync(Caller.Marketplace)).OwnerAccountId ?? ""; }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { return null; }
    }

    /// <summary>
    /// The account reserves its one profile first (atomically, in the account grain); only the request holding the
    /// reservation creates the profile, then confirms it. Concurrent creations get 409 and store nothing.
    /// </summary>
    private async Task<string> CreateAsync<TGrain, TDetails>(Caller caller, string role, string prefix, TDetails details)
        where TGrain : IProfileGrain<TDetails>
    {
        if (caller.Role != role) throw MarketplaceException.Conflict($"Only {role} accounts create {role} profiles.");
        var account = grains.GetGrain<IAccountGrain>(caller.AccountId);
        if (role is (Roles.Sme or Roles.Startup) && await account.GetAsync() is { ReservedProfileId: { } reserved } view)
        {
            // The reservation names a profile of the catalogue whose takeover was cut short: the account's profile is that one.
            if (await ListedForAsync(caller, reserved, view.Email) is not null) return await ClaimAsync(caller, reserved);
            // Or one that is no longer the caller's to take (its catalogue gave it another contact since): not waited for.
            if (await OwnerOfAsync<TGrain, TDetails>(reserved) is { } owner && owner != caller.AccountId) await account.DropReservationAsync(reserved);
        }
        var id = await account.ReserveProfileAsync(Ids.New(prefix));
        await grains.GetGrain<TGrain>(id).CreateAsync(caller.AccountId, details);
        await account.LinkProfileAsync(id);
        await audit.RecordAsync(caller, AuditActions.ProfileCreated, id);
        return id;
    }
}

public static class AccountProfiles
{
    /// <summary>The profile (SME, startup or mentor) owned by the caller's account, or a 409 saying to create it first.</summary>
    public static async Task<string> ProfileOfAsync(this IGrainFactory grains, Caller caller, string kind) =>
        (await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync())?.ProfileId
        ?? throw MarketplaceException.Conflict($"Create your {kind} profile first.");
}
