using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// What every page model shares: the grains, the caller (the same <see cref="Grains.Caller"/> the API passes to
/// grains), the request's <see cref="Text"/>, and field errors from the API's own checks shown next to the inputs.
/// </summary>
public abstract class MarketplacePage(IGrainFactory grains, Text text) : PageModel
{
    protected IGrainFactory Grains { get; } = grains;
    public Text T { get; } = text;

    /// <summary>Field errors by the API's field name (e.g. "budgetMinMad", "milestones[1].title"); "" for the whole form.</summary>
    public Dictionary<string, List<string>> Errors { get; } = [];

    /// <summary>The signed-in caller, as the API passes it to grains.</summary>
    protected Caller Me => User.Caller();

    /// <summary>The errors of a field, those of its list's items included ("languages[0]" under "languages": a list is one field on the page).</summary>
    public string? ErrorFor(string field)
    {
        var found = Errors.Where(e => e.Key == field || ItemOf(e.Key, field)).SelectMany(e => e.Value).Distinct().ToList();
        return found.Count > 0 ? string.Join(" ", found) : null;
    }

    private static bool ItemOf(string key, string field) =>
        key.Length > field.Length + 2 && key.StartsWith(field + "[", StringComparison.Ordinal) && key[^1] == ']'
        && key[(field.Length + 1)..^1].All(char.IsAsciiDigit);

    public IEnumerable<string> FormErrors => Errors.TryGetValue("", out var list) ? list : [];

    public bool HasErrors => Errors.Count > 0;

    protected void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list)) Errors[field] = list = [];
        list.Add(T.Error(message));
    }

    /// <summary>Runs an action; refusals (bad fields, conflicts, too many attempts) become errors shown on the page.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (InvalidInputException invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
                foreach (var message in messages) AddError(field, message);
        }
        catch (MarketplaceException refused) when (refused.Problem is not Problem.NotFound)
        {
            AddError(refused.Field ?? "", refused.Message);
            // A limit says how long to wait ("or wait" alone left people trying again and again).
            if (refused is { Problem: Problem.TooManyRequests, RetryAfter: { } wait }) Errors[refused.Field ?? ""].Add(T.RetryIn(wait));
        }
        return false;
    }

    /// <summary>The signed-in person's account (null for the built-in admin, who has none).</summary>
    protected Task<AccountView?> AccountAsync() => Grains.GetGrain<IAccountGrain>(Me.AccountId).GetAsync();

    /// <summary>A list typed as text: items separated by commas (Latin or Arabic) or lines.</summary>
    public static IReadOnlyList<string?> Split(string? text) =>
        [.. (text ?? "").Split([',', '،', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>A list put back in a text field to edit (read again by <see cref="Split"/>); lists shown to read use <c>T.List</c>.</summary>
    protected static string Join(IEnumerable<string> items) => string.Join(", ", items);


    /// <summary>The profile id of the signed-in SME, startup or mentor; null before they create it.</summary>
    protected async Task<string?> ProfileIdAsync() => (await AccountAsync())?.ProfileId;

    /// <summary>Runs the API's checks of an input and throws their field errors, as the API answers 400.</summary>
    protected static TValue Checked<TValue>(Func<Checks, TValue> read, Action<Checks, TValue>? more = null)
    {
        var c = new Checks();
        var value = read(c);
        more?.Invoke(c, value);
        c.ThrowIfFailed();
        return value;
    }
}
