namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>A bearer token, keyed by the hex SHA-256 of the token: the token itself is never stored.</summary>
public interface ITokenGrain : IGrainWithStringKey
{
    Task IssueAsync(string accountId, string role, DateTimeOffset expiresAt);
    /// <summary>The caller this token stands for, or null when it is unknown, expired or revoked.</summary>
    Task<Caller?> ValidateAsync();
    Task RevokeAsync();
}

[GenerateSerializer, Alias("jazari.token-state")]
public sealed class TokenState
{
    [Id(0)] public string AccountId { get; set; } = "";
    [Id(1)] public string Role { get; set; } = "";
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(3)] public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class TokenGrain(
    [PersistentState("token", "marketplace")] IPersistentState<TokenState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ITokenGrain
{
    /// <summary>Issued after its account listed it. A token its account signed out in between (a report of a stolen
    /// RIB, an erasure) stays revoked: the sign-in answers it, and its first use signs the person out.</summary>
    public async Task IssueAsync(string accountId, string role, DateTimeOffset expiresAt)
    {
        if (state.RecordExists && state.State is { AccountId: "", RevokedAt: not null }) return;
        if (state.RecordExists) throw MarketplaceException.Conflict("Token already issued.");
        state.State = new TokenState { AccountId = accountId, Role = role, ExpiresAt = expiresAt };
        await state.SaveAsync();
    }

    public Task<Caller?> ValidateAsync()
    {
        var s = state.State;
        var valid = state.RecordExists && s.RevokedAt is null && time.GetUtcNow() < s.ExpiresAt;
        return Task.FromResult(valid ? new Caller(s.AccountId, s.Role) : null);
    }

    /// <summary>Revoked for good; a token listed by its account but not issued yet is revoked before it exists, so that
    /// a sign-in racing a sign-out everywhere cannot leave a valid token behind.</summary>
    public async Task RevokeAsync()
    {
        if (state.RecordExists && state.State.RevokedAt is not null) return;
        if (!state.RecordExists) state.State = new TokenState { ExpiresAt = time.GetUtcNow() };
        state.State.RevokedAt = time.GetUtcNow();
        await state.SaveAsync();
    }
}
