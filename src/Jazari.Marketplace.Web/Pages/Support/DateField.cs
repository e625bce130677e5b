using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Primitives;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// A date typed as day, month and year (<c>Pages/Shared/_DateField.cshtml</c>) rather than the browser's date input:
/// its labels and month names come in the page's language (a browser's date input follows the phone's language and
/// order, "mm/dd/yyyy" on a French page read on an English phone), and it loads as text fields do (the date input cost
/// a fresh page ~35 ms, docs/benchmarks.md). The form posts <c>{Name}.Day</c>, <c>{Name}.Month</c>
/// and <c>{Name}.Year</c>; <see cref="Values"/> hands the page model <c>{Name}</c> as "yyyy-MM-dd", so the API's own
/// date check judges it.
/// </summary>
/// <param name="Id">The fieldset's id; the parts are <c>{Id}-day</c>, <c>{Id}-month</c> and <c>{Id}-year</c>.</param>
/// <param name="Name">The form name the page model binds, e.g. "Input.Deadline".</param>
/// <param name="Value">The date as "yyyy-MM-dd" (or as typed, when it was refused); null or empty for none.</param>
/// <param name="Hint">What the date means, under its label (<c>{Id}-hint</c>, which the fieldset names as its description).</param>
public sealed record DateField(string Id, string Name, string Label, string? Value, string? Error = null, bool Required = true, string? Hint = null)
{
    public (string Day, string Month, string Year) Parts
    {
        get
        {
            var parts = (Value ?? "").Split('-');
            return parts.Length == 3 ? (parts[2], parts[1], parts[0]) : ("", "", "");
        }
    }

    /// <summary>
    /// The three parts as "yyyy-MM-dd": digits of any script read as ASCII digits (an Arabic keyboard types ١٥),
    /// day and month padded to two digits (the year is not: "27" is refused, not read as 27 AD); "" when all three are
    /// empty. A part that is not a number stays as typed, so the date check refuses it and the form shows it back.
    /// </summary>
    public static string Compose(string? day, string? month, string? year)
    {
        string Clean(string? part, int width)
        {
            var text = (part ?? "").Trim();
            if (text.Length == 0 || text.Length > 8 || !text.All(char.IsDigit)) return text;
            var digits = string.Concat(text.Select(ch => (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(ch))));
            return digits.PadLeft(width, '0');
        }
        var (d, m, y) = (Clean(day, 2), Clean(month, 2), Clean(year, 0));
        return d.Length == 0 && m.Length == 0 && y.Length == 0 ? "" : $"{y}-{m}-{d}";
    }

    /// <summary>Gives a form's <c>{Name}.Day/.Month/.Year</c> to model binding as <c>{Name}</c>.</summary>
    public sealed class Values(IFormCollection form) : IValueProvider
    {
        public bool ContainsPrefix(string prefix) => form.ContainsKey(prefix + ".Day");

        public ValueProviderResult GetValue(string key) =>
            form.TryGetValue(key + ".Day", out var day)
                ? new ValueProviderResult(new StringValues(Compose(day, form[key + ".Month"], form[key + ".Year"])), CultureInfo.InvariantCulture)
                : ValueProviderResult.None;
    }

    /// <summary>
    /// Puts <see cref="Values"/> before the form's own values on every form post. Registered last: the platform's
    /// form factory has then read the form (a form it cannot read is refused there, as a 400).
    /// </summary>
    public sealed class ValuesFactory : IValueProviderFactory
    {
        public async Task CreateValueProviderAsync(ValueProviderFactoryContext context)
        {
            var request = context.ActionContext.HttpContext.Request;
            if (request.HasFormContentType) context.ValueProviders.Insert(0, new Values(await request.ReadFormAsync()));
        }
    }
}
