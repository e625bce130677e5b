using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Statement reconciliation for admins (<see cref="BankStatementCommands"/>): a camt.053 or CSV statement in,
/// the credits matched and those left for a decision out; the CSV mappings of the banks.</summary>
public static class BankStatementsApi
{
    public static void MapBankStatementsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapPost("/bank-statements", Reconcile).Accepts<string>(BankStatementCommands.Xml, BankStatementCommands.Csv);
        admin.MapGet("/bank-statement-mappings", Mappings);
        admin.MapPut("/bank-statement-mappings/{name}", SaveMapping);
    }

    private static async Task<Ok<StatementResponse>> Reconcile(string? mapping, HttpRequest request, ClaimsPrincipal user, BankStatementCommands statements)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        return TypedResults.Ok(await statements.ReconcileAsync(user.Caller(), body.ToArray(), request.ContentType, mapping));
    }

    private static async Task<Ok<IReadOnlyList<BankMappingResponse>>> Mappings(ClaimsPrincipal user, BankStatementCommands statements) =>
        TypedResults.Ok(await statements.MappingsAsync(user.Caller()));

    private static async Task<Ok<BankMappingResponse>> SaveMapping(string name, BankMappingInput body, ClaimsPrincipal user, BankStatementCommands statements) =>
        TypedResults.Ok(await statements.SaveMappingAsync(user.Caller(), name, body));
}
