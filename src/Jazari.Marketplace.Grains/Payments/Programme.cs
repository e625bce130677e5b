using Jazari.Marketplace.Grains.Profiles;

namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// A co-funding programme of the state (keyed by its id): it pays <c>SubsidyPercent</c> of each milestone of the
/// needs that joined it, up to a cap per SME and within its total budget. The budget is held here; what each SME
/// used is held in <see cref="IProgrammeSmeGrain"/> (one grain per programme and SME), so no state grows with
/// the number of SMEs.
/// </summary>
public interface IProgrammeGrain : IGrainWithStringKey
{
    /// <summary>Creates the programme with its eligibility rules; the same terms and rules again is a harmless repeat,
    /// others a conflict. The programme joins the directory of programmes.</summary>
    Task<ProgrammeView> CreateAsync(ProgrammeTerms terms, ProgrammeRules rules);
    Task<ProgrammeView?> GetAsync();
    /// <summary>Whether the caller decides the programme's applications: admins, and managers of an institute it names.</summary>
    Task<bool> MayDecideAsync(Caller caller);
    /// <summary>Commits up to <paramref name="requestedMinor"/> of the budget for an operation; returns what was granted.
    /// The same operation again returns the first answer.</summary>
    Task<long> ReserveAsync(string operationId, long requestedMinor);
    /// <summary>Gives back to the budget part of what an operation took (a refund); once per operation.</summary>
    Task ReturnAsync(string operationId, long amountMinor);
}

[GenerateSerializer, Alias("jazari.programme-terms")]
public sealed record ProgrammeTerms(
    [property: Id(0)] string Name,
    [property: Id(1)] int SubsidyPercent,
    [property: Id(2)] long CapPerSmeMinor,
    [property: Id(3)] long BudgetMinor,
    [property: Id(4)] string Currency);

[GenerateSerializer, Alias("jazari.programme-view")]
public sealed record ProgrammeView(
    [property: Id(0)] string Id,
    [property: Id(1)] ProgrammeTerms Terms,
    [property: Id(2)] long CommittedMinor,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] ProgrammeRules Rules);

[GenerateSerializer, Alias("jazari.programme-operation")]
public sealed record ProgrammeOperation([property: Id(0)] string OperationId, [property: Id(1)] long AmountMinor);

