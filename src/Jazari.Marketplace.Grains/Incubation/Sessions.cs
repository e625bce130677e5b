namespace Jazari.Marketplace.Grains.Incubation;

/// <summary>The mentor sessions of one startup, logged by its mentors and rated by the startup.</summary>
public interface IMentorSessionsGrain : IGrainWithStringKey
{
    Task<MentorSession> LogAsync(MentorSession session);
    Task<MentorSession> RateAsync(string sessionId, int stars);
    Task<IReadOnlyList<MentorSession>> ListAsync();
    /// <summary>The mentor's account was erased: the notes and next steps it wrote are blanked; dates, minutes and ratings stay.</summary>
    Task EraseMentorNotesAsync(string mentorId);
}

[GenerateSerializer, Alias("jazari.mentor-session")]
public sealed record MentorSession(
    [property: Id(0)] string Id,
    [property: Id(1)] string MentorId,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] int Minutes,
    [property: Id(4)] string Notes,
    [property: Id(5)] string NextSteps,
    [property: Id(6)] int? Rating,
    [property: Id(7)] DateTimeOffset LoggedAt);

[GenerateSerializer, Alias("jazari.mentor-sessions-state")]
public sealed class MentorSessionsState
{
    /// <summary>The most recent sessions in full; older ones are still counted in the totals.</summary>
    [Id(0)] public List<MentorSession> Sessions { get; set; } = [];
    [Id(1)] public int Total { get; set; }
    [Id(2)] public int RatingStars { get; set; }
    [Id(3)] public int RatingCount { get; set; }
}

internal sealed class MentorSessionsGrain(
    [PersistentState("mentor-sessions", "marketplace")] IPersistentState<MentorSessionsState> state,
    IGrainFactory grains) : Grain, IMentorSessionsGrain
{
    public const int KeptSessions = 60;

    private MentorSessionsState S => state.State;

    private static readonly TimeSpan DoubleSubmitWindow = TimeSpan.FromMinutes(10);

    public async Task<MentorSession> LogAsync(MentorSession session)
    {
        // The same session sent twice within minutes (a double submit: a new id, the same mentor, day, minutes and words) is logged once.
        var existing = S.Sessions.Find(s => s.Id == session.Id || (s.MentorId, s.Date, s.Minutes, s.Notes, s.NextSteps)
            == (session.MentorId, session.Date, session.Minutes, session.Notes, session.NextSteps) && session.LoggedAt - s.LoggedAt < DoubleSubmitWindow);
        if (existing is not null)
        {
            await TellAsync(); // a retry: the cohorts' figures are told again, in case the first try died after the save
            return existing;
        }
        S.Sessions.Add(session);
        S.Total++;
        if (S.Sessions.Count > KeptSessions) S.Sessions.RemoveAt(0);
        await SaveAndTellAsync();
        return session;
    }

    public async Task<MentorSession> RateAsync(string sessionId, int stars)
    {
        if (stars is < 1 or > 5) throw MarketplaceException.Invalid("stars", "Must be between 1 and 5.");
        var index = S.Sessions.FindIndex(s => s.Id == sessionId);
        if (index < 0) throw MarketplaceException.NotFound("Session");
        var session = S.Sessions[index];
        if (session.Rating == stars)
        {
            // The same rating again (a retry): the cohorts' figures are told again, in case the first try died after the save.
            await TellAsync();
            return session;
        }
        S.RatingStars += stars - (session.Rating ?? 0);
        if (session.Rating is null) S.RatingCount++;
        S.Sessions[index] = session with { Rating = stars };
        await SaveAndTellAsync();
        return S.Sessions[index];
    }

    public async Task EraseMentorNotesAsync(string mentorId)
    {
        var changed = false;
        for (var i = 0; i < S.Sessions.Count; i++)
        {
            var session = S.Sessions[i];
            if (session.MentorId != mentorId || (session.Notes.Length == 0 && session.NextSteps.Length == 0)) continue;
            S.Sessions[i] = session with { Notes = "", NextSteps = "" };
            changed = true;
        }
        if (changed) await state.SaveAsync();
    }

    public Task<IReadOnlyList<MentorSession>> ListAsync() => Task.FromResult<IReadOnlyList<MentorSession>>([.. S.Sessions]);

    private async Task SaveAndTellAsync()
    {
        await state.SaveAsync();
        await TellAsync();
    }

    private async Task TellAsync()
    {
        double? rating = S.RatingCount == 0 ? null : Math.Round((double)S.RatingStars / S.RatingCount, 2);
        await grains.GetGrain<IStartupActivityGrain>(this.GetPrimaryKeyString()).MentorSessionsChangedAsync(S.Total, rating);
    }
}
