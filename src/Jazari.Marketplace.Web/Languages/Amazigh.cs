namespace Jazari.Marketplace.Web.Languages;

/// <summary>
/// Standard Moroccan Amazigh (zgh, Tifinagh, left to right), a partial language of the pages: the landing page,
/// sign-up, sign-in and its code page, the language page, the menus and the sign-in e-mails are written in it; every
/// other text comes in the reader's second language (<see cref="SecondLanguages"/>, French unless chosen), and the
/// content of a page not written in Amazigh is marked with that language and its direction.
/// </summary>
public static class Amazigh
{
    public const string Code = "zgh";

    /// <summary>The cookie holding the second language of a reader of Amazigh.</summary>
    public const string SecondLanguageCookie = "jz-fallback";

    /// <summary>The languages a reader of Amazigh may read the rest in; the first is the default.</summary>
    public static readonly IReadOnlyList<string> SecondLanguages = ["fr", "ar", "en"];

    /// <summary>The pages written in Amazigh (their paths); the menus are too, on every page.</summary>
    public static readonly IReadOnlyList<string> Pages = ["/", "/sign-up", "/sign-in", "/verify", "/language"];

    public static bool IsWritten(string path) => Pages.Contains(path.Length > 1 ? path.TrimEnd('/') : path, StringComparer.OrdinalIgnoreCase);

    /// <summary>The style sheet of the Tifinagh font (Noto Sans Tifinagh, SIL OFL 1.1), linked only on pages in Amazigh.</summary>
    public const string FontSheet = "tifinagh.css";
}
