namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>A person's account: who they are, the role they act in, and the profile they own.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    Task CreateAsync(NewAccount account);
    Task<AccountView?> GetAsync();
    Task<AccountView> MarkVerifiedAsync();
    /// <summary>
    /// Reserves the one profile this account may own, before the profile is created: the first caller gets
    /// <paramref name="newProfileId"/> back, every concurrent or later one a 409 (unless it asks for the same id: a takeover
    /// of an imported profile sent again). A reservation left unconfirmed
    /// for <see cref="AccountGrain.ReservationTimeout"/> (the creating request died) is handed, with its id, to the next caller.
    /// </summary>
    Task<string> ReserveProfileAsync(string newProfileId);
    /// <summary>Drops the reservation of <paramref name="profileId"/> (a takeover's, whose profile is no longer the account's
    /// to take); another reservation is left as it is.</summary>
    Task DropReservationAsync(string profileId);
    /// <summary>Confirms the reserved profile, once created: from then on <see cref="AccountView.ProfileId"/> names it.</summary>
    Task LinkProfileAsync(string profileId);
    /// <summary>The language the person reads the marketplace in (pages and e-mails).</summary>
    Task<AccountView> SetLanguageAsync(string language);
    /// <summary>Remembers a token issued to this account (its grain key), so erasure can revoke it.</summary>
    Task TokenIssuedAsync(string tokenKey, DateTimeOffset expiresAt);
    /// <summary>Revokes every token issued to this account (every page session and API token, the caller's too): someone else may hold one.</summary>
    Task SignOutEverywhereAsync();
    /// <summary>Remembers a need (owned or bid on) or a cohort (applied to) where this account's data lives, for export and erasure.</summary>
    Task TookPartAsync(PartyOf kind, string id);
    Task<AccountPlaces> GetPlacesAsync();
    Task<Consents> GetConsentsAsync();
    /// <summary>Records the consents given or withdrawn; what does not change is not recorded again.</summary>
    Task<Consents> RecordConsentsAsync(ConsentChoice choice);
    /// <summary>
    /// Erases the account's personal data: the e-mail is dropped, the name becomes <paramref name="pseudonym"/>,
    /// every remembered token is revoked. The id stays, for what the law keeps (ledger, invoices, audit). Repeating it changes nothing.
    /// </summary>
    Task EraseAsync(string pseudonym);
    /// <summary>
    /// The keyed hash of the network the account was created from (its first verified sign-in), or null (an account
    /// from before it was recorded, one created by an admin or a manager, an ignored network, or an erased account).
    /// It tells only whether two accounts signed up from the same network: a related-party payout hold.
    /// </summary>
    Task<string?> GetSignUpNetworkAsync();
}

public enum PartyOf { Need, Cohort }

/// <summary>Where an account's data lives beyond its own grains: needs it owns or bid on, cohorts it applied to.</summary>
[GenerateSerializer, Alias("jazari.account-places")]
public sealed record AccountPlaces(
    [property: Id(0)] IReadOnlyList<string> NeedIds,
    [property: Id(1)] IReadOnlyList<string> CohortIds);

[GenerateSerializer, Alias("jazari.new-account")]
public sealed record NewAccount(
    [property: Id(0)] string Email,
    [property: Id(1)] string Role,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Language,
    [property: Id(4)] IReadOnlyList<string> Institutes,
    [property: Id(5)] string? SignUpNetwork = null);

[GenerateSerializer, Alias("jazari.account-view")]
public sealed record AccountView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Email,
    [property: Id(2)] string Role,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string Language,
    [property: Id(5)] string? ProfileId,
    [property: Id(6)] IReadOnlyList<string> Institutes,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset? VerifiedAt,
    [property: Id(9)] DateTimeOffset? ErasedAt = null,
    /// <summary>The profile reserved and not yet linked (<see cref="IAccountGrain.ReserveProfileAsync"/>).</summary>
    [property: Id(10)] string? ReservedProfileId = null);

