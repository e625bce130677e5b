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
        var followed = await grains.GetGrain<IMentoringGrain>(id).ListAsync();
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

    /// <summary>The id of the caller's own profile, or a 409 telling them to create it first.</summary>
    public Task<string> OwnProfileIdAsync(Caller caller, string kind) => grains.ProfileOfAsync(caller, kind);

    /// <summary>
    /// The account reserves its one profile first (atomically, in the account grain); only the request holding the
    /// reservation creates the profile, then confirms it. Concurrent creations get 409 and store nothing.
    /// </summary>
    private async Task<string> CreateAsync<TGrain, TDetails>(Caller caller, string role, string prefix, TDetails details)
        where TGrain : IProfileGrain<TDetails>
    {
        if (caller.Role != role) throw MarketplaceException.Conflict($"Only {role} accounts create {role} profiles.");
        var account = grains.GetGrain<IAccountGrain>(caller.AccountId);
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
