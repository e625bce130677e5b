namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// The bank files made and neither marked paid nor withdrawn (one grain, <see cref="PayoutFiles.OpenKey"/>). A payout in
/// one of them goes in no other file: two downloads, by two admins or one after a new payout got ready, never pay a
/// payout twice. Files are made here, one at a time, so two downloads at once cannot both take a payout. A file leaves
/// the list when it is marked paid or withdrawn, or when each of its payouts was found paid or declined.
/// </summary>
public interface IOpenPayoutFilesGrain : IGrainWithStringKey
{
    /// <summary>The open files, the oldest first (those marked paid or withdrawn since leave the list).</summary>
    Task<IReadOnlyList<PayoutFileView>> ListAsync();

    /// <summary>A new file of the <paramref name="ready"/> payouts that are in no open file; null when all are. 409 when
    /// <see cref="PayoutFiles.MaxOpen"/> files are open.</summary>
    Task<PayoutFileView?> OpenAsync(IReadOnlyList<PayoutFileLine> ready);

    /// <summary>Every payout of the file was found paid or declined (one by one, from statements or by hand): it leaves the list.</summary>
    Task CloseAsync(string fileId);
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

    public async Task<IReadOnlyList<PayoutFileView>> ListAsync()
    {
        var open = new List<PayoutFileView>();
        foreach (var id in S.FileIds)
            if (await GrainFactory.GetGrain<IPayoutFileGrain>(id).GetAsync() is { Open: true } file) open.Add(file);
        if (open.Count != S.FileIds.Count) await KeepAsync(open.Select(f => f.Id));
        return open;
    }

    public async Task<PayoutFileView?> OpenAsync(IReadOnlyList<PayoutFileLine> ready)
    {
        var open = await ListAsync();
        var filed = open.SelectMany(f => f.PayoutIds).ToHashSet(StringComparer.Ordinal);
        var lines = ready.Where(l => !filed.Contains(l.PayoutId)).ToList();
        if (lines.Count == 0) return null;
        if (open.Count >= PayoutFiles.MaxOpen) throw MarketplaceException.Conflict("Too many bank files await the bank: mark them paid or withdraw them first.");
        // Recorded first, then listed: after a crash between the two, the same payouts make the same file again (one
        // never served). If their accounts changed meanwhile, that file is left unlisted and another is made.
        var ids = lines.Select(l => l.PayoutId).ToList();
        var hash = PayoutFiles.LinesHash(lines);
        var file = await RecordAsync(ids, lines, hash);
        if (file.LinesHash != hash)
        {
            S.Made++;
            file = await RecordAsync(ids, lines, hash);
        }
        S.FileIds.Add(file.Id);
        S.Made++;
        await state.SaveAsync();
        return file;
    }

    public Task CloseAsync(string fileId) => S.FileIds.Contains(fileId) ? KeepAsync(S.FileIds.Where(id => id != fileId)) : Task.CompletedTask;

    private Task<PayoutFileView> RecordAsync(List<string> ids, List<PayoutFileLine> lines, string hash) =>
        GrainFactory.GetGrain<IPayoutFileGrain>(PayoutFiles.Id(ids, S.Made)).RecordAsync(ids, lines.Sum(l => l.AmountMinor), Reference.DefaultCurrency, hash);

    private async Task KeepAsync(IEnumerable<string> fileIds)
    {
        S.FileIds = [.. fileIds];
        await state.SaveAsync();
    }
}
