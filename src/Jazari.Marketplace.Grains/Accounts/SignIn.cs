using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>
/// One per e-mail address (the key is the normalised address), known or not: the account it leads to once a code
/// was verified (or an admin or a manager created it), the sign-up waiting for its first verified code, the live
/// one-time codes (stored hashed), and what throttles requests and guesses. Every address is handled alike, so
/// nobody learns from the answers which addresses have an account.
/// </summary>
public interface ISignInGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account of this address now, when there is none (an admin's or a manager's invitation, not a
    /// self sign-up). Returns the id and whether it was created; a waiting self sign-up is dropped.
    /// </summary>
    Task<(string AccountId, bool Created)> SignUpAsync(NewAccount account);
    Task<string?> GetAccountIdAsync();
    /// <summary>
    /// A code e-mail for this address, asked by <paramref name="requester"/> (a hash of the client address), with the
    /// sign-up to apply at verification when <paramref name="signUp"/> is given. Each requester's last sign-up is kept
    /// apart: a code asked without one (a new code) carries the requester's own; a requester with none gets no code for
    /// an address without an account, whoever else signed it up. The code is
    /// null when the address has neither an account nor a waiting sign-up of this requester: the e-mail then says there
    /// is no account.
    /// Earlier codes stay valid until they expire. Throttled per requester and per address (429 with a retry time).
    /// </summary>
    Task<CodeRequest> RequestCodeAsync(string requester, PendingSignUp? signUp);
    /// <summary>
    /// The account id when the code is one of the live codes; all codes are then used up. The first verified code of
    /// a sign-up creates its account. Failed guesses count per requester and per address over a day, with back-off;
    /// a new code never resets them. Past the address's limit (someone guessing from many networks), a requester on a
    /// network the account is known on (where it signed up or last signed in) may still try a code it asked for since
    /// its last wrong guess, up to <see cref="SignInGrain.ExemptGuesses"/> more a day: the owner is not locked out by
    /// strangers. The first verified code of a sign-up applies the verifying requester's own last sign-up, else the one
    /// its code was sent for. <paramref name="network"/> is the keyed hash of the requester's network (null when
    /// not recorded): kept on the account a sign-up's code creates, for the related-party payout holds.
    /// </summary>
    Task<string> VerifyAsync(string code, string requester, string? network);
    /// <summary>
    /// Forgets this address when it leads to <paramref name="accountId"/>: the stored state is deleted (its row key
    /// holds the address), so the address can sign up again as a new account. Repeating it changes nothing.
    /// </summary>
    Task EraseAsync(string accountId);
}

/// <summary>A self sign-up waiting for its first verified code: nothing of it is an account until then.</summary>
[GenerateSerializer, Alias("jazari.pending-sign-up")]
public sealed record PendingSignUp(
    [property: Id(0)] NewAccount Account,
    [property: Id(1)] ConsentChoice? Consents);

/// <summary>
/// What to e-mail: <see cref="RecipientId"/> is the account id of the address (reserved before the account exists),
/// whose notifications carry the e-mail; <see cref="Code"/> is null when the address has no account;
/// <see cref="AccountExists"/> tells a sign-up that the address already had one (its code signs in to that account).
/// </summary>
[GenerateSerializer, Alias("jazari.code-request")]
public sealed record CodeRequest(
    [property: Id(0)] string RecipientId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] string? Code,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] bool AccountExists,
    [property: Id(5)] string? SignUpRole = null);

/// <summary>How long a one-time code lives (and the e-mail carrying it may wait to be sent).</summary>
public static class SignInRules
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
}

[GenerateSerializer, Alias("jazari.sign-in-code")]
public sealed record SignInCode([property: Id(0)] byte[] Hash, [property: Id(1)] byte[] Salt, [property: Id(2)] DateTimeOffset ExpiresAt)
{
    /// <summary>Who asked for it (null for codes stored before this was kept).</summary>
    [Id(3)] public string? Requester { get; init; }
    /// <summary>The sign-up this code creates (null: the address's waiting sign-up, <see cref="SignInState.SignUp"/>).</summary>
    [Id(4)] public PendingSignUp? SignUp { get; init; }
}

/// <summary>A requester's last sign-up of an address, waiting for its first verified code.</summary>
[GenerateSerializer, Alias("jazari.requester-sign-up")]
public sealed record RequesterSignUp([property: Id(0)] string Requester, [property: Id(1)] PendingSignUp SignUp, [property: Id(2)] DateTimeOffset At);

