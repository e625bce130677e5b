namespace Jazari.Marketplace.Grains.Payments;

/// <summary>
/// A co-funding programme of the state (keyed by its id): it pays <c>SubsidyPercent</c> of each milestone of the
/// needs that joined it, up to a cap per SME and within its total budget. The budget is held here; what each SME
/// used is held in <see cref="IProgrammeSmeGrain"/> (one grain per programme and SME), so no state grows with
/// the number of SMEs.
/// </summary>
public interface IProgrammeGrain : IGrainWithStringKey
{
    /// <summary>Creates the programme; the same terms again is a harmless repeat, other terms a conflict.</summary>
    Task<ProgrammeView> CreateAsync(ProgrammeTerms terms);
    Task<ProgrammeView?> GetAsync();
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
    [property: Id(3)] DateTimeOffset CreatedAt);

[GenerateSerializer, Alias("jazari.programme-operation")]
public sealed record ProgrammeOperation([property: Id(0)] string OperationId, [property: Id(1)] long AmountMinor);

[GenerateSerializer, Alias("jazari.programme-state")]
public sealed class ProgrammeState
{
    [Id(0)] public ProgrammeTerms? Terms { get; set; }
    [Id(1)] public long CommittedMinor { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The most recent operations, so a retried call changes the budget once (retries come within minutes).</summary>
    [Id(3)] public List<ProgrammeOperation> Recent { get; set; } = [];
}

internal sealed class ProgrammeGrain(
    [PersistentState("programme", "marketplace")] IPersistentState<ProgrammeState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IProgrammeGrain
{
    public const int RememberedOperations = 2000;

    private ProgrammeState S => state.State;

    public async Task<ProgrammeView> CreateAsync(ProgrammeTerms terms)
    {
        if (S.Terms is not null)
        {
            if (S.Terms == terms) return View();
            throw MarketplaceException.Conflict("A programme with this id already exists.");
        }
        S.Terms = terms;
        S.CreatedAt = time.GetUtcNow();
        await state.SaveAsync();
        return View();
    }

    public Task<ProgrammeView?> GetAsync() => Task.FromResult(S.Terms is null ? null : View());

    public async Task<long> ReserveAsync(string operationId, long requestedMinor)
    {
        if (S.Terms is null) throw MarketplaceException.NotFound("Programme");
        if (S.Recent.Find(o => o.OperationId == operationId) is { } done) return done.AmountMinor;
        var granted = Math.Clamp(S.Terms.BudgetMinor - S.CommittedMinor, 0, Math.Max(0, requestedMinor));
        S.CommittedMinor += granted;
        Remember(operationId, granted);
        await state.SaveAsync();
        return granted;
    }

    public async Task ReturnAsync(string operationId, long amountMinor)
    {
        if (S.Terms is null || S.Recent.Any(o => o.OperationId == operationId)) return;
        S.CommittedMinor = Math.Max(0, S.CommittedMinor - amountMinor);
        Remember(operationId, amountMinor);
        await state.SaveAsync();
    }

    private void Remember(string operationId, long amount)
    {
        S.Recent.Add(new ProgrammeOperation(operationId, amount));
        if (S.Recent.Count > RememberedOperations) S.Recent.RemoveAt(0);
    }

    private ProgrammeView View() => new(this.GetPrimaryKeyString(), S.Terms!, S.CommittedMinor, S.CreatedAt);
}

/// <summary>
/// What one SME used of one programme (key <c>{programmeId}/{smeId}</c>): the cap per SME is checked here, then the
/// programme's budget. Each operation is reserved once: a call repeated after a failure half-way gets the same answer.
/// </summary>
public interface IProgrammeSmeGrain : IGrainWithStringKey
{
    Task<long> ReserveAsync(string operationId, long requestedMinor, long capMinor);
    Task ReturnAsync(string operationId, long amountMinor);
    Task<long> GetUsedAsync();
}

[GenerateSerializer, Alias("jazari.programme-sme-state")]
public sealed class ProgrammeSmeState
{
    [Id(0)] public long UsedMinor { get; set; }
    [Id(1)] public List<ProgrammeOperation> Operations { get; set; } = [];
}

internal sealed class ProgrammeSmeGrain(
    [PersistentState("programme-sme", "marketplace")] IPersistentState<ProgrammeSmeState> state,
    IGrainFactory grains) : Grain, IProgrammeSmeGrain
{
    /// <summary>An SME's reservations and returns in one programme: two per milestone, so a few hundred engagements.</summary>
    public const int MaxOperations = 2000;

    private ProgrammeSmeState S => state.State;

    public static string Key(string programmeId, string smeId) => $"{programmeId}/{smeId}";

    public async Task<long> ReserveAsync(string operationId, long requestedMinor, long capMinor)
    {
        if (S.Operations.Find(o => o.OperationId == operationId) is { } done) return done.AmountMinor;
        if (S.Operations.Count >= MaxOperations) throw MarketplaceException.Conflict("This SME has used this programme too many times.");
        var withinCap = Math.Clamp(capMinor - S.UsedMinor, 0, Math.Max(0, requestedMinor));
        var programmeId = this.GetPrimaryKeyString().Split('/')[0];
        // The programme remembers the operation: if this grain's write fails below, the retry gets the same grant.
        var granted = withinCap == 0 ? 0 : await grains.GetGrain<IProgrammeGrain>(programmeId).ReserveAsync(operationId, withinCap);
        S.UsedMinor += granted;
        S.Operations.Add(new ProgrammeOperation(operationId, granted));
        await state.SaveAsync();
        return granted;
    }

    public async Task ReturnAsync(string operationId, long amountMinor)
    {
        if (S.Operations.Any(o => o.OperationId == operationId)) return;
        if (amountMinor > 0) await grains.GetGrain<IProgrammeGrain>(this.GetPrimaryKeyString().Split('/')[0]).ReturnAsync(operationId, amountMinor);
        S.UsedMinor = Math.Max(0, S.UsedMinor - amountMinor);
        S.Operations.Add(new ProgrammeOperation(operationId, -amountMinor));
        await state.SaveAsync();
    }

    public Task<long> GetUsedAsync() => Task.FromResult(S.UsedMinor);
}
