using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Import;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed class AccountInput
{
    public string? Email { get; init; }
    public string? Role { get; init; }
    public string? DisplayName { get; init; }
    public string? Language { get; init; }
    public IReadOnlyList<string?>? Institutes { get; init; }
}

/// <summary>What only admins do: create manager and admin accounts (each is e-mailed how to sign in), import a catalogue.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        api.MapPost("/accounts", CreateAccount);
        api.MapPost("/import", async (CatalogueInput body, CatalogueImport import, HttpContext context, Audit.AuditTrail audit) =>
        {
            var report = await import.RunAsync(body);
            await audit.RecordAsync(context, Audit.AuditActions.CatalogueImported, null,
                $"created {report.Created}; updated {report.Updated}; refused {report.Refused.Count}");
            return TypedResults.Ok(report);
        });
        return api;
    }

    internal static async Task<Created<CreatedId>> CreateAccount(AccountInput body, IGrainFactory grains, HttpContext context, Audit.AuditTrail audit,
        Notifications.Notifier notifier)
    {
        var c = new Checks();
        var email = c.Email("email", body.Email);
        var role = c.OneOf("role", body.Role, Roles.All);
        var institutes = c.List("institutes", body.Institutes, 20, 64);
        foreach (var (institute, i) in institutes.Select((x, i) => (x, i))) c.Id($"institutes[{i}]", institute);
        if (role != Roles.Manager && institutes.Count > 0) c.Error("institutes", "Only managers belong to institutes.");
        var account = new NewAccount(email, role, c.Line("displayName", body.DisplayName, 100),
            c.OneOf("language", body.Language, Reference.Languages), institutes);
        c.ThrowIfFailed();

        var (id, created) = await grains.GetGrain<ISignInGrain>(email).SignUpAsync(account);
        if (!created) throw MarketplaceException.Conflict("An account with this e-mail address already exists.");
        foreach (var institute in institutes) await grains.GetGrain<IInstituteGrain>(institute).AddManagerAsync(id);
        await audit.RecordAsync(context, Audit.AuditActions.AccountCreated, id, $"role {role}");
        await notifier.NotifyAsync(id, Grains.Notifications.NotificationKinds.AccountInvitation, "account:invitation",
            new Dictionary<string, string> { ["role"] = role, ["signInLink"] = notifier.Link("/sign-in") });
        return TypedResults.Created($"/api/admin/accounts/{id}", new CreatedId(id));
    }
}
