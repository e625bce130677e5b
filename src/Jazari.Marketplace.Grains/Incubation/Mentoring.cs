namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>The startups assigned to one mentor (keyed by the mentor's profile id): what the mentor may see.</summary>
public interface IMentoringGrain : IGrainWithStringKey
{
    /// <summary>Assigns the startup unless the mentor is at capacity; assigning again changes nothing.</summary>
    Task AssignAsync(MentoredStartup startup, int capacity);
    Task<bool> IsAssignedAsync(string startupId);
    Task<IReadOnlyList<MentoredStartup>> ListAsync();
    /// <summary>The startup's owner was erased: its name here becomes the pseudonym.</summary>
    Task RenameStartupAsync(string startupId, string name);
}

[GenerateSerializer, Alias("jazari.mentored-startup")]
public sealed record MentoredStartup(
    [property: Id(0)] string StartupId,
    [property: Id(1)] string Name,
    [property: Id(2)] string CohortId,
    [property: Id(3)] string InstituteId);

[GenerateSerializer, Alias("jazari.mentoring-state")]
public sealed class MentoringState
{
    [Id(0)] public List<MentoredStartup> Startups { get; set; } = [];
}

internal sealed class MentoringGrain(
    [PersistentState("mentoring", "marketplace")] IPersistentState<MentoringState> state,
    IGrainFactory grains) : Grain, IMentoringGrain
{
    private List<MentoredStartup> Startups => state.State.Startups;

    public async Task AssignAsync(MentoredStartup startup, int capacity)
    {
        if (Startups.Any(s => s.StartupId == startup.StartupId)) return;
        if (Startups.Count >= capacity) throw MarketplaceException.Conflict($"This mentor follows {Startups.Count} startups, their full capacity.");
        Startups.Add(startup);
        await state.SaveAsync();
        await grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).SetLoadAsync(this.GetPrimaryKeyString(), Startups.Count);
    }

    public Task<bool> IsAssignedAsync(string startupId) => Task.FromResult(Startups.Any(s => s.StartupId == startupId));

    public Task<IReadOnlyList<MentoredStartup>> ListAsync() => Task.FromResult<IReadOnlyList<MentoredStartup>>([.. Startups]);

    public async Task RenameStartupAsync(string startupId, string name)
    {
        var index = Startups.FindIndex(s => s.StartupId == startupId);
        if (index < 0 || Startups[index].Name == name) return;
        Startups[index] = Startups[index] with { Name = name };
        await state.SaveAsync();
    }
}

/// <summary>Every mentor of the network and how many startups each follows: where suggestions start.</summary>
public interface IMentorDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one directory.</summary>
    const string Key = "jazari";

    Task AddAsync(string mentorId);
    Task SetLoadAsync(string mentorId, int assigned);
    Task<IReadOnlyList<MentorLoad>> ListAsync();
}

[GenerateSerializer, Alias("jazari.mentor-load")]
public sealed record MentorLoad([property: Id(0)] string MentorId, [property: Id(1)] int Assigned);

[GenerateSerializer, Alias("jazari.mentor-directory-state")]
public sealed class MentorDirectoryState
{
    [Id(0)] public List<MentorLoad> Mentors { get; set; } = [];
}

internal sealed class MentorDirectoryGrain(
    [PersistentState("mentor-directory", "marketplace")] IPersistentState<MentorDirectoryState> state) : Grain, IMentorDirectoryGrain
{
    public const int MaxMentors = 3000;

    public Task AddAsync(string mentorId) => SetAsync(mentorId, null);

    public Task SetLoadAsync(string mentorId, int assigned) => SetAsync(mentorId, assigned);

    public Task<IReadOnlyList<MentorLoad>> ListAsync() => Task.FromResult<IReadOnlyList<MentorLoad>>([.. state.State.Mentors]);

    private async Task SetAsync(string mentorId, int? assigned)
    {
        var mentors = state.State.Mentors;
        var index = mentors.FindIndex(m => m.MentorId == mentorId);
        var entry = new MentorLoad(mentorId, assigned ?? (index >= 0 ? mentors[index].Assigned : 0));
        if (index >= 0 && mentors[index] == entry) return;
        if (index < 0 && mentors.Count >= MaxMentors) throw MarketplaceException.Conflict($"At most {MaxMentors} mentors.");
        if (index >= 0) mentors[index] = entry; else mentors.Add(entry);
        await state.SaveAsync();
    }
}
