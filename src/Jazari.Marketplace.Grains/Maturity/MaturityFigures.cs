using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Jazari.Marketplace.Grains.Maturity;

/// <summary>
/// The maturity lines of the SMEs of one region, in one of <see cref="Shards"/> shards (key <c>{region}/{shard}</c>):
/// peers' medians and the public impact figures are computed from them. Each line is written by its SME's
/// <see cref="ISmeMaturityGrain"/> only.
/// </summary>
public interface IMaturityFiguresGrain : IGrainWithStringKey
{
    const int Shards = 16;

    static string KeyOf(string region, string smeId) => $"{region}/{Shard(smeId)}";

    static IEnumerable<string> KeysOf(string region) => Enumerable.Range(0, Shards).Select(i => $"{region}/{i}");

    /// <summary>A stable shard (string.GetHashCode changes between processes).</summary>
    static int Shard(string smeId)
    {
        uint hash = 2166136261;
        foreach (var c in smeId) hash = (hash ^ c) * 16777619;
        return (int)(hash % Shards);
    }

    /// <summary>The SME's line, written or replaced; a shard full of other SMEs' lines leaves a new one out (logged).</summary>
    Task PutAsync(MaturityLine line);
    Task RemoveAsync(string smeId);
    [AlwaysInterleave]
    Task<IReadOnlyList<MaturityLine>> ListAsync();
}

[GenerateSerializer, Alias("jazari.maturity-figures-state")]
public sealed class MaturityFiguresState
{
    [Id(0)] public List<MaturityLine> Lines { get; set; } = [];
}

internal sealed class MaturityFiguresGrain(
    [PersistentState("maturity-figures", "marketplace")] IPersistentState<MaturityFiguresState> state,
    ILogger<MaturityFiguresGrain> logger) : Grain, IMaturityFiguresGrain
{
    /// <summary>About 500 bytes a line: 400 lines a shard, 6,400 SMEs a region, stay under the state bound.</summary>
    public const int MaxLines = 400;

    public async Task PutAsync(MaturityLine line)
    {
        var lines = state.State.Lines;
        var i = lines.FindIndex(l => l.SmeId == line.SmeId);
        // A full shard counts the SMEs it has: the figures are those of the first 6,400 SMEs of a region (a sample for its
        // medians, a floor for its sums); the SME's own assessment and plan are its grain's, and are kept whatever this says.
        if (i < 0 && lines.Count >= MaxLines)
        {
            logger.LogWarning("Maturity figures shard {Shard} is full ({Max} SMEs): SME {SmeId} is not counted", this.GetPrimaryKeyString(), MaxLines, line.SmeId);
            return;
        }
        if (i >= 0) lines[i] = line; else lines.Add(line);
        await state.SaveAsync();
    }

    public async Task RemoveAsync(string smeId)
    {
        if (state.State.Lines.RemoveAll(l => l.SmeId == smeId) > 0) await state.SaveAsync();
    }

    public Task<IReadOnlyList<MaturityLine>> ListAsync() => Task.FromResult<IReadOnlyList<MaturityLine>>([.. state.State.Lines]);
}

/// <summary>The accepted bid amounts of the needs of one category (key: the category), the latest
/// <see cref="MaxAwards"/>: the plan's budget ranges come from them.</summary>
public interface IAwardedBudgetsGrain : IGrainWithStringKey
{
    const int MaxAwards = 500;

    /// <summary>Counted once per need.</summary>
    Task AddAsync(string needId, long amountMinor);
    [AlwaysInterleave]
    Task<IReadOnlyList<long>> ListAsync();
}

[GenerateSerializer, Alias("jazari.awarded-budget")]
public sealed record AwardedBudget([property: Id(0)] string NeedId, [property: Id(1)] long AmountMinor);

[GenerateSerializer, Alias("jazari.awarded-budgets-state")]
public sealed class AwardedBudgetsState
{
    [Id(0)] public List<AwardedBudget> Awards { get; set; } = [];
}

internal sealed class AwardedBudgetsGrain(
    [PersistentState("awarded-budgets", "marketplace")] IPersistentState<AwardedBudgetsState> state) : Grain, IAwardedBudgetsGrain
{
    public async Task AddAsync(string needId, long amountMinor)
    {
        var awards = state.State.Awards;
        if (awards.Any(a => a.NeedId == needId)) return;
        awards.Add(new AwardedBudget(needId, amountMinor));
        if (awards.Count > IAwardedBudgetsGrain.MaxAwards) awards.RemoveAt(0);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<long>> ListAsync() => Task.FromResult<IReadOnlyList<long>>([.. state.State.Awards.Select(a => a.AmountMinor)]);
}
