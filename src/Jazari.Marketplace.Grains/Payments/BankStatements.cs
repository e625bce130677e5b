namespace Jazari.Marketplace.Grains.Payments;

/// <summary>A credit of a bank statement matched to an awaited transfer: the milestone of <see cref="PaymentId"/> was confirmed with it.</summary>
[GenerateSerializer, Alias("jazari.statement-match")]
public sealed record StatementMatch(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] string BankReference);

/// <summary>An entry of a bank statement left for an admin to decide (<see cref="Reason"/>, the list in
/// <c>BankStatementCommands.Reasons</c>); <see cref="PaymentId"/> the payment or payout it names, if any; <see cref="Debit"/>
/// its side (null in entries recorded before the side was kept).</summary>
[GenerateSerializer, Alias("jazari.statement-unmatched")]
public sealed record StatementUnmatched(
    [property: Id(0)] long AmountMinor,
    [property: Id(1)] string Currency,
    [property: Id(2)] string Label,
    [property: Id(3)] string Reason,
    [property: Id(4)] string BankReference,
    [property: Id(5)] string? PaymentId,
    [property: Id(6)] bool? Debit = null);

/// <summary>What a statement's upload did: the credits matched (and confirmed), those left for a decision, and how many
/// credits an earlier statement had already brought (an overlapping statement).</summary>
[GenerateSerializer, Alias("jazari.bank-statement")]
public sealed record BankStatement(
    [property: Id(0)] string Id,
    [property: Id(1)] string Account,
    [property: Id(2)] string Format,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] IReadOnlyList<StatementMatch> Matched,
    [property: Id(5)] IReadOnlyList<StatementUnmatched> Unmatched,
    [property: Id(6)] int SeenBefore);

/// <summary>
/// One statement (keyed by its identity: the statement's id and sequence number at its account, or the hash of a CSV
/// export): the result of its first complete reconciliation. Recorded after its credits were handled, so an upload
/// cut short is handled again (each credit's confirmation is repeat-safe) and a complete one is never handled twice.
/// </summary>
public interface IBankStatementGrain : IGrainWithStringKey
{
    Task<BankStatement?> GetAsync();
    /// <summary>Records the result; the first one recorded stays and is returned.</summary>
    Task<BankStatement> RecordAsync(BankStatement statement);
}

[GenerateSerializer, Alias("jazari.bank-statement-state")]
public sealed class BankStatementState
{
    [Id(0)] public BankStatement? Statement { get; set; }
}

internal sealed class BankStatementGrain([PersistentState("bank-statement", "marketplace")] IPersistentState<BankStatementState> state, IGrainFactory grains)
    : Grain, IBankStatementGrain
{
    public Task<BankStatement?> GetAsync() => Task.FromResult(state.State.Statement);

    public async Task<BankStatement> RecordAsync(BankStatement statement)
    {
        if (state.State.Statement is { } known) return known;
        state.State.Statement = statement;
        await state.SaveAsync();
        await grains.GetGrain<IBankStatementListGrain>(IBankStatementListGrain.Key).AddAsync(statement);
        return statement;
    }
}

/// <summary>A statement in the admins' list of the latest ones.</summary>
[GenerateSerializer, Alias("jazari.bank-statement-summary")]
public sealed record BankStatementSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Account,
    [property: Id(2)] string Format,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] int Matched,
    [property: Id(5)] int Unmatched);

/// <summary>The latest statements received (one grain, key <see cref="Key"/>), newest first, at most <see cref="Max"/>.</summary>
public interface IBankStatementListGrain : IGrainWithStringKey
{
    public const string Key = "latest";
    public const int Max = 100;
    Task AddAsync(BankStatement statement);
    Task<IReadOnlyList<BankStatementSummary>> ListAsync();
}

[GenerateSerializer, Alias("jazari.bank-statement-list-state")]
public sealed class BankStatementListState
{
    [Id(0)] public List<BankStatementSummary> Latest { get; set; } = [];
}

