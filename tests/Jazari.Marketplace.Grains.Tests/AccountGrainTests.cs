using Jazari.Marketplace.Grains.Accounts;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AccountGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static NewAccount Person(string email) => new(email, Roles.Sme, "Fatima", "ar", []);

    private async Task<ISignInGrain> SignedUpAsync()
    {
        var email = $"{Guid.NewGuid():N}@example.ma";
        var signIn = Grains.GetGrain<ISignInGrain>(email);
        await signIn.SignUpAsync(Person(email));
        return signIn;
    }

    [Fact]
    public async Task An_account_reserves_one_profile_at_once_and_a_dead_reservation_is_taken_over_with_its_id()
    {
        var (accountId, _) = await (await SignedUpAsync()).SignUpAsync(Person("ignored@example.ma"));
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try { return await account.ReserveProfileAsync($"sme-race-{i}"); }
            catch (MarketplaceException e) when (e.Problem == Problem.Conflict) { return null; }
        }));
        var reserved = Assert.Single(attempts, a => a is not null)!;
        Assert.Null((await account.GetAsync())!.ProfileId); // reserved, not yet a profile

        // The creating request died: after the timeout the next one gets the same id, and only then it is linked.
        fixture.Time.Advance(AccountGrain.ReservationTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(reserved, await account.ReserveProfileAsync("sme-late"));
        await account.LinkProfileAsync(reserved);
        Assert.Equal(reserved, (await account.GetAsync())!.ProfileId);
        var again = await Assert.ThrowsAsync<MarketplaceException>(() => account.ReserveProfileAsync("sme-again"));
        Assert.Equal(Problem.Conflict, again.Problem);
    }

    [Fact]
    public async Task Signing_up_twice_with_one_address_keeps_one_account()
    {
        var email = $"{Guid.NewGuid():N}@example.ma";
        var signIn = Grains.GetGrain<ISignInGrain>(email);
        var (first, created) = await signIn.SignUpAsync(Person(email));
        var (second, createdAgain) = await signIn.SignUpAsync(Person(email) with { Role = Roles.Startup });

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first, second);
        Assert.Equal(Roles.Sme, (await Grains.GetGrain<IAccountGrain>(first).GetAsync())!.Role);
    }

    [Fact]
    public async Task The_language_chosen_is_kept_and_only_a_known_one()
    {
        var accountId = (await (await SignedUpAsync()).GetAccountIdAsync())!;
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        Assert.Equal("ar", (await account.SetLanguageAsync("ar")).Language);
        Assert.Equal("ar", (await account.GetAsync())!.Language);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => account.SetLanguageAsync("de"));
        Assert.Equal(Problem.Invalid, refused.Problem);
        Assert.Equal("ar", (await account.GetAsync())!.Language);
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var signIn = await SignedUpAsync();
        var code = await signIn.IssueCodeAsync();

        var accountId = await signIn.VerifyAsync(code);

        Assert.Equal(await signIn.GetAccountIdAsync(), accountId);
        await Assert.ThrowsAsync<MarketplaceException>(() => signIn.VerifyAsync(code));
    }

    [Fact]
    public async Task A_code_expires_after_ten_minutes()
    {
        var signIn = await SignedUpAsync();
        var code = await signIn.IssueCodeAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        var expired = await Assert.ThrowsAsync<MarketplaceException>(() => signIn.VerifyAsync(code));
        Assert.Equal(Problem.Invalid, expired.Problem);
    }

    [Fact]
    public async Task Five_wrong_guesses_burn_the_code()
    {
        var signIn = await SignedUpAsync();
        var code = await signIn.IssueCodeAsync();
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < SignInGrain.MaxFailedAttempts; i++)
            await Assert.ThrowsAsync<MarketplaceException>(() => signIn.VerifyAsync(wrong));
        await Assert.ThrowsAsync<MarketplaceException>(() => signIn.VerifyAsync(code));
    }

    [Fact]
    public async Task At_most_five_codes_per_quarter_hour()
    {
        var signIn = await SignedUpAsync();
        for (var i = 0; i < SignInGrain.MaxCodesPerWindow; i++) await signIn.IssueCodeAsync();
        var limited = await Assert.ThrowsAsync<MarketplaceException>(() => signIn.IssueCodeAsync());
        Assert.Equal(Problem.TooManyRequests, limited.Problem);

        fixture.Time.Advance(SignInGrain.CodeWindow);
        Assert.Matches("^[0-9]{6}$", await signIn.IssueCodeAsync());
    }

    [Fact]
    public async Task A_token_is_valid_until_it_expires_or_is_revoked()
    {
        var expiring = Grains.GetGrain<ITokenGrain>(Guid.NewGuid().ToString("N"));
        await expiring.IssueAsync("acc-1", Roles.Sme, fixture.Time.GetUtcNow().AddHours(1));
        Assert.Equal(new Caller("acc-1", Roles.Sme), await expiring.ValidateAsync());
        fixture.Time.Advance(TimeSpan.FromHours(2));
        Assert.Null(await expiring.ValidateAsync());

        var revoked = Grains.GetGrain<ITokenGrain>(Guid.NewGuid().ToString("N"));
        await revoked.IssueAsync("acc-2", Roles.Startup, fixture.Time.GetUtcNow().AddDays(7));
        await revoked.RevokeAsync();
        Assert.Null(await revoked.ValidateAsync());
        Assert.Null(await Grains.GetGrain<ITokenGrain>("never-issued").ValidateAsync());
    }
}
