using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>
/// The audit trail for admins, newest first, 50 a page: filtered by action, by who acted (a name in a row filters by that
/// account) and by days (the last 7 by default, at most 92). The API's own reading (<see cref="AuditTrail.ReadAsync"/>),
/// so a bad filter is refused with the same words, next to its field.
/// </summary>
public sealed class AuditModel(IGrainFactory grains, Text text, AuditTrail trail) : MarketplacePage(grains, text)
{
    public string? Actor { get; private set; }
    public string? Action { get; private set; }
    /// <summary>The days shown ("yyyy-MM-dd", or as typed when refused).</summary>
    public string? From { get; private set; }
    public string? To { get; private set; }
    public AuditPage? Entries { get; private set; }
    /// <summary>Who acted, as the reader names them: the account's name and role, by account id.</summary>
    public Dictionary<string, string> Names { get; } = [];

    /// <summary>"page" is read from the query: a Razor page's own parameter of that name would get its route value.</summary>
    public async Task OnGetAsync(string? actor, string? action, [FromQuery(Name = "page")] int? page, CancellationToken cancellation)
    {
        (Actor, Action, From, To) = (actor?.Trim(), action, Date("from"), Date("to"));
        AuditReading? reading = null;
        if (!await TryAsync(async () => reading = await trail.ReadAsync(Actor, Action, From, To, page, cancellation)))
        {
            // The page number has no field of its own: its refusal is the form's.
            if (Errors.Remove("page", out var pageErrors)) Errors[""] = [.. Errors.GetValueOrDefault("") ?? [], .. pageErrors];
            return;
        }
        (From, To, Entries) = ($"{reading!.From:yyyy-MM-dd}", $"{reading.To:yyyy-MM-dd}", reading.Page);
        foreach (var id in Entries.Entries.Select(e => e.ActorId).Distinct())
            Names[id] = id == Auth.AdminToken.AccountId ? T["audit.admin-token"]
                : await Grains.GetGrain<IAccountGrain>(id).GetAsync() is { } account ? T.Name(account.DisplayName) : id;
    }

    /// <summary>A day of the form (day, month and year) or of a link (<c>?from=yyyy-MM-dd</c>).</summary>
    private string? Date(string name) =>
        Request.Query.ContainsKey(name + ".Day")
            ? DateField.Compose(Request.Query[name + ".Day"], Request.Query[name + ".Month"], Request.Query[name + ".Year"])
            : Request.Query[name].FirstOrDefault();

    /// <summary>This page with the filters shown, and <paramref name="actor"/> instead when given (a name's link).</summary>
    public string Link(string? actor = null)
    {
        var query = string.Join("&", new[] { ("actor", actor ?? Actor), ("action", Action), ("from", From), ("to", To) }
            .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        return query.Length == 0 ? "/admin/audit" : "/admin/audit?" + query;
    }
}
