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

    /// <summary>A new file of the <paramref name="ready"/> payouts that are in no open file and that their engagements
    /// put in it (pending once their holds are checked again); its file is null when none went in. Returns each
    /// payout as its engagement holds it now. 409 when <see cref="PayoutFiles.MaxOpen"/> files are open.</summary>
    Task<PayoutFileMade> OpenAsync(IReadOnlyList<PayoutFileLine> ready);

    /// <summary>Every payout of the file was found paid or declined (paid one by one from statements): it leaves the list.</summary>
    Task CloseAsync(string fileId);
}

[GenerateSerializer, Alias("jazari.open-payout-files-state")]
public sealed class OpenPayoutFilesState
{
    /// <summary>At most <see cref="PayoutFiles.MaxOpen"/> file ids, the oldest first.</summary>
    [Id(0)] public List<string> FileIds { get; set; } = [];
    /// <summary>Files made so far (and ids taken by attempts a crash cut short): with the salt, each new file's id.</summary>
    [Id(1)] public long Made { get; set; }
    /// <summary>Random, set once: ids differ from one installation to the next.</summary>
    [Id(2)] public string? Salt { get; set; }
}

[GenerateSerializer, Alias("jazari.payout-file-made")]
public sealed record PayoutFileMade(
    [property: Id(0)] PayoutFileView? File,
    [property: Id(1)] IReadOnlyList<PayoutOrder> Orders);

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

    public async Task<PayoutFileMade> OpenAsync(IReadOnlyList<PayoutFileLine> ready)
    {
        var open = await ListAsync();
        var filed = open.SelectMany(f => f.PayoutIds).ToHashSet(StringComparer.Ordinal);
        var lines = ready.Where(l => !filed.Contains(l.PayoutId)).ToList();
        if (lines.Count == 0) return new(null, []);
        if (open.Count >= PayoutFiles.MaxOpen) throw MarketplaceException.Conflict("Too many bank files await the bank: mark them paid or withdraw them first.");
        // The id is taken before any payout carries it: after a crash, a payout carrying an id never listed is in no
        // open file, and the next file takes it.
        S.Salt ??= Guid.NewGuid().ToString("N");
        S.Made++;
        await state.SaveAsync();
        var fileId = PayoutFiles.Id(S.Salt, S.Made);
        var fileGrain = GrainFactory.GetGrain<IPayoutFileGrain>(fileId);
        await fileGrain.ReserveAsync(); // awaiting the bank from now: a payout going in is not paid by hand meanwhile
        var openIds = open.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        // Each engagement decides for its payout, one call at a time there: a payout marked paid, held or declined at
        // this moment either goes in before (and is then refused those) or stays out.
        var orders = await Task.WhenAll(lines.Select(l => GrainFactory.GetGrain<IEngagementGrain>(l.NeedId).FileAsync(l.PayoutId, fileId, openIds)));
        var kept = lines.Where((_, i) => orders[i] is { Status: PayoutStatus.Pending } o && o.FileId == fileId).ToList();
        if (kept.Count == 0)
        {
            await fileGrain.WithdrawAsync("No payout went in.");
            return new(null, orders);
        }
        var file = await fileGrain.RecordAsync([.. kept.Select(l => l.PayoutId)], kept.Sum(l => l.AmountMinor), Reference.DefaultCurrency, PayoutFiles.LinesHash(kept));
        S.FileIds.Add(file.Id);
        await state.SaveAsync();
        return new(file, orders);
    }

    public Task CloseAsync(string fileId) => S.FileIds.Contains(fileId) ? KeepAsync(S.FileIds.Where(id => id != fileId)) : Task.CompletedTask;

    private async Task KeepAsync(IEnumerable<string> fileIds)
    {
        S.FileIds = [.. fileIds];
        await state.SaveAsync();
    }
}
