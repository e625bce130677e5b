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

    private static async Task<string> CodeAsync(ISignInGrain signIn, string requester = "r1") =>
        (await signIn.RequestCodeAsync(requester, null)).Code!;

    [Fact]
    public async Task A_code_works_once()
    {
        var signIn = await SignedUpAsync();
        var code = await CodeAsync(signIn);

        var accountId = await signIn.VerifyAsync(code, "r1", null);

        Assert.Equal(await signIn.GetAccountIdAsync(), accountId);
        await Assert.ThrowsAsync<MarketplaceException>(() => signIn.VerifyAsync(code, "r1", null));
    }

    [Fact]
    public async Task A_code_expires_after_ten_minutes()
    {
        var (early, late) = (await SignedUpAsync(), await SignedUpAsync());
        var (earlyCode, code) = (await CodeAsync(early), await CodeAsync(late));
        fixture.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(await early.GetAccountIdAsync(), await early.VerifyAsync(earlyCode, "r1", null)); // still good at 9 minutes
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var expired = await Assert.ThrowsAsync<MarketplaceException>(() => late.VerifyAsync(code, "r1", null));
        Assert.Equal(Problem.Invalid, expired.Problem);
    }

    [Fact]
    public async Task A_new_code_leaves_the_previous_one_valid()
    {
        var signIn = await SignedUpAsync();
        var first = await CodeAsync(signIn, "owner");
        await CodeAsync(signIn, "someone-else");
        Assert.Equal(await signIn.GetAccountIdAsync(), await signIn.VerifyAsync(first, "owner", null));
    }

    [Fact]
    public async Task An_address_without_an_account_gets_no_code_and_a_sign_up_becomes_an_account_only_when_verified()
    {
        var email = $"{Guid.NewGuid():N}@example.ma";
        var signIn = Grains.GetGrain<ISignInGrain>(email);
        var none = await signIn.RequestCodeAsync("r1", null);
        Assert.Null(none.Code);

        var pending = await signIn.RequestCodeAsync("r1", new PendingSignUp(Person(email), null));
        Assert.Null(await signIn.GetAccountIdAsync());
        Assert.Null(await Grains.GetGrain<IAccountGrain>(pending.RecipientId).GetAsync());
        Assert.Equal(none.RecipientId, pending.RecipientId);

        var accountId = await signIn.VerifyAsync(pending.Code!, "r1", null);
        Assert.Equal(pending.RecipientId, accountId);
        Assert.Equal(Roles.Sme, (await Grains.GetGrain<IAccountGrain>(accountId).GetAsync())!.Role);
    }

    [Fact]
    public async Task A_sign_up_keeps_the_network_of_its_verified_code_until_the_account_is_erased()
    {
        var email = $"{Guid.NewGuid():N}@example.ma";
        var signIn = Grains.GetGrain<ISignInGrain>(email);
        var pending = await signIn.RequestCodeAsync("r1", new PendingSignUp(Person(email), null));
        var accountId = await signIn.VerifyAsync(pending.Code!, "r1", "network-hash");
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        Assert.Equal("network-hash", await account.GetSignUpNetworkAsync());

        // Later sign-ins from elsewhere do not change it; erasure forgets it.
        var again = await signIn.RequestCodeAsync("r2", null);
        await signIn.VerifyAsync(again.Code!, "r2", "other-network");
        Assert.Equal("network-hash", await account.GetSignUpNetworkAsync());
        await account.EraseAsync("erased-1");
        Assert.Null(await account.GetSignUpNetworkAsync());
    }

    [Fact]
    public async Task Codes_are_limited_per_requester_and_per_address_with_a_retry_time()
    {
        var signIn = await SignedUpAsync();
        for (var i = 0; i < SignInGrain.CodesPerRequester; i++) await CodeAsync(signIn, "attacker");
        var limited = await Assert.ThrowsAsync<MarketplaceException>(() => CodeAsync(signIn, "attacker"));
        Assert.Equal(Problem.TooManyRequests, limited.Problem);
        Assert.True(limited.RetryAfter > TimeSpan.Zero);
        Assert.Matches("^[0-9]{6}$", await CodeAsync(signIn, "owner")); // another requester is not locked out

        for (var i = 1 + SignInGrain.CodesPerRequester; i < SignInGrain.CodesPerAddress; i++) await CodeAsync(signIn, $"bot-{i}");
        Assert.Equal(Problem.TooManyRequests, (await Assert.ThrowsAsync<MarketplaceException>(() => CodeAsync(signIn, "owner"))).Problem);
        fixture.Time.Advance(SignInGrain.AddressWindow);
        Assert.Matches("^[0-9]{6}$", await CodeAsync(signIn, "owner"));
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

    [Fact]
    public async Task A_sign_in_racing_a_sign_out_everywhere_leaves_no_valid_token()
    {
        // A sign-in lists its token on the account, then issues it; a sign-out everywhere (a report of a stolen RIB)
        // that comes in between revokes the listed token before it exists: issued afterwards, it does not work.
        var signIn = await SignedUpAsync();
        var accountId = await signIn.VerifyAsync(await CodeAsync(signIn), "r1", null);
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        var expiresAt = fixture.Time.GetUtcNow().AddDays(7);
        var racing = Grains.GetGrain<ITokenGrain>(Guid.NewGuid().ToString("N"));
        await account.TokenIssuedAsync(racing.GetPrimaryKeyString(), expiresAt);
        await account.SignOutEverywhereAsync();
        await racing.IssueAsync(accountId, Roles.Sme, expiresAt);
        Assert.Null(await racing.ValidateAsync());

        var later = Grains.GetGrain<ITokenGrain>(Guid.NewGuid().ToString("N")); // a sign-in after it works
        await account.TokenIssuedAsync(later.GetPrimaryKeyString(), expiresAt);
        await later.IssueAsync(accountId, Roles.Sme, expiresAt);
        Assert.Equal(new Caller(accountId, Roles.Sme), await later.ValidateAsync());
        await Assert.ThrowsAsync<MarketplaceException>(() => later.IssueAsync(accountId, Roles.Sme, expiresAt)); // never issued twice
    }
}
