using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Privacy;

namespace Jazari.Marketplace.Web.Application;

/// <summary>The data rights of Law 09-08: export, erasure, consents; each export and erasure is audited here.</summary>
public sealed class PrivacyCommands(IGrainFactory grains, PersonalData data, AuditTrail audit)
{
    /// <summary>Everything held about the caller. The built-in admin has no account, so no data.</summary>
    public async Task<DataExport> ExportAsync(Caller caller, CancellationToken cancellation)
    {
        if (caller.AccountId == AdminToken.AccountId) throw MarketplaceException.NotFound("Account");
        var export = await data.ExportAsync(caller.AccountId, cancellation);
        await audit.RecordAsync(caller, AuditActions.DataExported, caller.AccountId);
        return export;
    }

    /// <summary>Erases the caller's account once they typed its e-mail address again.</summary>
    public async Task EraseMeAsync(Caller caller, EraseInput input)
    {
        var account = caller.AccountId == AdminToken.AccountId ? null : await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        if (account is null) throw MarketplaceException.NotFound("Account");
        if (new Checks().Email("confirm", input.Confirm) != new Checks().Email("confirm", account.Email)) // the address however written
            throw MarketplaceException.Invalid("confirm", "Type your e-mail address to confirm: erasure cannot be undone.");
        await data.EraseAsync(caller.AccountId);
        await audit.RecordAsync(caller, AuditActions.AccountErased, caller.AccountId, "by the person");
    }

    /// <summary>An admin erases an account; erasing one already erased changes nothing and records nothing.</summary>
    public async Task EraseAsync(Caller admin, string accountId)
    {
        if (!admin.IsAdmin) throw MarketplaceException.NotFound("Account");
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync() ?? throw MarketplaceException.NotFound("Account");
        if (account.ErasedAt is not null && account.Email.Length == 0) return;
        await data.EraseAsync(accountId);
        await audit.RecordAsync(admin, AuditActions.AccountErased, accountId, "by an admin");
    }

    public async Task<ConsentsResponse> ConsentsAsync(Caller caller)
    {
        if (caller.AccountId == AdminToken.AccountId) throw MarketplaceException.NotFound("Account");
        return ConsentsResponse.From(await grains.GetGrain<IAccountGrain>(caller.AccountId).GetConsentsAsync());
    }

    public async Task<ConsentsResponse> SetConsentsAsync(Caller caller, ConsentsInput input)
    {
        var version = Checks.Valid(c => CheckTerms(c, input.AcceptTerms, input.TermsVersion));
        if (caller.AccountId == AdminToken.AccountId) throw MarketplaceException.NotFound("Account");
        var consents = await grains.GetGrain<IAccountGrain>(caller.AccountId).RecordConsentsAsync(new ConsentChoice(version, input.MarketingEmails, "settings"));
        return ConsentsResponse.From(consents);
    }

    /// <summary>The terms version accepted, or null when none is: accepting means the current version; <c>acceptTerms: false</c> is refused.</summary>
    public static string? CheckTerms(Checks c, bool? acceptTerms, string? termsVersion)
    {
        if (acceptTerms == false) c.Error("acceptTerms", "The terms of use must be accepted to use the marketplace.");
        if (termsVersion is not null && termsVersion != Terms.CurrentVersion)
            c.Error("termsVersion", $"The terms in force are version {Terms.CurrentVersion}; read and accept those.");
        return acceptTerms == true ? Terms.CurrentVersion : null;
    }
}
