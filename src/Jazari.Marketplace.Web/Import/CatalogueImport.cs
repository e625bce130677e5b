using System.Collections.Concurrent;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Web.Import;

public sealed record SmeImport : SmeInput
{
    public string? Id { get; init; }
    /// <summary>Optional: the company's address in the catalogue; the account signed up with it may take the profile over.</summary>
    public string? ContactEmail { get; init; }
}

public sealed record StartupImport : StartupInput
{
    public string? Id { get; init; }
    /// <summary>Optional: the startup's address in the catalogue; the account signed up with it may take the profile over.</summary>
    public string? ContactEmail { get; init; }
    public int? ActiveProjects { get; init; }
    public double? Rating { get; init; }
    public int? RatingCount { get; init; }
}

public sealed record NeedImport : NeedInput
{
    public string? Id { get; init; }
    public string? SmeId { get; init; }
}

public sealed class CatalogueInput
{
    public IReadOnlyList<SmeImport?>? Smes { get; init; }
    public IReadOnlyList<StartupImport?>? Startups { get; init; }
    public IReadOnlyList<NeedImport?>? Needs { get; init; }
}

public sealed record ImportCounts(int Smes, int Startups, int Needs)
{
    /// <summary>As the audit trail's detail reads it: "1 SMEs, 2 startups, 0 needs".</summary>
    public override string ToString() => $"{Smes} SMEs, {Startups} startups, {Needs} needs";
}

public sealed record ImportRefusal(string Kind, int Index, string? Id, IDictionary<string, string[]> Errors);

public sealed record ImportReport(ImportCounts Created, ImportCounts Updated, IReadOnlyList<ImportRefusal> Refused);

