using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Import;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Application;

public sealed record AccountInput
{
    public string? Email { get; init; }
    public string? Role { get; init; }
    public string? DisplayName { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string?>? Institutes { get; init; }
}

/// <summary>What only admins do: create accounts (managers join institutes), import a catalogue, open the jobs dashboard; each audited.</summary>
public sealed class AdminCommands(IGrainFactory grains, CatalogueImport import, AuditTrail audit, Notifier notifier, LinkSigner signer,
    [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public async Task<string> CreateAccountAsync(Caller admin, AccountInput input)
    {
        EnsureAdmin(admin);
        var (account, institutes) = Checks.Valid(c =>
        {
            var email = c.Email("email", input.Email);
            var role = c.OneOf("role", input.Role, Roles.All);
            var institutes = c.List("institutes", input.Institutes, 20, 64);
            foreach (var (institute, i) in institutes.Select((x, i) => (x, i))) c.Id($"institutes[{i}]", institute);
            if (role != Roles.Manager && institutes.Count > 0) c.Error("institutes", "Only managers belong to institutes.");
            // A manager without one would find nothing to manage, and no page attaches one later.
            if (role == Roles.Manager && institutes.Count == 0) c.Error("institutes", "A manager belongs to at least one institute.");
            return (new NewAccount(email, role, c.Text("displayName", input.DisplayName, 100),
                c.OneOf("language", input.Language, Reference.Languages), institutes), institutes);
        });
        // Institutes first: a manager of an institute that does not exist would create it, nameless, by joining it.
        for (var i = 0; i < institutes.Count; i++)
            if (await grains.GetGrain<IInstituteGrain>(institutes[i]).GetAsync() is null)
                throw MarketplaceException.Invalid($"institutes[{i}]", "No institute has this id.");
        var (id, created) = await grains.GetGrain<ISignInGrain>(account.Email).SignUpAsync(account);
        var existing = await grains.GetGrain<IAccountGrain>(id).GetAsync() ?? throw MarketplaceException.NotFound("Account");
        // The same request again (its answer lost, or a step after the creation failed) finishes what is left, each step
        // once, and answers the same account; another account at this address is a 409.
        if (!created && (existing.Role != account.Role || existing.DisplayName != account.DisplayName || existing.Language != account.Language
            || !existing.Institutes.SequenceEqual(account.Institutes) || existing.VerifiedAt is not null))
            throw MarketplaceException.Conflict("An account with this e-mail address already exists.");
        foreach (var institute in institutes) await grains.GetGrain<IInstituteGrain>(institute).AddManagerAsync(id);
        await audit.RecordOnceAsync(admin, $"aud-created-{id}", existing.CreatedAt, AuditActions.AccountCreated, id, $"role {account.Role}");
        await notifier.NotifyAsync(id, NotificationKinds.AccountInvitation, "account:invitation",
            new Dictionary<string, string> { ["role"] = account.Role, ["signInLink"] = notifier.Link($"/sign-in?email={Uri.EscapeDataString(account.Email)}") });
        return id;
    }

    public async Task<ImportReport> ImportAsync(Caller admin, CatalogueInput input)
    {
        EnsureAdmin(admin);
        var report = await import.RunAsync(input);
        await audit.RecordAsync(admin, AuditActions.CatalogueImported, null,
            $"created {report.Created}; updated {report.Updated}; refused {report.Refused.Count}");
        return report;
    }

    /// <summary>A signed link into the Hangfire dashboard, valid one hour; each one is audited.</summary>
    public async Task<string> JobsDashboardLinkAsync(Caller admin)
    {
        EnsureAdmin(admin);
        var url = HangfireDashboardAccess.Link(signer, time.GetUtcNow());
        await audit.RecordAsync(admin, AuditActions.JobsDashboardLink, null, "signed link to the Hangfire dashboard");
        return url;
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdmin) throw MarketplaceException.NotFound("Page");
    }
}