[GenerateSerializer, Alias("jazari.account-state")]
public sealed class AccountState
{
    [Id(0)] public string Email { get; set; } = "";
    [Id(1)] public string Role { get; set; } = "";
    [Id(2)] public string DisplayName { get; set; } = "";
    [Id(3)] public string Language { get; set; } = "";
    [Id(4)] public string? ProfileId { get; set; }
    [Id(5)] public List<string> Institutes { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset? VerifiedAt { get; set; }
    [Id(8)] public Consents Consents { get; set; } = Consents.None;
    /// <summary>Tokens issued and not yet expired, at most <see cref="AccountGrain.MaxTokens"/>.</summary>
    [Id(9)] public List<IssuedToken> Tokens { get; set; } = [];
    /// <summary>Needs owned or bid on, as stored before places became rows (<see cref="PlaceRows"/>): written as rows
    /// and cleared when the grain is activated; nothing adds to it any more.</summary>
    [Id(10)] public List<string> NeedIds { get; set; } = [];
    /// <summary>Cohorts applied to, as stored before places became rows; moved like <see cref="NeedIds"/>.</summary>
    [Id(11)] public List<string> CohortIds { get; set; } = [];
    [Id(12)] public DateTimeOffset? ErasedAt { get; set; }
    /// <summary>The profile being created (reserved, not yet confirmed by <see cref="IAccountGrain.LinkProfileAsync"/>).</summary>
    [Id(13)] public string? ReservedProfileId { get; set; }
    [Id(14)] public DateTimeOffset? ReservedAt { get; set; }
    /// <summary>The keyed hash (never the address) of the network of the first verified sign-in; see <see cref="IAccountGrain.GetSignUpNetworkAsync"/>.</summary>
    [Id(15)] public string? SignUpNetwork { get; set; }
}

[GenerateSerializer, Alias("jazari.issued-token")]
public sealed record IssuedToken([property: Id(0)] string Key, [property: Id(1)] DateTimeOffset ExpiresAt);

internal sealed class AccountGrain(
    [PersistentState("account", "marketplace")] IPersistentState<AccountState> state,
    IGrainFactory grains,
    PlaceRows places,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain
{
    /// <summary>Signed-in sessions at once; a sign-in beyond signs the oldest session out.</summary>
    public const int MaxTokens = 100;
    /// <summary>How long a profile reservation holds off other creations before it is taken over.</summary>
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(1);

    /// <summary>An account stored before places were rows moves its lists into rows, once.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellation)
    {
        var s = state.State;
        if (s.NeedIds.Count == 0 && s.CohortIds.Count == 0) return;
        var id = this.GetPrimaryKeyString();
        await places.AddAsync(id, PartyOf.Need, s.NeedIds);
        await places.AddAsync(id, PartyOf.Cohort, s.CohortIds);
        s.NeedIds = [];
        s.CohortIds = [];
        await state.SaveAsync();
    }

    public async Task CreateAsync(NewAccount account)
    {
        if (state.RecordExists) return;
        state.State = new AccountState
        {
            Email = account.Email,
            Role = account.Role,
            DisplayName = account.DisplayName,
            Language = account.Language,
            Institutes = [.. account.Institutes],
            CreatedAt = time.GetUtcNow(),
            SignUpNetwork = account.SignUpNetwork,
        };
        await state.SaveAsync();
    }

    public Task<AccountView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    public async Task<AccountView> MarkVerifiedAsync()
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        if (state.State.VerifiedAt is null)
        {
            state.State.VerifiedAt = time.GetUtcNow();
            await state.SaveAsync();
        }
        return View();
    }

    public async Task<string> ReserveProfileAsync(string newProfileId)
    {
        EnsureUsable();
        var s = state.State;
        if (s.ProfileId is not null) throw MarketplaceException.Conflict("This account already has a profile; update it instead.");
        var now = time.GetUtcNow();
        // Another profile's reservation holds for a while (its creation may be under way); the same profile's is renewed
        // (a takeover sent again after a failure).
        if (s.ReservedProfileId is not null && s.ReservedProfileId != newProfileId && s.ReservedAt > now - ReservationTimeout)
            throw MarketplaceException.Conflict("This account's profile is being created; update it instead.");
        s.ReservedProfileId ??= newProfileId;
        s.ReservedAt = now;
        await state.SaveAsync();
        return s.ReservedProfileId;
    }

    public async Task DropReservationAsync(string profileId)
    {
        if (!state.RecordExists || state.State.ReservedProfileId != profileId) return;
        state.State.ReservedProfileId = null;
        state.State.ReservedAt = null;
        await state.SaveAsync();
    }

    public async Task LinkProfileAsync(string profileId)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        if (state.State.ProfileId == profileId) return;
        if (state.State.ProfileId is not null)
            throw MarketplaceException.Conflict("This account already has a profile; update it instead.");
        state.State.ProfileId = profileId;
        state.State.ReservedProfileId = null;
        state.State.ReservedAt = null;
        await state.SaveAsync();
    }

