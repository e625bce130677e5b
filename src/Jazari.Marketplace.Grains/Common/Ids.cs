using System.Text.RegularExpressions;

namespace Jazari.Marketplace.Grains;

public static partial class Ids
{
    /// <summary>A new id with a readable prefix, e.g. <c>need-0f8e…</c>.</summary>
    public static string New(string prefix) => $"{prefix}-{Guid.CreateVersion7():N}";

    /// <summary>Ids chosen by importers: lower-case letters, digits and dashes, 3 to 64 characters.</summary>
    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")]
    private static partial Regex IdPattern();
}
