namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>A Jazari institute (Jazari Root, a thematic or regional institute): its cohorts and its managers.</summary>
public interface IInstituteGrain : IGrainWithStringKey
{
    /// <summary>Creates or renames the institute (admin); true when it was created.</summary>
    Task<bool> SaveAsync(string name, string region);
    Task<InstituteView?> GetAsync();
    Task AddCohortAsync(string cohortId);
    Task AddManagerAsync(string accountId);

    /// <summary>Keeps an engagement whose dispute the SME asked this institute to mediate (once; the oldest drop past a bound).</summary>
    Task AddMediationAsync(string needId);

    /// <summary>The engagements this institute was asked to mediate, newest first.</summary>
    Task<IReadOnlyList<string>> MediationsAsync();
}

/// <summary>The list of all institutes, for admins and the ministry report.</summary>
public interface IInstituteDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one directory.</summary>
    const string Key = "jazari";

    Task AddAsync(string instituteId);
    Task<IReadOnlyList<string>> ListAsync();
}

[GenerateSerializer, Alias("jazari.institute-view")]
public sealed record InstituteView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Region,
    [property: Id(3)] IReadOnlyList<string> CohortIds,
    [property: Id(4)] IReadOnlyList<string> ManagerAccountIds);

[GenerateSerializer, Alias("jazari.institute-state")]
public sealed class InstituteState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string Region { get; set; } = "";
    [Id(2)] public List<string> CohortIds { get; set; } = [];
    [Id(3)] public List<string> ManagerAccountIds { get; set; } = [];
    [Id(4)] public List<string> Mediations { get; set; } = [];
}

internal sealed class InstituteGrain(
    [PersistentState("institute", "marketplace")] IPersistentState<InstituteState> state,
    IGrainFactory grains) : Grain, IInstituteGrain
{
    public const int MaxCohorts = 500;
    public const int MaxManagers = 100;
    public const int MaxMediations = 200;

    public async Task<bool> SaveAsync(string name, string region)
    {
        var created = state.State.Name.Length == 0;
        if (!created && state.State.Name == name && state.State.Region == region) return false;
        state.State.Name = name;
        state.State.Region = region;
        await state.SaveAsync();
        await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).AddAsync(this.GetPrimaryKeyString());
        return created;
    }

    public Task<InstituteView?> GetAsync() => Task.FromResult(state.State.Name.Length > 0
        ? new InstituteView(this.GetPrimaryKeyString(), state.State.Name, state.State.Region, [.. state.State.CohortIds], [.. state.State.ManagerAccountIds])
        : null);

    public async Task AddCohortAsync(string cohortId)
    {
        if (state.State.Name.Length == 0) throw MarketplaceException.NotFound("Institute");
        if (state.State.CohortIds.Contains(cohortId)) return;
        if (state.State.CohortIds.Count >= MaxCohorts) throw MarketplaceException.Conflict($"An institute runs at most {MaxCohorts} cohorts.");
        state.State.CohortIds.Add(cohortId);
        await state.SaveAsync();
    }

    /// <summary>Managers may be attached before the institute itself is created by an admin.</summary>
    public async Task AddManagerAsync(string accountId)
    {
        if (state.State.ManagerAccountIds.Contains(accountId)) return;
        if (state.State.ManagerAccountIds.Count >= MaxManagers) throw MarketplaceException.Conflict($"An institute has at most {MaxManagers} managers.");
        state.State.ManagerAccountIds.Add(accountId);
        await state.SaveAsync();
    }

    public async Task AddMediationAsync(string needId)
    {
        if (state.State.Mediations.Contains(needId)) return;
        state.State.Mediations.Add(needId);
        if (state.State.Mediations.Count > MaxMediations) state.State.Mediations.RemoveAt(0);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> MediationsAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Reverse(state.State.Mediations)]);
}

[GenerateSerializer, Alias("jazari.institute-directory-state")]
public sealed class InstituteDirectoryState
{
    [Id(0)] public List<string> InstituteIds { get; set; } = [];
}

internal sealed class InstituteDirectoryGrain(
    [PersistentState("institute-directory", "marketplace")] IPersistentState<InstituteDirectoryState> state) : Grain, IInstituteDirectoryGrain
{
    public const int MaxInstitutes = 200;

    public async Task AddAsync(string instituteId)
    {
        if (state.State.InstituteIds.Contains(instituteId)) return;
        if (state.State.InstituteIds.Count >= MaxInstitutes) throw MarketplaceException.Conflict($"At most {MaxInstitutes} institutes.");
        state.State.InstituteIds.Add(instituteId);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.InstituteIds]);
}
