namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The bank files made and neither marked paid nor withdrawn (one grain, <see cref="PayoutFiles.OpenKey"/>). A payout in
/// one of them goes in no other file: two downloads, by two admins or one after a new payout got ready, never pay a
/// payout twice. Files are made here, one at a time, so two downloads at once cannot both take a payout.
/// </summary>
public interface IOpenPayoutFilesGrain : IGrainWithStringKey
{
    /// <summary>The open files, the oldest first. A file none of whose payouts is still <paramref name="waiting"/> (all
    /// paid one by one, from a statement or by hand) is closed.</summary>
    Task<IReadOnlyList<PayoutFileView>> ListAsync(IReadOnlyCollection<string> waiting);

    /// <summary>A new file of the <paramref name="ready"/> payouts that are in no open file; null when all are. 409 when
    /// <see cref="PayoutFiles.MaxOpen"/> files are open.</summary>
    Task<PayoutFileView?> OpenAsync(IReadOnlyList<PayoutFileLine> ready, IReadOnlyCollection<string> waiting);
}

[GenerateSerializer, Alias("jazari.open-payout-files-state")]
public sealed class OpenPayoutFilesState
{
    /// <summary>At most <see cref="PayoutFiles.MaxOpen"/> file ids, the oldest first.</summary>
    [Id(0)] public List<string> FileIds { get; set; } = [];
    /// <summary>Files made so far: part of each new file's id.</summary>
    [Id(1)] public long Made { get; set; }
}

internal sealed class OpenPayoutFilesGrain(
    [PersistentState("open-payout-files", "marketplace")] IPersistentState<OpenPayoutFilesState> state) : Grain, IOpenPayoutFilesGrain
{
    private OpenPayoutFilesState S => state.State;

    public async Task<IReadOnlyList<PayoutFileView>> ListAsync(IReadOnlyCollection<string> waiting)
    {
        var open = new List<PayoutFileView>();
        foreach (var id in S.FileIds)
            if (await GrainFactory.GetGrain<IPayoutFileGrain>(id).GetAsync() is { Open: true } file && file.PayoutIds.Any(waiting.Contains))
                open.Add(file);
        if (open.Count != S.FileIds.Count)
        {
            S.FileIds = [.. open.Select(f => f.Id)];
            await state.SaveAsync();
        }
        return open;
    }

    public async Task<PayoutFileView?> OpenAsync(IReadOnlyList<PayoutFileLine> ready, IReadOnlyCollection<string> waiting)
    {
        var open = await ListAsync(waiting);
        var filed = open.SelectMany(f => f.PayoutIds).ToHashSet(StringComparer.Ordinal);
        var lines = ready.Where(l => !filed.Contains(l.PayoutId)).ToList();
        if (lines.Count == 0) return null;
        if (open.Count >= PayoutFiles.MaxOpen) throw MarketplaceException.Conflict("Too many bank files await the bank: mark them paid or withdraw them first.");
        // Recorded first, then listed: after a crash between the two, the same payouts make the same file again.
        var ids = lines.Select(l => l.PayoutId).ToList();
        var file = await GrainFactory.GetGrain<IPayoutFileGrain>(PayoutFiles.Id(ids, S.Made))
            .RecordAsync(ids, lines.Sum(l => l.AmountMinor), Reference.DefaultCurrency, PayoutFiles.LinesHash(lines));
        S.FileIds.Add(file.Id);
        S.Made++;
        await state.SaveAsync();
        return file;
    }
}
