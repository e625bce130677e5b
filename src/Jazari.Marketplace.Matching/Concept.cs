namespace Jazari.Marketplace.Matching;

/// <summary>A canonical skill or category of the lexicon ("woocommerce", "e-invoicing", "ecommerce").</summary>
public sealed class Concept(string key, bool isCategory, string? category, IReadOnlyDictionary<string, string> labels,
    IReadOnlyDictionary<string, string>? names = null)
{
    public string Key { get; } = key;

    public bool IsCategory { get; } = isCategory;

    /// <summary>The category a skill belongs to; for a category, the category itself; null for a skill of no category (darija).</summary>
    public string? Category { get; } = category;

    public string Label(string language) =>
        labels.TryGetValue(language, out var label) || labels.TryGetValue("en", out label) ? label : Key;

    /// <summary>A category's name as the pages give it (the need form's choices: "Boutique en ligne"), for the reason that
    /// names the category; its label where it has none. The label stays the concept's words among skills.</summary>
    public string Name(string language) => names?.TryGetValue(language, out var name) == true ? name : Label(language);

    /// <summary>The stems of every way the lexicon says the concept: its key, labels, terms and everyday words
    /// ("boutique" and "ligne" of "boutique en ligne" for e-commerce). Set by the lexicon as it loads.</summary>
    public IReadOnlyCollection<string> Stems { get; internal set; } = [];

    /// <summary>The label's words in every language, for <see cref="Stems"/>.</summary>
    internal IEnumerable<string> Labels => labels.Values;
}
