using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>
/// One per e-mail address (the key is the normalised address): links it to its account and holds
/// the current one-time sign-in code, stored hashed, with its expiry and attempt count.
/// </summary>
public interface ISignInGrain : IGrainWithStringKey
{
    /// <summary>The account of this address, creating it when there is none. Returns the id and whether it was created.</summary>
    Task<(string AccountId, bool Created)> SignUpAsync(NewAccount account);
    Task<string?> GetAccountIdAsync();
    /// <summary>A fresh 6-digit code for this address (the previous one stops working).</summary>
    Task<string> IssueCodeAsync();
    /// <summary>The account id when the code is right and fresh; the code is then used up.</summary>
    Task<string> VerifyAsync(string code);
    /// <summary>
    /// Forgets this address when it leads to <paramref name="accountId"/>: the stored state is deleted (its row key
    /// holds the address), so the address can sign up again as a new account. Repeating it changes nothing.
    /// </summary>
    Task EraseAsync(string accountId);
}

[GenerateSerializer, Alias("jazari.sign-in-state")]
public sealed class SignInState
{
    [Id(0)] public string? AccountId { get; set; }
    [Id(1)] public byte[]? CodeHash { get; set; }
    [Id(2)] public byte[]? CodeSalt { get; set; }
    [Id(3)] public DateTimeOffset CodeExpiresAt { get; set; }
    [Id(4)] public int FailedAttempts { get; set; }
    /// <summary>When the last codes were issued (at most <see cref="SignInGrain.MaxCodesPerWindow"/> kept).</summary>
    [Id(5)] public List<DateTimeOffset> CodesIssuedAt { get; set; } = [];
}

internal sealed class SignInGrain(
    [PersistentState("sign-in", "marketplace")] IPersistentState<SignInState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISignInGrain
{
    public const int MaxCodesPerWindow = 5;
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan CodeWindow = TimeSpan.FromMinutes(15);

    public async Task<(string AccountId, bool Created)> SignUpAsync(NewAccount account)
    {
        if (state.State.AccountId is { } existing) return (existing, false);
        var id = Ids.New("acc");
        await grains.GetGrain<IAccountGrain>(id).CreateAsync(account);
        state.State.AccountId = id;
        await state.SaveAsync();
        return (id, true);
    }

    public Task<string?> GetAccountIdAsync() => Task.FromResult(state.State.AccountId);

    public async Task<string> IssueCodeAsync()
    {
        var now = time.GetUtcNow();
        var recent = state.State.CodesIssuedAt.Where(at => now - at < CodeWindow).ToList();
        if (recent.Count >= MaxCodesPerWindow)
            throw new MarketplaceException(Problem.TooManyRequests,
                "Too many codes were requested for this address; wait a few minutes.");
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var salt = RandomNumberGenerator.GetBytes(16);
        recent.Add(now);
        state.State.CodesIssuedAt = recent;
        state.State.CodeSalt = salt;
        state.State.CodeHash = Hash(salt, code);
        state.State.CodeExpiresAt = now + CodeLifetime;
        state.State.FailedAttempts = 0;
        await state.SaveAsync();
        return code;
    }

    public async Task<string> VerifyAsync(string code)
    {
        var s = state.State;
        if (s.AccountId is null || s.CodeHash is null || s.CodeSalt is null
            || time.GetUtcNow() >= s.CodeExpiresAt || s.FailedAttempts >= MaxFailedAttempts)
            throw MarketplaceException.Invalid("code", "The code is wrong or has expired; ask for a new one.");
        if (!CryptographicOperations.FixedTimeEquals(Hash(s.CodeSalt, code), s.CodeHash))
        {
            s.FailedAttempts++;
            await state.SaveAsync();
            throw MarketplaceException.Invalid("code", "The code is wrong or has expired; ask for a new one.");
        }
        s.CodeHash = null;
        s.CodeSalt = null;
        await state.SaveAsync();
        return s.AccountId;
    }

    public async Task EraseAsync(string accountId)
    {
        if (!state.RecordExists || (state.State.AccountId is { } linked && linked != accountId)) return;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private static byte[] Hash(byte[] salt, string code) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(code)]);
}
