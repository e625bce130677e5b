namespace Jazari.Marketplace.Grains;

/// <summary>Text people typed, cut to a length for a list, an excerpt or a file.</summary>
public static class Texts
{
    /// <summary>The first <paramref name="length"/> UTF-16 units at most, never half of a surrogate pair (an emoji, a rare
    /// CJK character): cut in the middle, it would show as U+FFFD.</summary>
    public static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    /// <summary>The digits of any script as ASCII digits (an Arabic phone keyboard types ٠٠٧ for 007), the rest as typed:
    /// for fields made of digits only (a RIB, an ICE, a sign-in code), never for text people write.</summary>
    public static string AsciiDigits(string text) =>
        string.Concat(text.Select(c => c > '9' && System.Globalization.CharUnicodeInfo.GetDecimalDigitValue(c) is var d and >= 0 ? (char)('0' + d) : c));
}
