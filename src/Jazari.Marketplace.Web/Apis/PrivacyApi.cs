using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public sealed class ConsentsInput
{
    public bool? AcceptTerms { get; init; }
    public string? TermsVersion { get; init; }
    public bool? MarketingEmails { get; init; }
}

public sealed class EraseInput
{
    /// <summary>The account's e-mail address, typed again: erasure cannot be undone.</summary>
    public string? Confirm { get; init; }
}

public sealed record ConsentChangeResponse(string What, string Version, bool Given, DateTimeOffset At, string How);

public sealed record ConsentsResponse(string CurrentTermsVersion, string? TermsVersion, DateTimeOffset? TermsAcceptedAt,
    bool MarketingEmails, DateTimeOffset? MarketingChangedAt, IReadOnlyList<ConsentChangeResponse> History)
{
    public static ConsentsResponse From(Consents c) => new(Terms.CurrentVersion, c.TermsVersion, c.TermsAcceptedAt, c.MarketingEmails,
        c.MarketingChangedAt, [.. c.History.Select(h => new ConsentChangeResponse(h.What, h.Version, h.Given, h.At, h.How))]);
}

/// <summary>The data rights of Law 09-08: export, erasure, consents.</summary>
public static class PrivacyApi
{
    public static void MapPrivacyApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/me").WithTags("Your data").RequireAuthorization();
        me.MapGet("/export", Export);
        me.MapPost("/erase", EraseMe);
        me.MapGet("/consents", async (ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(ConsentsResponse.From(await Account(grains, user).GetConsentsAsync())));
        me.MapPut("/consents", SetConsents);
        routes.MapPost("/api/admin/accounts/{id:id}/erase", EraseByAdmin).WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }

    internal static async Task<IResult> Export(ClaimsPrincipal user, PersonalData data, HttpContext context, AuditTrail audit, CancellationToken cancellation)
    {
        var caller = user.Caller();
        if (caller.AccountId == AdminToken.AccountId) throw MarketplaceException.NotFound("Account");
        var export = await data.ExportAsync(caller.AccountId, cancellation);
        await audit.RecordAsync(context, AuditActions.DataExported, caller.AccountId);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"jazari-data-{caller.AccountId}.json\"";
        return TypedResults.Json(export);
    }

    internal static async Task<NoContent> EraseMe(EraseInput body, ClaimsPrincipal user, IGrainFactory grains, PersonalData data, HttpContext context, AuditTrail audit)
    {
        var caller = user.Caller();
        var account = caller.AccountId == AdminToken.AccountId ? null : await Account(grains, user).GetAsync();
        if (account is null) throw MarketplaceException.NotFound("Account");
        if (!string.Equals(body.Confirm?.Trim(), account.Email, StringComparison.OrdinalIgnoreCase))
            throw MarketplaceException.Invalid("confirm", "Type your e-mail address to confirm: erasure cannot be undone.");
        await data.EraseAsync(caller.AccountId);
        await audit.RecordAsync(context, AuditActions.AccountErased, caller.AccountId, "by the person", caller);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> EraseByAdmin(string id, IGrainFactory grains, PersonalData data, HttpContext context, AuditTrail audit)
    {
        var account = await grains.GetGrain<IAccountGrain>(id).GetAsync() ?? throw MarketplaceException.NotFound("Account");
        if (account.ErasedAt is null || account.Email.Length > 0)
        {
            await data.EraseAsync(id);
            await audit.RecordAsync(context, AuditActions.AccountErased, id, "by an admin");
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<ConsentsResponse>> SetConsents(ConsentsInput body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var version = CheckTerms(c, body.AcceptTerms, body.TermsVersion);
        c.ThrowIfFailed();
        if (user.Caller().AccountId == AdminToken.AccountId) throw MarketplaceException.NotFound("Account");
        var consents = await Account(grains, user).RecordConsentsAsync(new ConsentChoice(version, body.MarketingEmails, "settings"));
        return TypedResults.Ok(ConsentsResponse.From(consents));
    }

    /// <summary>The terms version accepted, or null when none is: accepting means the current version; <c>acceptTerms: false</c> is refused.</summary>
    public static string? CheckTerms(Checks c, bool? acceptTerms, string? termsVersion)
    {
        if (acceptTerms == false) c.Error("acceptTerms", "The terms of use must be accepted to use the marketplace.");
        if (termsVersion is not null && termsVersion != Terms.CurrentVersion)
            c.Error("termsVersion", $"The terms in force are version {Terms.CurrentVersion}; read and accept those.");
        return acceptTerms == true ? Terms.CurrentVersion : null;
    }

    private static IAccountGrain Account(IGrainFactory grains, ClaimsPrincipal user) => grains.GetGrain<IAccountGrain>(user.Caller().AccountId);
}
