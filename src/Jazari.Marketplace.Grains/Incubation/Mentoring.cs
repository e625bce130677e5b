namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>
/// The startups assigned to one mentor (keyed by the mentor's profile id): what the mentor may see. An assignment lasts
/// as long as its cohort, and <see cref="GraceDays"/> more to wrap up: then the mentor no longer reads the startup's
/// figures nor logs sessions for it, and the place counts no more against the mentor's capacity from the cohort's end.
/// </summary>
public interface IMentoringGrain : IGrainWithStringKey
{
    public const int GraceDays = 30;

    /// <summary>Assigns the startup in its cohort unless the mentor is at capacity; assigning again changes nothing.</summary>
    Task AssignAsync(MentoredStartup startup, int capacity);
    /// <summary>Whether the mentor follows the startup now (in a cohort not ended, or within its grace days).</summary>
    Task<bool> IsAssignedAsync(string startupId);
    /// <summary>The startups the mentor follows now.</summary>
    Task<IReadOnlyList<MentoredStartup>> FollowingAsync();
    /// <summary>Every assignment, past ones too (the mentor's export and erasure, conflicts of interest).</summary>
    Task<IReadOnlyList<MentoredStartup>> ListAsync();
    /// <summary>The startup left the cohort: the mentor follows it there no more, and the place is free (the assignment
    /// stays listed, for the mentor's export and conflicts of interest). Ending it again changes nothing.</summary>
    Task EndAsync(string startupId, string cohortId);
    /// <summary>The startup's owner was erased: its name here becomes the pseudonym.</summary>
    Task RenameStartupAsync(string startupId, string name);
}

[GenerateSerializer, Alias("jazari.mentored-startup")]
public sealed record MentoredStartup(
    [property: Id(0)] string StartupId,
    [property: Id(1)] string Name,
    [property: Id(2)] string CohortId,
    [property: Id(3)] string InstituteId,
    [property: Id(4)] DateOnly? EndsOn = null,
    /// <summary>The startup left the cohort: the assignment ended then, whatever the cohort's end.</summary>
    [property: Id(5)] bool Left = false);

[GenerateSerializer, Alias("jazari.mentoring-state")]
public sealed class MentoringState
{
    [Id(0)] public List<MentoredStartup> Startups { get; set; } = [];
}

internal sealed class MentoringGrain(
    [PersistentState("mentoring", "marketplace")] IPersistentState<MentoringState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IMentoringGrain
{
    private List<MentoredStartup> Startups => state.State.Startups;
    /// <summary>The load this activation last gave the directory: it is told again only of a change.</summary>
    private int? toldLoad;
    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    /// <summary>Followed now: its cohort has not ended, or ended within the grace days.</summary>
    private bool Follows(MentoredStartup s) => !s.Left && (s.EndsOn is not { } end || ICohortGrain.FollowedOn(end, Today));
    /// <summary>Holding one of the mentor's places: its cohort has not ended, nor has the startup left it.</summary>
    private bool Holds(MentoredStartup s) => !s.Left && (s.EndsOn is not { } end || Today <= end);

    public async Task AssignAsync(MentoredStartup startup, int capacity)
    {
        // One assignment a startup and cohort; one the startup ended by leaving is taken up again (it was invited back).
        var existing = Startups.FindIndex(s => s.StartupId == startup.StartupId && s.CohortId == startup.CohortId);
        if (existing >= 0 && !Startups[existing].Left) return;
        await DateOldAssignmentsAsync(); // an old assignment whose cohort ended holds no place
        var held = Startups.Count(Holds);
        if (held >= capacity) throw MarketplaceException.Conflict($"This mentor follows {held} startups, their full capacity.");
        if (existing >= 0) Startups[existing] = startup;
        else Startups.Add(startup);
        await state.SaveAsync();
        await TellLoadAsync();
    }

    public async Task EndAsync(string startupId, string cohortId)
    {
        var index = Startups.FindIndex(s => s.StartupId == startupId && s.CohortId == cohortId);
        if (index < 0 || Startups[index].Left) return;
        Startups[index] = Startups[index] with { Left = true };
        await state.SaveAsync();
        await TellLoadAsync();
    }

    public async Task<bool> IsAssignedAsync(string startupId)
    {
        await DateOldAssignmentsAsync();
        return Startups.Any(s => s.StartupId == startupId && Follows(s));
    }

    public async Task<IReadOnlyList<MentoredStartup>> FollowingAsync()
    {
        await DateOldAssignmentsAsync();
        await TellLoadAsync(); // the places freed as cohorts ended reach the suggestions
        return [.. Startups.Where(Follows)];
    }

    /// <summary>Tells the directory (one grain for every mentor) the places held now, only when they changed: the
    /// mentor's reads do not all queue on it.</summary>
    private async Task TellLoadAsync()
    {
        var held = Startups.Count(Holds);
        if (toldLoad == held) return;
        await grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key).SetLoadAsync(this.GetPrimaryKeyString(), held);
        toldLoad = held;
    }

    /// <summary>Assignments stored before they kept their cohort's end get it once, from the cohort (whose read interleaves:
    /// the cohort may be calling this grain). One whose cohort no longer has the startup is dated today: it ended.</summary>
    private async Task DateOldAssignmentsAsync()
    {
        var changed = false;
        for (var i = 0; i < Startups.Count; i++)
            if (Startups[i].EndsOn is null)
            {
                var member = await grains.GetGrain<ICohortGrain>(Startups[i].CohortId).MembershipAsync(Startups[i].StartupId);
                Startups[i] = Startups[i] with { EndsOn = member?.Cohort.EndsOn ?? Today };
                changed = true;
            }
        if (changed) await state.SaveAsync();
    }

    public Task<IReadOnlyList<MentoredStartup>> ListAsync() => Task.FromResult<IReadOnlyList<MentoredStartup>>([.. Startups]);

    public async Task RenameStartupAsync(string startupId, string name)
    {
        // Every assignment of it (one per cohort): an erased startup's name stays in none.
        var renamed = false;
        for (var i = 0; i < Startups.Count; i++)
            if (Startups[i].StartupId == startupId && Startups[i].Name != name)
            {
                Startups[i] = Startups[i] with { Name = name };
                renamed = true;
            }
        if (renamed) await state.SaveAsync();
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
