namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs one profile is involved in, newest first: the needs an SME posted, or the needs a startup bid on.
/// Keyed by the SME's or the startup's id; the need grain adds to it, the pages list it ("my needs", "my bids").
/// Bounded to <see cref="ProfileNeedsGrain.MaxEntries"/>: the oldest drop off.
/// </summary>
public interface IProfileNeedsGrain : IGrainWithStringKey
{
    Task AddAsync(string needId);
    Task<IReadOnlyList<string>> ListAsync(int take);
}

[GenerateSerializer, Alias("jazari.profile-needs-state")]
public sealed class ProfileNeedsState
{
    /// <summary>Need ids, newest first.</summary>
    [Id(0)] public List<string> NeedIds { get; set; } = [];
}

internal sealed class ProfileNeedsGrain(
    [PersistentState("profile-needs", "marketplace")] IPersistentState<ProfileNeedsState> state) : Grain, IProfileNeedsGrain
{
    public const int MaxEntries = 500;

    public async Task AddAsync(string needId)
    {
        if (state.State.NeedIds.FirstOrDefault() == needId) return;
        state.State.NeedIds.Remove(needId);
        state.State.NeedIds.Insert(0, needId);
        if (state.State.NeedIds.Count > MaxEntries) state.State.NeedIds.RemoveRange(MaxEntries, state.State.NeedIds.Count - MaxEntries);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync(int take) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.NeedIds.Take(take)]);
}
