namespace Jazari.Marketplace.Grains.Accounts;

/// <summary>A person's account: who they are, the role they act in, and the profile they own.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    Task CreateAsync(NewAccount account);
    Task<AccountView?> GetAsync();
    Task<AccountView> MarkVerifiedAsync();
    /// <summary>Links the SME, startup or mentor profile this account owns; an account owns one.</summary>
    Task LinkProfileAsync(string profileId);
    /// <summary>The language the person reads the marketplace in (pages and e-mails).</summary>
    Task<AccountView> SetLanguageAsync(string language);
}

[GenerateSerializer, Alias("jazari.new-account")]
public sealed record NewAccount(
    [property: Id(0)] string Email,
    [property: Id(1)] string Role,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string Language,
    [property: Id(4)] IReadOnlyList<string> Institutes);

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
    [property: Id(8)] DateTimeOffset? VerifiedAt);

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
}

internal sealed class AccountGrain(
    [PersistentState("account", "marketplace")] IPersistentState<AccountState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountGrain
{
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

    public async Task LinkProfileAsync(string profileId)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        if (state.State.ProfileId == profileId) return;
        if (state.State.ProfileId is not null)
            throw MarketplaceException.Conflict("This account already has a profile; update it instead.");
        state.State.ProfileId = profileId;
        await state.SaveAsync();
    }

    public async Task<AccountView> SetLanguageAsync(string language)
    {
        if (!state.RecordExists) throw MarketplaceException.NotFound("Account");
        if (!Reference.IsLanguage(language)) throw MarketplaceException.Invalid("language", "Must be ar, fr or en.");
        if (state.State.Language != language)
        {
            state.State.Language = language;
            await state.SaveAsync();
        }
        return View();
    }

    private AccountView View()
    {
        var s = state.State;
        return new(this.GetPrimaryKeyString(), s.Email, s.Role, s.DisplayName, s.Language, s.ProfileId,
            [.. s.Institutes], s.CreatedAt, s.VerifiedAt);
    }
}
