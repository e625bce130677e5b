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
}
