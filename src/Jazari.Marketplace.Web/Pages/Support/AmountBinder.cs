using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// Reads an amount a form posts (a price, a budget, a milestone) as a browser's number field sends it: digits, a sign, a
/// decimal point. The platform's binder takes a comma as a thousands separator, so "5000,5" became 50005 MAD; here it is
/// not a number, and the field is left empty for the page's checks to refuse. A point before three digits ("30.000",
/// "1.500.000") separates thousands, as the pages write amounts in French and Arabic: a dirham has two decimals, so it
/// cannot be a decimal point, and "30.000" was read as 30 MAD.
/// </summary>
internal sealed partial class AmountBinder : IModelBinder
{
    private const NumberStyles Plain = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    [GeneratedRegex(@"^\s*\+?\d{1,3}(\.\d{3})+\s*$")]
    private static partial Regex GroupedThousands();

    /// <summary>The amount typed, or null when it is not one.</summary>
    private static decimal? Read(string text) =>
        decimal.TryParse(GroupedThousands().IsMatch(text) ? text.Replace(".", "") : text, Plain, CultureInfo.InvariantCulture, out var amount)
            ? amount : null;

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
