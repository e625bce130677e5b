namespace Jazari.Marketplace.Matching;

/// <summary>A canonical skill or category of the lexicon ("woocommerce", "e-invoicing", "ecommerce").</summary>
public sealed class Concept(string key, bool isCategory, string? category, IReadOnlyDictionary<string, string> labels)
{
    public string Key { get; } = key;

    public bool IsCategory { get; } = isCategory;

    /// <summary>The category a skill belongs to; for a category, the category itself; null for a skill of no category (darija).</summary>
    public string? Category { get; } = category;

    public string Label(string language) =>
        labels.TryGetValue(language, out var label) || labels.TryGetValue("en", out label) ? label : Key;
}