/// <summary>A code request or a failed guess: when, and by whom (a hash of the client address, never the address itself).</summary>
[GenerateSerializer, Alias("jazari.sign-in-attempt")]
public sealed record SignInAttempt([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Requester);

[GenerateSerializer, Alias("jazari.sign-in-state")]
public sealed class SignInState
{
    /// <summary>The account, once verified (or created by an admin or a manager).</summary>
    [Id(0)] public string? AccountId { get; set; }
    // Ids 1 to 5 held the single code of the first version (hash, salt, expiry, failures, issue times): no longer
    // written; a code stored that way simply stops working.
    [Id(1)] public byte[]? CodeHash { get; set; }
    [Id(2)] public byte[]? CodeSalt { get; set; }
    [Id(3)] public DateTimeOffset CodeExpiresAt { get; set; }
    [Id(4)] public int FailedAttempts { get; set; }
    [Id(5)] public List<DateTimeOffset> CodesIssuedAt { get; set; } = [];
    /// <summary>Live codes, newest last, at most <see cref="SignInGrain.LiveCodes"/>.</summary>
    [Id(6)] public List<SignInCode> Codes { get; set; } = [];
    /// <summary>Code requests of the last <see cref="SignInGrain.AddressWindow"/>.</summary>
    [Id(7)] public List<SignInAttempt> Requests { get; set; } = [];
    /// <summary>Failed guesses of the last <see cref="SignInGrain.GuessWindow"/>.</summary>
    [Id(8)] public List<SignInAttempt> FailedGuesses { get; set; } = [];
    /// <summary>The last sign-up of the first version (one per address, whoever asked): read only for codes stored then.</summary>
    [Id(9)] public PendingSignUp? SignUp { get; set; }
    /// <summary>The account id of this address, reserved at the first request: its notifications carry the code e-mails.</summary>
    [Id(10)] public string? RecipientId { get; set; }
    /// <summary>Each requester's last sign-up, newest last, at most <see cref="SignInGrain.KeptSignUps"/>.</summary>
    [Id(11)] public List<RequesterSignUp> SignUps { get; set; } = [];
    /// <summary>The keyed hashes of the networks the account last signed in from (newest last, at most 5).</summary>
    [Id(12)] public List<string> Networks { get; set; } = [];
}

internal sealed class SignInGrain(
    [PersistentState("sign-in", "marketplace")] IPersistentState<SignInState> state,
    IGrainFactory grains,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISignInGrain
{
    public static readonly TimeSpan CodeLifetime = SignInRules.CodeLifetime;
    /// <summary>Codes valid at once: a new request never invalidates the codes already sent.</summary>
    public const int LiveCodes = 3;
    /// <summary>Code e-mails one requester may ask for one address per <see cref="RequesterWindow"/>.</summary>
    public const int CodesPerRequester = 5;
    public static readonly TimeSpan RequesterWindow = TimeSpan.FromMinutes(15);
    /// <summary>Code e-mails per address per <see cref="AddressWindow"/>, whoever asks (a mailbox is not flooded).</summary>
    public const int CodesPerAddress = 10;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromHours(1);
    /// <summary>Failed guesses per requester, and per address, over <see cref="GuessWindow"/>.</summary>
    public const int GuessesPerRequester = 5;
    public const int GuessesPerAddress = 20;
    public static readonly TimeSpan GuessWindow = TimeSpan.FromDays(1);
    /// <summary>Wrong guesses a day past <see cref="GuessesPerAddress"/>, from the account's own networks only.</summary>
    public const int ExemptGuesses = 10;
    public const int KeptSignUps = 5;
    /// <summary>After the second failed guess, a requester waits 5 s, then 10 s, 20 s... before the next.</summary>
    public static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(5);

    private SignInState S => state.State;

    public async Task<(string AccountId, bool Created)> SignUpAsync(NewAccount account)
    {
        if (S.AccountId is { } existing) return (existing, false);
        var id = S.RecipientId ??= Ids.New("acc");
        await grains.GetGrain<IAccountGrain>(id).CreateAsync(account);
        S.AccountId = id;
        S.SignUp = null;
        S.SignUps.Clear();
        await state.SaveAsync();
        return (id, true);
    }

    public Task<string?> GetAccountIdAsync() => Task.FromResult(S.AccountId);

    public async Task<CodeRequest> RequestCodeAsync(string requester, PendingSignUp? signUp)
    {
        var now = time.GetUtcNow();
        S.Requests.RemoveAll(r => now - r.At >= AddressWindow);
        var mine = S.Requests.Where(r => r.Requester == requester && now - r.At < RequesterWindow).ToList();
        if (mine.Count >= CodesPerRequester)
            throw TooMany("Too many codes were asked for this address from here; use the last code you received, or wait.", mine[0].At + RequesterWindow - now);
        if (S.Requests.Count >= CodesPerAddress)
            throw TooMany("Too many codes were asked for this address; use the last code you received, or wait.", S.Requests[0].At + AddressWindow - now);
        S.Requests.Add(new SignInAttempt(now, requester));
        S.RecipientId ??= S.AccountId ?? Ids.New("acc");
        if (signUp is not null && S.AccountId is null)
        {
            S.SignUps.RemoveAll(s => s.Requester == requester);
            S.SignUps.Add(new RequesterSignUp(requester, signUp, now));
            if (S.SignUps.Count > KeptSignUps) S.SignUps.RemoveRange(0, S.SignUps.Count - KeptSignUps);
            S.SignUp = null;
        }
        // The sign-up this code creates: the one asked with it, else the requester's own last one ("a new code"); never
        // another requester's (someone signing up the owner's address must not choose the owner's role, name or consents).
        var creates = S.AccountId is not null ? null : signUp ?? OwnSignUp(requester);

        string? code = null;
        if (S.AccountId is not null || creates is not null)
        {
            code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
            var salt = RandomNumberGenerator.GetBytes(16);
            S.Codes.RemoveAll(c => c.ExpiresAt <= now);
            S.Codes.Add(new SignInCode(Hash(salt, code), salt, now + CodeLifetime) { Requester = requester, SignUp = creates });
            if (S.Codes.Count > LiveCodes) S.Codes.RemoveRange(0, S.Codes.Count - LiveCodes);
        }
        await state.SaveAsync();
        return new CodeRequest(S.RecipientId, Ids.New("code"), code, now + CodeLifetime, signUp is not null && S.AccountId is not null, creates?.Account.Role);
    }

    public async Task<string> VerifyAsync(string code, string requester, string? network)
    {
        var now = time.GetUtcNow();
        S.FailedGuesses.RemoveAll(f => now - f.At >= GuessWindow);
        var mine = S.FailedGuesses.Where(f => f.Requester == requester).ToList();
        if (mine.Count >= GuessesPerRequester)
            throw TooMany("Too many wrong codes for this address from here; try again later.", mine[0].At + GuessWindow - now);
        // Past the address's limit, only a requester on one of the account's networks, with a code it asked for since its
        // last wrong guess, still tries (a few more a day): strangers guessing from many networks do not lock the owner out.
        var lastMiss = mine.Count > 0 ? mine[^1].At : DateTimeOffset.MinValue;
        var spent = S.FailedGuesses.Count >= GuessesPerAddress;
        var candidates = !spent ? S.Codes
            : S.FailedGuesses.Count < GuessesPerAddress + ExemptGuesses && await KnownNetworkAsync(network)
                ? [.. S.Codes.Where(c => c.Requester == requester && c.ExpiresAt - CodeLifetime > lastMiss)] : [];
        if (spent && candidates.Count == 0)
            throw TooMany("Too many wrong codes for this address: ask for a new code from here and type it without a mistake, or try again later.",
                S.FailedGuesses[0].At + GuessWindow - now);
        if (mine.Count >= 2 && mine[^1].At + FirstBackOff * Math.Pow(2, mine.Count - 2) - now is { Ticks: > 0 } wait)
            throw TooMany("Wait a moment before trying another code.", wait);

        var match = candidates.Find(c => c.ExpiresAt > now && CryptographicOperations.FixedTimeEquals(Hash(c.Salt, code), c.Hash));
        // The verifying requester's own sign-up first (the owner may type the code a later sign-up of someone else sent),
        // else the code's (a code stored by the first version: the address's last sign-up).
        var signUp = OwnSignUp(requester) ?? match?.SignUp ?? (match?.Requester is null ? S.SignUp : null);
        if (match is null || (S.AccountId is null && signUp is null))
        {
            S.FailedGuesses.Add(new SignInAttempt(now, requester));
            await state.SaveAsync();
            throw MarketplaceException.Invalid("code", "The code is wrong or has expired; ask for a new one.");
        }
        if (S.AccountId is null)
        {
            // The first verified code of a sign-up: only now does the address get an account, with this sign-up's choices.
            var id = S.RecipientId ??= Ids.New("acc");
            var account = grains.GetGrain<IAccountGrain>(id);
            await account.CreateAsync(signUp!.Account with { SignUpNetwork = network });
            if (signUp.Consents is { } consents) await account.RecordConsentsAsync(consents);
            S.AccountId = id;
            S.SignUp = null;
            S.SignUps.Clear();
        }
        if (network is not null)
        {
            S.Networks.Remove(network);
            S.Networks.Add(network);
            if (S.Networks.Count > 5) S.Networks.RemoveAt(0);
        }
        S.Codes.Clear();
        await state.SaveAsync();
        return S.AccountId;
    }

    public async Task EraseAsync(string accountId)
    {
        if (!state.RecordExists || (S.AccountId is { } linked && linked != accountId)) return;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private PendingSignUp? OwnSignUp(string requester) => S.SignUps.LastOrDefault(s => s.Requester == requester)?.SignUp;

    /// <summary>Whether this network is one the account signed up or last signed in from.</summary>
    private async Task<bool> KnownNetworkAsync(string? network) =>
        network is not null && S.AccountId is { } account
        && (S.Networks.Contains(network) || await grains.GetGrain<IAccountGrain>(account).GetSignUpNetworkAsync() == network);

    private static MarketplaceException TooMany(string message, TimeSpan retryAfter) => MarketplaceException.TooMany(message, retryAfter);

    private static byte[] Hash(byte[] salt, string code) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(code)]);
}