[GenerateSerializer, Alias("jazari.programme-state")]
public sealed class ProgrammeState
{
    [Id(0)] public ProgrammeTerms? Terms { get; set; }
    [Id(1)] public long CommittedMinor { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The operations remembered before they became rows (<see cref="ProgrammeOperationRows"/>, at most 2,000):
    /// written as rows and cleared when the grain is activated; nothing adds to it any more.</summary>
    [Id(3)] public List<ProgrammeOperation> Recent { get; set; } = [];
    /// <summary>Who may draw on it; null for a programme created before rules existed (no rule but approval).</summary>
    [Id(4)] public ProgrammeRules? Rules { get; set; }
    /// <summary>The latest operation, stored with the budget it changed; see <see cref="OperationLog"/>.</summary>
    [Id(5)] public ProgrammeOperation? Latest { get; set; }
}

internal sealed class ProgrammeGrain(
    [PersistentState("programme", "marketplace")] IPersistentState<ProgrammeState> state,
    IGrainFactory grains,
    ProgrammeOperationRows rows,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IProgrammeGrain
{
    private ProgrammeState S => state.State;
    private OperationLog log = null!;

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        log = new OperationLog(rows, ProgrammeOperationRows.Partition(this.GetPrimaryKeyString()));
        if (S.Recent.Count == 0) return;
        await rows.PutAsync(log.Partition, S.Recent);
        S.Recent = [];
        await state.SaveAsync();
    }

    public async Task<ProgrammeView> CreateAsync(ProgrammeTerms terms, ProgrammeRules rules)
    {
        if (S.Terms is not null)
        {
            if (S.Terms != terms || !(S.Rules ?? ProgrammeRules.None).Same(rules))
                throw MarketplaceException.Conflict("A programme with this id already exists.");
        }
        else
        {
            S.Terms = terms;
            S.Rules = rules;
            S.CreatedAt = time.GetUtcNow();
            await state.SaveAsync();
        }
        // Listed after it is stored; a repeat after a failure in between lists it then.
        await grains.GetGrain<IProgrammeDirectoryGrain>(IProgrammeDirectoryGrain.Key).AddAsync(this.GetPrimaryKeyString());
        return View();
    }

    public Task<ProgrammeView?> GetAsync() => Task.FromResult(S.Terms is null ? null : View());

    public async Task<bool> MayDecideAsync(Caller caller)
    {
        if (S.Terms is null) return false;
        if (caller.IsAdmin) return true;
        if (caller.Role != Roles.Manager || S.Rules is not { InstituteIds.Count: > 0 } rules) return false;
        var account = await grains.GetGrain<Accounts.IAccountGrain>(caller.AccountId).GetAsync();
        return account is not null && account.Institutes.Any(rules.InstituteIds.Contains);
    }

    public async Task<long> ReserveAsync(string operationId, long requestedMinor)
    {
        if (S.Terms is null) throw MarketplaceException.NotFound("Programme");
        if (await log.FindAsync(S.Latest, operationId) is { } done) return done.AmountMinor;
        var granted = Math.Clamp(S.Terms.BudgetMinor - S.CommittedMinor, 0, Math.Max(0, requestedMinor));
        S.CommittedMinor += granted;
        S.Latest = new ProgrammeOperation(operationId, granted);
        await state.SaveAsync();
        await log.RecordAsync(S.Latest);
        return granted;
    }

    public async Task ReturnAsync(string operationId, long amountMinor)
    {
        if (S.Terms is null || await log.FindAsync(S.Latest, operationId) is not null) return;
        S.CommittedMinor = Math.Max(0, S.CommittedMinor - amountMinor);
        S.Latest = new ProgrammeOperation(operationId, amountMinor);
        await state.SaveAsync();
        await log.RecordAsync(S.Latest);
    }

    private ProgrammeView View() => new(this.GetPrimaryKeyString(), S.Terms!, S.CommittedMinor, S.CreatedAt, S.Rules ?? ProgrammeRules.None);
}

/// <summary>
/// What one SME used of one programme (key <c>{programmeId}/{smeId}</c>): the cap per SME is checked here, then the
/// programme's budget. Each operation is reserved once: a call repeated after a failure half-way gets the same answer.
/// </summary>
public interface IProgrammeSmeGrain : IGrainWithStringKey
{
    static string KeyOf(string programmeId, string smeId) => $"{programmeId}/{smeId}";

    /// <summary>The programme, and what it may still pay for this SME today: its cap per SME less what it granted the
    /// SME, within what is left of its budget (what the pages say before funding reserves it); null for no programme.</summary>
    static async Task<(ProgrammeView Programme, long RoomMinor)?> RoomAsync(IGrainFactory grains, string programmeId, string smeId)
    {
        if (await grains.GetGrain<IProgrammeGrain>(programmeId).GetAsync() is not { } programme) return null;
        var used = await grains.GetGrain<IProgrammeSmeGrain>(KeyOf(programmeId, smeId)).GetUsedAsync();
        return (programme, Math.Max(0, Math.Min(programme.Terms.CapPerSmeMinor - used, programme.Terms.BudgetMinor - programme.CommittedMinor)));
    }

    /// <summary>Reserves the programme's share of a milestone: only for an SME whose application is approved (409 otherwise).</summary>
    Task<long> ReserveAsync(string operationId, long requestedMinor, long capMinor);
    Task ReturnAsync(string operationId, long amountMinor);
    Task<long> GetUsedAsync();

