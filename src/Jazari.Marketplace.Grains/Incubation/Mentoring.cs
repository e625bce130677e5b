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

/// <summary>
/// Every mentor of the network and how many startups each follows: where suggestions start. Each mentor is one row of
/// <see cref="MentorRows"/>, so a new mentor or assignment writes one row and nothing caps the directory; the grain keeps
/// the mentors in memory, read by one range query when it is activated.
/// </summary>
public interface IMentorDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the one directory.</summary>
    const string Key = "jazari";

    Task AddAsync(string mentorId);
    Task SetLoadAsync(string mentorId, int assigned);
    /// <summary>Every mentor, by id.</summary>
    Task<IReadOnlyList<MentorLoad>> ListAsync();
}

[GenerateSerializer, Alias("jazari.mentor-load")]
public sealed record MentorLoad([property: Id(0)] string MentorId, [property: Id(1)] int Assigned);

/// <summary>
/// The list the directory stored before mentors became rows (at most 3,000). Read once on activation, written as rows,
/// then cleared; nothing writes it any more.
/// </summary>
[GenerateSerializer, Alias("jazari.mentor-directory-state")]
public sealed class MentorDirectoryState
{
    [Id(0)] public List<MentorLoad> Mentors { get; set; } = [];
}

internal sealed class MentorDirectoryGrain(
    [PersistentState("mentor-directory", "marketplace")] IPersistentState<MentorDirectoryState> legacy,
    MentorRows rows) : Grain, IMentorDirectoryGrain
{
    private readonly SortedDictionary<string, int> mentors = new(StringComparer.Ordinal);

    private string Directory => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        if (legacy.State.Mentors.Count > 0)
        {
            await rows.PutAsync(Directory, legacy.State.Mentors);
            await legacy.ClearStateAsync();
        }
        foreach (var mentor in await rows.ListAsync(Directory)) mentors[mentor.MentorId] = mentor.Assigned;
    }

    public Task AddAsync(string mentorId) => SetAsync(mentorId, null);

    public Task SetLoadAsync(string mentorId, int assigned) => SetAsync(mentorId, assigned);

    public Task<IReadOnlyList<MentorLoad>> ListAsync() =>
        Task.FromResult<IReadOnlyList<MentorLoad>>([.. mentors.Select(m => new MentorLoad(m.Key, m.Value))]);

    private async Task SetAsync(string mentorId, int? assigned)
    {
        var known = mentors.TryGetValue(mentorId, out var was);
        var now = assigned ?? (known ? was : 0);
        if (known && was == now) return;
        await rows.PutAsync(Directory, new MentorLoad(mentorId, now));
        mentors[mentorId] = now;
    }
}