    public async Task<AccountView> SetLanguageAsync(string language)
    {
        EnsureUsable();
        if (!Reference.IsLanguage(language)) throw MarketplaceException.Invalid("language", "Must be ar, fr or en.");
        if (state.State.Language != language)
        {
            state.State.Language = language;
            await state.SaveAsync();
        }
        return View();
    }

    public async Task TokenIssuedAsync(string tokenKey, DateTimeOffset expiresAt)
    {
        EnsureUsable();
        var now = time.GetUtcNow();
        var tokens = state.State.Tokens;
        if (tokens.Exists(t => t.Key == tokenKey)) return;
        tokens.RemoveAll(t => t.ExpiresAt <= now);
        tokens.Add(new IssuedToken(tokenKey, expiresAt));
        var signedOut = tokens.Count > MaxTokens ? tokens[0] : null;
        if (signedOut is not null) tokens.RemoveAt(0);
        await state.SaveAsync();
        if (signedOut is not null) await grains.GetGrain<ITokenGrain>(signedOut.Key).RevokeAsync();
    }

    public async Task SignOutEverywhereAsync()
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        var signedOut = state.State.Tokens.ToList();
        // Revoked before they are forgotten: a kill in between leaves them listed, revoked again by a repeat.
        await Task.WhenAll(signedOut.Select(t => grains.GetGrain<ITokenGrain>(t.Key).RevokeAsync()));
        if (signedOut.Count == 0) return;
        state.State.Tokens.RemoveAll(t => signedOut.Contains(t));
        await state.SaveAsync();
    }

    public async Task TookPartAsync(PartyOf kind, string id)
    {
        EnsureUsable();
        // One row per place, written again on a repeat (an upsert): nothing caps how many places an account has,
        // and none is ever forgotten, so erasure reaches every place the account's data is in.
        await places.AddAsync(this.GetPrimaryKeyString(), kind, id);
    }

    public Task<AccountPlaces> GetPlacesAsync() => places.ListAsync(this.GetPrimaryKeyString());

    public Task<Consents> GetConsentsAsync() => Task.FromResult(state.State.Consents);

    public async Task<Consents> RecordConsentsAsync(ConsentChoice choice)
    {
        EnsureUsable();
        var changed = state.State.Consents.With(choice, time.GetUtcNow());
        if (ReferenceEquals(changed, state.State.Consents)) return changed;
        state.State.Consents = changed;
        await state.SaveAsync();
        return changed;
    }

    public async Task EraseAsync(string pseudonym)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        var s = state.State;
        if (s.ErasedAt is null || s.Email.Length > 0 || s.DisplayName != pseudonym || s.SignUpNetwork is not null)
        {
            s.Email = "";
            s.SignUpNetwork = null;
            s.DisplayName = pseudonym;
            s.ErasedAt ??= time.GetUtcNow();
            s.Consents = s.Consents.Erased();
            await state.SaveAsync();
        }
        // Revoked after the write, and again on a repeat: a token is never left valid once the account says erased.
        await Task.WhenAll(s.Tokens.Select(t => grains.GetGrain<ITokenGrain>(t.Key).RevokeAsync()));
    }

    public Task<string?> GetSignUpNetworkAsync() => Task.FromResult(state.RecordExists ? state.State.SignUpNetwork : null);

    private void EnsureUsable()
    {
        if (!state.RecordExists || state.State.ErasedAt is not null) throw MarketplaceException.NotFound("Account");
    }

    private AccountView View()
    {
        var s = state.State;
        return new(this.GetPrimaryKeyString(), s.Email, s.Role, s.DisplayName, s.Language, s.ProfileId,
            [.. s.Institutes], s.CreatedAt, s.VerifiedAt, s.ErasedAt, s.ReservedProfileId);
    }
}