    /// <summary>The SME applies (its owner; the caller's own SME is the key): the rules are checked at once, and an SME
    /// that fails one is <see cref="ProgrammeApplicationStatus.Ineligible"/>. While an application is submitted or
    /// approved, applying again answers it; after a refusal the SME may apply again.</summary>
    Task<ProgrammeApplication> ApplyAsync(string applicationId, string applicantAccountId, SmeDetails sme, string? note, string? assessmentId = null);
    /// <summary>An admin or a manager of an institute the programme names approves or declines a submitted application
    /// with a reason; the same decision again changes nothing (<c>Changed</c> false).</summary>
    Task<(ProgrammeApplication Application, bool Changed)> DecideAsync(Caller caller, string applicationId, bool approve, string reason);
    Task<ProgrammeApplication?> GetApplicationAsync();
    Task<bool> IsApprovedAsync();
    /// <summary>The SME's account was erased: the application keeps its status and rule results, not its name or note.</summary>
    Task EraseApplicantAsync(string pseudonym);
}

[GenerateSerializer, Alias("jazari.programme-sme-state")]
public sealed class ProgrammeSmeState
{
    [Id(0)] public long UsedMinor { get; set; }
    /// <summary>The operations remembered before they became rows (<see cref="ProgrammeOperationRows"/>, at most 2,000):
    /// written as rows and cleared when the grain is activated; nothing adds to it any more.</summary>
    [Id(1)] public List<ProgrammeOperation> Operations { get; set; } = [];
    /// <summary>The SME's latest application to the programme.</summary>
    [Id(2)] public ProgrammeApplication? Application { get; set; }
    /// <summary>The latest operation, stored with the amount used it changed; see <see cref="OperationLog"/>.</summary>
    [Id(3)] public ProgrammeOperation? Latest { get; set; }
}

internal sealed class ProgrammeSmeGrain(
    [PersistentState("programme-sme", "marketplace")] IPersistentState<ProgrammeSmeState> state,
    IGrainFactory grains,
    ProgrammeOperationRows rows,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IProgrammeSmeGrain
{
    private ProgrammeSmeState S => state.State;
    private OperationLog log = null!;

    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        log = new OperationLog(rows, ProgrammeOperationRows.Partition(this.GetPrimaryKeyString()));
        if (S.Operations.Count == 0) return;
        await rows.PutAsync(log.Partition, S.Operations);
        S.Operations = [];
        await state.SaveAsync();
    }

    public static string Key(string programmeId, string smeId) => IProgrammeSmeGrain.KeyOf(programmeId, smeId);

    public async Task<long> ReserveAsync(string operationId, long requestedMinor, long capMinor)
    {
        if (await log.FindAsync(S.Latest, operationId) is { } done) return done.AmountMinor;
        if (S.Application?.Status != ProgrammeApplicationStatus.Approved)
            throw MarketplaceException.Conflict("This SME's application to the programme is not approved: the programme pays nothing for it.");
        var withinCap = Math.Clamp(capMinor - S.UsedMinor, 0, Math.Max(0, requestedMinor));
        var programmeId = this.GetPrimaryKeyString().Split('/')[0];
        // The programme remembers the operation: if this grain's write fails below, the retry gets the same grant.
        var granted = withinCap == 0 ? 0 : await grains.GetGrain<IProgrammeGrain>(programmeId).ReserveAsync(operationId, withinCap);
        S.UsedMinor += granted;
        S.Latest = new ProgrammeOperation(operationId, granted);
        await state.SaveAsync();
        await log.RecordAsync(S.Latest);
        return granted;
    }

    public async Task ReturnAsync(string operationId, long amountMinor)
    {
        if (await log.FindAsync(S.Latest, operationId) is not null) return;
        if (amountMinor > 0) await grains.GetGrain<IProgrammeGrain>(this.GetPrimaryKeyString().Split('/')[0]).ReturnAsync(operationId, amountMinor);
        S.UsedMinor = Math.Max(0, S.UsedMinor - amountMinor);
        S.Latest = new ProgrammeOperation(operationId, -amountMinor);
        await state.SaveAsync();
        await log.RecordAsync(S.Latest);
    }

    public Task<long> GetUsedAsync() => Task.FromResult(S.UsedMinor);

    private string ProgrammeId => this.GetPrimaryKeyString().Split('/')[0];

    public async Task<ProgrammeApplication> ApplyAsync(string applicationId, string applicantAccountId, SmeDetails sme, string? note, string? assessmentId = null)
    {
        if (S.Application is { Status: ProgrammeApplicationStatus.Submitted or ProgrammeApplicationStatus.Approved } current) return current;
        var programme = await grains.GetGrain<IProgrammeGrain>(ProgrammeId).GetAsync() ?? throw MarketplaceException.NotFound("Programme");
        var checks = Eligibility.Check(programme, sme, S.UsedMinor);
        var status = checks.All(c => c.Ok) ? ProgrammeApplicationStatus.Submitted : ProgrammeApplicationStatus.Ineligible;
        var smeId = this.GetPrimaryKeyString()[(ProgrammeId.Length + 1)..];
        var application = new ProgrammeApplication(applicationId, ProgrammeId, smeId, sme.Name, applicantAccountId, note, status,
            checks.ToList(), time.GetUtcNow(), null, null, null, assessmentId); // a List: the storage cannot read back the type a collection expression makes
        // Listed first (the list may be full); a write failing below leaves a line that the retry replaces.
        await ListAsync(application);
        S.Application = application;
        await state.SaveAsync();
        return application;
    }

    public async Task<(ProgrammeApplication Application, bool Changed)> DecideAsync(Caller caller, string applicationId, bool approve, string reason)
    {
        if (S.Application is not { } a || a.Id != applicationId || !await grains.GetGrain<IProgrammeGrain>(ProgrammeId).MayDecideAsync(caller))
            throw MarketplaceException.NotFound("Application");
        var decided = approve ? ProgrammeApplicationStatus.Approved : ProgrammeApplicationStatus.Declined;
        if (a.Status == decided)
        {
            await ListAsync(a);
            return (a, false);
        }
        if (a.Status != ProgrammeApplicationStatus.Submitted)
            throw MarketplaceException.Conflict(a.Status == ProgrammeApplicationStatus.Ineligible
                ? "This SME does not meet the programme's rules: the application cannot be approved."
                : $"This application is already {a.Status.ToString().ToLowerInvariant()}.");
        S.Application = a with { Status = decided, DecidedAt = time.GetUtcNow(), DecidedBy = caller.AccountId, Reason = reason };
        await state.SaveAsync();
        await ListAsync(S.Application);
        return (S.Application, true);
    }

    private Task ListAsync(ProgrammeApplication a) => grains.GetGrain<IProgrammeApplicationsGrain>(a.ProgrammeId)
        .PutAsync(new ProgrammeApplicationEntry(a.Id, a.SmeId, a.Status, a.SubmittedAt));

    public Task<ProgrammeApplication?> GetApplicationAsync() => Task.FromResult(S.Application);

    public Task<bool> IsApprovedAsync() => Task.FromResult(S.Application?.Status == ProgrammeApplicationStatus.Approved);

    public async Task EraseApplicantAsync(string pseudonym)
    {
        if (S.Application is not { } a || (a.SmeName == pseudonym && a.Note is null)) return;
        S.Application = a with { SmeName = pseudonym, Note = null };
        await state.SaveAsync();
    }
}

/// <summary>
/// Every operation of a programme grain, remembered for good as rows of <see cref="ProgrammeOperationRows"/>. The grain
/// stores its latest operation in its own state, in the same write as the money it moved, and then writes its row:
/// if that row write fails, the next call writes it first, so a repeat is always recognised, however late, and the
/// money moves once. One row write and at most one point read per operation.
/// </summary>
internal sealed class OperationLog(ProgrammeOperationRows rows, string partition)
{
    private string? recorded;

    public string Partition => partition;

    /// <summary>The operation as first answered, or null when it is new.</summary>
    public async Task<ProgrammeOperation?> FindAsync(ProgrammeOperation? latest, string operationId)
    {
        if (latest is not null && latest.OperationId != recorded) await RecordAsync(latest);
        if (latest?.OperationId == operationId) return latest;
        return await rows.FindAsync(partition, operationId);
    }

    public async Task RecordAsync(ProgrammeOperation operation)
    {
        await rows.PutAsync(partition, operation);
        recorded = operation.OperationId;
    }
}
