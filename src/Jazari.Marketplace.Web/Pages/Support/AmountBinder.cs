using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// Reads an amount a form posts (a price, a budget, a milestone, a transfer received) as people write it in French,
/// Arabic or English, typed in a text field (a browser's number field reads "30 000,50" by the phone's language and may
/// drop the comma: 3,000,050 MAD). Spaces group thousands; so does a point or a comma before three digits ("30.000",
/// "30,000": a dirham has two decimals, so it is never a decimal separator there); a point or a comma before one or two
/// digits at the end is the decimal separator ("30 000,50", "12.000,00", "30000.5"); digits of any script count
/// (١٢٠٠٠, and the Arabic separators ٫ and ٬). Anything else (groups that are not of three, "1.5.0") is not a number:
/// the field is left empty for the page's checks to refuse.
/// </summary>
internal sealed class AmountBinder : IModelBinder
{
    /// <summary>The amount typed, or null when it is not one.</summary>
    internal static decimal? Read(string text)
    {
        var plain = new StringBuilder();
        foreach (var c in text.Trim())
        {
            if (c is ' ' or '\u00A0' or '\u202F' or '\u2009' or '\u066C') continue; // spaces and the Arabic thousands separator group
            if (char.IsDigit(c)) plain.Append((char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)));
            else plain.Append(c == '\u066B' ? ',' : c); // the Arabic decimal separator
        }
        var s = plain.ToString();
        var sign = s.StartsWith('-') || s.StartsWith('+') ? s[..1] : "";
        s = s[sign.Length..];
        if (s.Length == 0 || !s.All(c => char.IsAsciiDigit(c) || c is '.' or ',')) return null;
        // The decimal separator: the last point or comma, when one or two digits follow it to the end.
        var last = s.LastIndexOfAny(['.', ',']);
        var (whole, fraction) = last >= 0 && s.Length - last - 1 is 1 or 2 ? (s[..last], s[(last + 1)..]) : (s, "");
        // What is left groups thousands: each group after the first has three digits, and one kind of separator groups.
        var groups = whole.Split(['.', ',']);
        if (groups.Length > 1 && (whole.Contains('.') && whole.Contains(',') || groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3)))
            return null;
        if (fraction.Length > 0 && groups.Length > 1 && whole[whole.Length - 4] == s[last]) return null; // "1,000,5": one separator for both
        return decimal.TryParse(sign + string.Concat(groups) + (fraction.Length > 0 ? "." + fraction : ""), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out var amount) ? amount : null;
    }

    public Task BindModelAsync(ModelBindingContext context)
    {
        var value = context.ValueProvider.GetValue(context.ModelName);
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        context.ModelState.SetModelValue(context.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text)) return Task.CompletedTask;
        if (Read(text) is { } amount) context.Result = ModelBindingResult.Success(amount);
        else context.ModelState.TryAddModelError(context.ModelName, "Not a number.");
        return Task.CompletedTask;
    }

    public sealed class Provider : IModelBinderProvider
    {
        public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
            context.Metadata.UnderlyingOrModelType == typeof(decimal) ? new AmountBinder() : null;
    }
}
