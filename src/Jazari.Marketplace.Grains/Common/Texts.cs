namespace Jazari.Marketplace.Grains;

/// <summary>Text people typed, cut to a length for a list, an excerpt or a file.</summary>
public static class Texts
{
    /// <summary>The first <paramref name="length"/> UTF-16 units at most, never half of a surrogate pair (an emoji, a rare
    /// CJK character): cut in the middle, it would show as U+FFFD.</summary>
    public static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
}
