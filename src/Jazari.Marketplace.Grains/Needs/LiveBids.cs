namespace Jazari.Marketplace.Grains.Needs;

/// <summary>
/// The needs a startup has bid on that may still hold its live bid: what the limit of live bids per startup counts,
/// in one small state instead of reading every need the startup ever bid on. The bid's follow-up adds the need;
/// entries that stopped being live (withdrawn, decided, the need closed) are dropped when the count reaches the limit
/// and the command checks them. Bounded: entries are only added after a check found room.
/// </summary>
public interface ILiveBidsGrain : IGrainWithStringKey
{
    Task AddAsync(string needId);
    Task<IReadOnlyList<string>> ListAsync();
    Task ForgetAsync(IReadOnlyCollection<string> needIds);
}

[GenerateSerializer, Alias("jazari.live-bids-state")]
public sealed class LiveBidsState
{
    [Id(0)] public List<string> NeedIds { get; set; } = [];
}

internal sealed class LiveBidsGrain(
    [PersistentState("live-bids", "marketplace")] IPersistentState<LiveBidsState> state,
    IGrainFactory grains) : Grain, ILiveBidsGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Startups that bid before this list existed: start from every need they bid on; the first check at the
        // limit drops the ones that are no longer live.
        if (!state.RecordExists)
            state.State.NeedIds = [.. await grains.GetGrain<IProfileNeedsGrain>(this.GetPrimaryKeyString()).ListAsync(int.MaxValue)];
    }

    public async Task AddAsync(string needId)
    {
        if (state.RecordExists && state.State.NeedIds.Contains(needId)) return;
        if (!state.State.NeedIds.Contains(needId)) state.State.NeedIds.Add(needId);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.NeedIds]);

    public async Task ForgetAsync(IReadOnlyCollection<string> needIds)
    {
        if (state.State.NeedIds.RemoveAll(needIds.Contains) > 0 || !state.RecordExists) await state.SaveAsync();
    }
}
