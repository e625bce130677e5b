namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>
/// The imported profiles (SMEs, startups) whose catalogue gives one contact address, keyed by that address as accounts
/// store it: what an account signed up with it is offered to take over. At most <see cref="ListedProfilesGrain.Max"/>,
/// the oldest dropped; an entry whose profile has since another address or an owner is skipped by the reader.
/// </summary>
public interface IListedProfilesGrain : IGrainWithStringKey
{
    /// <summary>Lists the profile; listing it again changes nothing.</summary>
    Task AddAsync(string role, string profileId);
    Task<IReadOnlyList<ListedProfile>> ListAsync();
}

/// <summary>A listed profile: the role whose accounts may take it over (sme, startup) and its id.</summary>
[GenerateSerializer, Alias("jazari.listed-profile")]
public sealed record ListedProfile([property: Id(0)] string Role, [property: Id(1)] string ProfileId);

[GenerateSerializer, Alias("jazari.listed-profiles-state")]
public sealed class ListedProfilesState
{
    [Id(0)] public List<ListedProfile> Profiles { get; set; } = [];
}

internal sealed class ListedProfilesGrain(
    [PersistentState("listed-profiles", "marketplace")] IPersistentState<ListedProfilesState> state) : Grain, IListedProfilesGrain
{
    public const int Max = 20;

    public async Task AddAsync(string role, string profileId)
    {
        var listed = new ListedProfile(role, profileId);
        if (state.State.Profiles.Contains(listed)) return;
        if (state.State.Profiles.Count >= Max) state.State.Profiles.RemoveAt(0);
        state.State.Profiles.Add(listed);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<ListedProfile>> ListAsync() => Task.FromResult<IReadOnlyList<ListedProfile>>([.. state.State.Profiles]);
}