/// <summary>
/// Brings SMEs, startups and needs in from another system (or the demo): upsert by id, every record
/// validated like its API body; a refused record changes nothing and is reported with its reasons.
/// </summary>
public sealed class CatalogueImport(IGrainFactory grains, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public const int MaxRecordsPerKind = 5000;
    private static readonly Caller Admin = new(Auth.AdminToken.AccountId, Roles.Admin);

    public async Task<ImportReport> RunAsync(CatalogueInput input)
    {
        var c = new Checks();
        foreach (var (name, count) in new[] { ("smes", input.Smes?.Count), ("startups", input.Startups?.Count), ("needs", input.Needs?.Count) })
            if (count > MaxRecordsPerKind) c.Error(name, $"At most {MaxRecordsPerKind} records per import.");
        c.ThrowIfFailed();

        var refused = new ConcurrentBag<ImportRefusal>();
        var smes = await ImportAllAsync("smes", input.Smes, r => r.Id, refused, (record, check) =>
        {
            var id = check.Id("id", record.Id);
            var details = record.ToDetails(check);
            var contact = Contact(check, record.ContactEmail);
            return check.Failed ? null : async () =>
            {
                await RefuseIdOfAsync<IStartupGrain, StartupDetails>(id);
                var created = await grains.GetGrain<ISmeGrain>(id).ImportAsync(details, contact);
                if (contact is not null) await grains.GetGrain<IListedProfilesGrain>(contact).AddAsync(Roles.Sme, id);
                return created;
            };
        });
        var startups = await ImportAllAsync("startups", input.Startups, r => r.Id, refused, (record, check) =>
        {
            var id = check.Id("id", record.Id);
            var details = record.ToDetails(check);
            var active = check.Whole("activeProjects", record.ActiveProjects ?? 0, 0, 1000);
            var rating = record.Rating ?? 0;
            if (rating is < 0 or > 5 || double.IsNaN(rating)) check.Error("rating", "Must be between 0 and 5.");
            var ratingCount = check.Whole("ratingCount", record.RatingCount ?? 0, 0, 1_000_000);
            if (ratingCount == 0 && rating > 0) check.Error("rating", "A rating needs a ratingCount.");
            var contact = Contact(check, record.ContactEmail);
            return check.Failed ? null : async () =>
            {
                await RefuseIdOfAsync<ISmeGrain, SmeDetails>(id);
                var startup = grains.GetGrain<IStartupGrain>(id);
                var created = await startup.ImportAsync(details, contact);
                await startup.ImportTrackRecordAsync(active, rating, ratingCount);
                if (contact is not null) await grains.GetGrain<IListedProfilesGrain>(contact).AddAsync(Roles.Startup, id);
                return created;
            };
        });
        var today = Languages.Formats.Today(time.GetUtcNow());
        var needs = await ImportAllAsync("needs", input.Needs, r => r.Id, refused, (record, check) =>
        {
            var id = check.Id("id", record.Id);
            var smeId = check.Id("smeId", record.SmeId);
            var details = record.ToDetails(check);
            NeedInput.CheckDeadline(check, details.Deadline, today);
            return check.Failed ? null : async () =>
            {
                string? ownerAccountId;
                try { ownerAccountId = (await grains.GetGrain<ISmeGrain>(smeId).GetAsync(Admin)).OwnerAccountId; }
                catch (MarketplaceException e) when (e.Problem == Problem.NotFound)
                {
                    throw MarketplaceException.Invalid("smeId", "No SME with this id.");
                }
                // An SME with an account here posts its own needs: an import never publishes one in its name.
                if (ownerAccountId is not null)
                    throw MarketplaceException.Invalid("smeId", "This SME has an account on the marketplace and posts its own needs.");
                return await grains.GetGrain<INeedGrain>(id).ImportAsync(smeId, details);
            };
        });
        return new ImportReport(new(smes.Created, startups.Created, needs.Created),
            new(smes.Updated, startups.Updated, needs.Updated),
            [.. refused.OrderBy(r => r.Kind).ThenBy(r => r.Index)]);
    }

    /// <summary>
    /// SMEs and startups are told apart by their ids (the needs a profile posted or bid on are listed under its id): an id
    /// the other kind holds is refused.
    /// </summary>
    private async Task RefuseIdOfAsync<TOther, TDetails>(string id) where TOther : IProfileGrain<TDetails>
    {
        try { await grains.GetGrain<TOther>(id).GetAsync(Admin); }
        catch (MarketplaceException e) when (e.Problem == Problem.NotFound) { return; }
        throw MarketplaceException.Invalid("id", "A profile of the other kind has this id.");
    }

    /// <summary>A record's contact address, as an account's is stored (lower case); null when it gives none.</summary>
    private static string? Contact(Checks check, string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : check.Email("contactEmail", email);

    /// <summary>
    /// Validates every record, then stores the valid ones a few at a time. <paramref name="prepare"/>
    /// returns the store operation (true when it created), or null when the record has field errors.
    /// </summary>
    private static async Task<(int Created, int Updated)> ImportAllAsync<T>(string kind, IReadOnlyList<T?>? records,
        Func<T, string?> idOf, ConcurrentBag<ImportRefusal> refused, Func<T, Checks, Func<Task<bool>>?> prepare) where T : class
    {
        int created = 0, updated = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, records?.Count ?? 0), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var record = records![i];
            var check = new Checks();
            var store = record is null ? null : prepare(record, check);
            var id = record is null ? null : idOf(record);
            if (store is null)
            {
                if (record is null) check.Error("", "Must be an object.");
                refused.Add(new ImportRefusal(kind, i, id, check.Errors()));
                return;
            }
            try
            {
                if (await StoreAsync(store)) Interlocked.Increment(ref created);
                else Interlocked.Increment(ref updated);
            }
            catch (MarketplaceException e) when (e.Problem is Problem.Invalid or Problem.Conflict)
            {
                refused.Add(new ImportRefusal(kind, i, id, new Dictionary<string, string[]> { [e.Field ?? ""] = [e.Message] }));
            }
        });
        return (created, updated);
    }

    /// <summary>
    /// One record stored; tried again a few times while the cluster changes (a host leaving or joining mid-import), as
    /// an upsert by id may be. Only if the failure outlasts that does the whole request answer 503 (try again). A
    /// timeout is not tried again here: it says the host is overloaded, and up to 30 s more per record for a batch of
    /// 500 would outlast the client; the 503 sends the load back to it.
    /// </summary>
    private static async Task<bool> StoreAsync(Func<Task<bool>> store)
    {
        foreach (var pause in PausesBetweenTries)
        {
            try { return await store(); }
            catch (Exception e) when (e is not TimeoutException && Extensions.ProblemHandling.IsPassing(e)) { await Task.Delay(pause); }
        }
        return await store();
    }

    // About 30 s in all: long enough for the cluster to declare a killed host dead (three missed probes of 5 s) and
    // move its grains, short of a client's usual 100 s timeout.
    private static readonly TimeSpan[] PausesBetweenTries =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)];
}
