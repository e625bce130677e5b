namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>What SME, startup and mentor profiles have in common: an owner, details, and who may see them.</summary>
public interface IProfileGrain<TDetails> : IGrainWithStringKey
{
    /// <summary>Creates the profile for its owner; the same owner asking again changes nothing.</summary>
    Task CreateAsync(string ownerAccountId, TDetails details);
    Task<ProfileView<TDetails>> GetAsync(Caller caller);
    Task<ProfileView<TDetails>> UpdateAsync(Caller caller, TDetails details);
    /// <summary>Upsert by an admin import (of profiles no account holds); true when the profile was created.
    /// <paramref name="contactEmail"/> is the company's address in the catalogue (null: none): the account signed up with
    /// it may take the profile over (<see cref="ClaimAsync"/>).</summary>
    Task<bool> ImportAsync(TDetails details, string? contactEmail);
    /// <summary>
    /// The profile, when no account holds it and its catalogue's contact address is <paramref name="email"/>, or when
    /// <paramref name="accountId"/> took it over (<see cref="ClaimAsync"/>); else null.
    /// </summary>
    Task<ProfileView<TDetails>?> ListedForAsync(string email, string accountId);
    /// <summary>
    /// The account signed up with the catalogue's contact address takes the imported profile over: from then on it is the
    /// owner, as if it had created it. Repeating it changes nothing; for anyone else (its creator included: it took nothing
    /// over) the profile is not found.
    /// </summary>
    Task<ProfileView<TDetails>> ClaimAsync(string accountId, string email);
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
    /// <summary>An imported profile's contact address in its catalogue, until an account signed up with it takes it over.</summary>
    [Id(5)] public string? ContactEmail { get; set; }
    /// <summary>When the account signed up with the contact address took the imported profile over.</summary>
    [Id(6)] public DateTimeOffset? ClaimedAt { get; set; }
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

    public async Task<bool> ImportAsync(TDetails details, string? contactEmail)
    {
        var created = !state.RecordExists;
        // Another system's catalogue never rewrites a profile someone holds here: only its owner changes it.
        if (!created && state.State.OwnerAccountId is not null)
            throw MarketplaceException.Conflict("The profile belongs to an account on the marketplace; an import cannot change it.");
        var now = time.GetUtcNow();
        if (created) state.State = new() { CreatedAt = now };
        state.State.Details = details;
        state.State.ContactEmail = contactEmail;
        state.State.UpdatedAt = now;
        await state.SaveAsync();
        await OnChangedAsync();
        return created;
    }

    public Task<ProfileView<TDetails>?> ListedForAsync(string email, string accountId) =>
        Task.FromResult(IsListedFor(email) || TakenOverBy(accountId) ? View() : null);

    public async Task<ProfileView<TDetails>> ClaimAsync(string accountId, string email)
    {
        if (TakenOverBy(accountId)) return View();
        if (!IsListedFor(email)) throw MarketplaceException.NotFound(Kind);
        var now = time.GetUtcNow();
        state.State.OwnerAccountId = accountId;
        state.State.ContactEmail = null;
        state.State.ClaimedAt = now;
        state.State.UpdatedAt = now;
        await state.SaveAsync();
        await OnChangedAsync();
        return View();
    }

    private bool IsListedFor(string email) => state.RecordExists && state.State.OwnerAccountId is null && state.State.ErasedAt is null
        && state.State.ContactEmail is { Length: > 0 } contact && contact == email;

    private bool TakenOverBy(string accountId) => state.RecordExists && state.State.ClaimedAt is not null
        && state.State.OwnerAccountId == accountId && state.State.ErasedAt is null;

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
