namespace Jazari.Marketplace.Matching;

/// <summary>The marketplace languages as bits, so a startup's languages fit in one byte.</summary>
public static class Languages
{
    public static readonly IReadOnlyList<string> All = ["ar", "fr", "en", "zgh"];

    public static int Bit(string language)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], language.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return 1 << i;
            }
        }
        return 0;
    }

    public static int Mask(IReadOnlyList<string> languages)
    {
        var mask = 0;
        foreach (var language in languages)
        {
            mask |= Bit(language);
        }
        return mask;
    }

    /// <summary>The language to name for a shared set of languages: the declared one if shared, else the first shared.</summary>
    public static string Shared(string declared, int sharedMask)
    {
        if ((Bit(declared) & sharedMask) != 0 || sharedMask == 0)
        {
            return declared;
        }
        return All.First(code => (Bit(code) & sharedMask) != 0);
    }

    /// <summary>The name of a language (<paramref name="code"/>) written in the reader's language (<paramref name="lang"/>).</summary>
    public static string Name(string lang, string code) => (lang, code) switch
    {
        ("ar", "ar") => "العربية", ("ar", "fr") => "الفرنسية", ("ar", "en") => "الإنجليزية", ("ar", "zgh") => "الأمازيغية",
        ("fr", "ar") => "arabe", ("fr", "fr") => "français", ("fr", "en") => "anglais", ("fr", "zgh") => "amazighe",
        (_, "ar") => "Arabic", (_, "fr") => "French", (_, "en") => "English", (_, "zgh") => "Amazigh",
        _ => code,
    };
}