internal sealed class BankStatementListGrain([PersistentState("bank-statement-list", "marketplace")] IPersistentState<BankStatementListState> state)
    : Grain, IBankStatementListGrain
{
    public async Task AddAsync(BankStatement statement)
    {
        if (state.State.Latest.Any(s => s.Id == statement.Id)) return;
        state.State.Latest.Insert(0, new BankStatementSummary(statement.Id, statement.Account, statement.Format, statement.ReceivedAt,
            statement.Matched.Count, statement.Unmatched.Count));
        if (state.State.Latest.Count > IBankStatementListGrain.Max) state.State.Latest.RemoveRange(IBankStatementListGrain.Max, state.State.Latest.Count - IBankStatementListGrain.Max);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<BankStatementSummary>> ListAsync() => Task.FromResult<IReadOnlyList<BankStatementSummary>>([.. state.State.Latest]);
}

/// <summary>
/// One credit on the platform's account (keyed by the account and the bank's own reference of the entry): the first
/// statement that brought it handles it; later statements bringing it again (overlapping exports) leave it alone.
/// </summary>
public interface IBankCreditGrain : IGrainWithStringKey
{
    /// <summary>The statement that handles this credit: <paramref name="statementId"/> if it is the first to claim it.</summary>
    Task<string> ClaimAsync(string statementId);
}

[GenerateSerializer, Alias("jazari.bank-credit-state")]
public sealed class BankCreditState
{
    [Id(0)] public string? StatementId { get; set; }
}

internal sealed class BankCreditGrain([PersistentState("bank-credit", "marketplace")] IPersistentState<BankCreditState> state) : Grain, IBankCreditGrain
{
    public async Task<string> ClaimAsync(string statementId)
    {
        if (state.State.StatementId is { } first) return first;
        state.State.StatementId = statementId;
        await state.SaveAsync();
        return statementId;
    }
}

/// <summary>How to read one bank's CSV export: the separator, the decimal mark, and the header of each column used.
/// Credits come from <see cref="CreditColumn"/>, or from the positive amounts of <see cref="AmountColumn"/>.</summary>
[GenerateSerializer, Alias("jazari.bank-csv-mapping")]
public sealed record BankCsvMapping(
    [property: Id(0)] string Name,
    [property: Id(1)] char Delimiter,
    [property: Id(2)] char DecimalMark,
    [property: Id(3)] string? AmountColumn,
    [property: Id(4)] string? CreditColumn,
    [property: Id(5)] IReadOnlyList<string> LabelColumns,
    [property: Id(6)] string? BankReferenceColumn,
    [property: Id(7)] string? CurrencyColumn,
    [property: Id(8)] string? AccountColumn);

/// <summary>The CSV mappings saved by admins, one per bank (one grain, key <see cref="Key"/>; at most <see cref="Max"/>).</summary>
public interface IBankCsvMappingsGrain : IGrainWithStringKey
{
    public const string Key = "all";
    public const int Max = 50;
    Task<BankCsvMapping> SaveAsync(BankCsvMapping mapping);
    Task<IReadOnlyList<BankCsvMapping>> ListAsync();
}

[GenerateSerializer, Alias("jazari.bank-csv-mappings-state")]
public sealed class BankCsvMappingsState
{
    [Id(0)] public List<BankCsvMapping> Mappings { get; set; } = [];
}

internal sealed class BankCsvMappingsGrain([PersistentState("bank-csv-mappings", "marketplace")] IPersistentState<BankCsvMappingsState> state)
    : Grain, IBankCsvMappingsGrain
{
    public async Task<BankCsvMapping> SaveAsync(BankCsvMapping mapping)
    {
        var index = state.State.Mappings.FindIndex(m => m.Name == mapping.Name);
        if (index >= 0 && state.State.Mappings[index] == mapping) return mapping;
        if (index < 0 && state.State.Mappings.Count >= IBankCsvMappingsGrain.Max)
            throw MarketplaceException.Conflict($"At most {IBankCsvMappingsGrain.Max} bank mappings are kept; change one of them.");
        if (index >= 0) state.State.Mappings[index] = mapping;
        else state.State.Mappings.Add(mapping);
        await state.SaveAsync();
        return mapping;
    }

    public Task<IReadOnlyList<BankCsvMapping>> ListAsync() => Task.FromResult<IReadOnlyList<BankCsvMapping>>([.. state.State.Mappings.OrderBy(m => m.Name)]);
}
