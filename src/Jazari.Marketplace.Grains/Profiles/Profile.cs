namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>What SME, startup and mentor profiles have in common: an owner, details, and who may see them.</summary>
public interface IProfileGrain<TDetails> : IGrainWithStringKey
{
    /// <summary>Creates the profile for its owner; the same owner asking again changes nothing.</summary>
    Task CreateAsync(string ownerAccountId, TDetails details);
    Task<ProfileView<TDetails>> GetAsync(Caller caller);
    Task<ProfileView<TDetails>> UpdateAsync(Caller caller, TDetails details);
    /// <summary>Upsert by an admin import (of profiles no account holds); true when the profile was created.</summary>
    Task<bool> ImportAsync(TDetails details);
    /// <summary>
    /// The owner's account was erased: the name becomes <paramref name="pseudonym"/>, texts they wrote are blanked,
    /// and the profile takes no more work (capacity 0). Ids stay, for ledger entries and invoices. Repeating it changes nothing.
    /// </summary>
    Task EraseAsync(string ownerAccountId, string pseudonym);
}

[GenerateSerializer, Alias("jazari.profile-view`1")]
public sealed record ProfileView<TDetails>(
    [property: Id(0)] string Id,
    [property: Id(1)] string? OwnerAccountId,
    [property: Id(2)] TDetails Details,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Alias("jazari.profile-state`1")]
public sealed class ProfileState<TDetails>
{
    /// <summary>Null for profiles brought in by an admin import.</summary>
    [Id(0)] public string? OwnerAccountId { get; set; }
    [Id(1)] public TDetails Details { get; set; } = default!;
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>When the owner's account was erased.</summary>
    [Id(4)] public DateTimeOffset? ErasedAt { get; set; }
}

internal abstract class ProfileGrain<TDetails>(IPersistentState<ProfileState<TDetails>> state, TimeProvider time)
    : Grain, IProfileGrain<TDetails>
{
    protected abstract string Kind { get; }

    /// <summary>Whether every signed-in account may read the profile (startups market themselves; SMEs and mentors do not).</summary>
    protected virtual bool IsPublic => false;

    protected ProfileState<TDetails> Profile => state.State;
    protected bool Exists => state.RecordExists;
    protected bool Erased => state.State?.ErasedAt is not null;

    public async Task CreateAsync(string ownerAccountId, TDetails details)
    {
        if (state.RecordExists)
        {
            if (state.State.OwnerAccountId == ownerAccountId) return;
            throw MarketplaceException.Conflict($"{Kind} id already taken.");
        }
        var now = time.GetUtcNow();
        state.State = new() { OwnerAccountId = ownerAccountId, Details = details, CreatedAt = now, UpdatedAt = now };
        await state.SaveAsync();
        await OnChangedAsync();
    }

    public Task<ProfileView<TDetails>> GetAsync(Caller caller)
    {
        EnsureVisibleTo(caller, forUpdate: false);
        return Task.FromResult(View());
    }

    public async Task<ProfileView<TDetails>> UpdateAsync(Caller caller, TDetails details)
    {
        EnsureVisibleTo(caller, forUpdate: true);
        state.State.Details = details;
        state.State.UpdatedAt = time.GetUtcNow();
        await state.SaveAsync();
        await OnChangedAsync();
        return View();
    }

    public async Task<bool> ImportAsync(TDetails details)
    {
        var created = !state.RecordExists;
        // Another system's catalogue never rewrites a profile someone holds here: only its owner changes it.
        if (!created && state.State.OwnerAccountId is not null)
            throw MarketplaceException.Conflict("The profile belongs to an account on the marketplace; an import cannot change it.");
        var now = time.GetUtcNow();
        if (created) state.State = new() { CreatedAt = now };
        state.State.Details = details;
        state.State.UpdatedAt = now;
        await state.SaveAsync();
        await OnChangedAsync();
        return created;
    }

    public async Task EraseAsync(string ownerAccountId, string pseudonym)
    {
        if (!state.RecordExists || state.State.OwnerAccountId != ownerAccountId) return;
        if (state.State.ErasedAt is null)
        {
            var now = time.GetUtcNow();
            state.State.Details = Anonymised(state.State.Details, pseudonym);
            state.State.UpdatedAt = now;
            state.State.ErasedAt = now;
            await state.SaveAsync();
        }
        await OnErasedAsync();
    }

    /// <summary>The details with the name replaced by the pseudonym and free texts blanked.</summary>
    protected abstract TDetails Anonymised(TDetails details, string pseudonym);

    /// <summary>Called after erasure (and again on a repeat).</summary>
    protected virtual Task OnErasedAsync() => OnChangedAsync();

    /// <summary>Called after every stored change of the details.</summary>
    protected virtual Task OnChangedAsync() => Task.CompletedTask;

    protected void EnsureVisibleTo(Caller caller, bool forUpdate)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound(Kind);
        var owner = caller.AccountId == state.State.OwnerAccountId;
        // Managers read an SME or a mentor only through a concern of their institutes, checked by the caller
        // of this grain (e.g. a mentor assigned in one of their cohorts), which then reads as the marketplace.
        if (!(owner || caller.IsAdmin || (!forUpdate && IsPublic))) throw MarketplaceException.NotFound(Kind);
    }

    protected ProfileView<TDetails> View() =>
        new(this.GetPrimaryKeyString(), state.State.OwnerAccountId, state.State.Details, state.State.CreatedAt, state.State.UpdatedAt);
}
