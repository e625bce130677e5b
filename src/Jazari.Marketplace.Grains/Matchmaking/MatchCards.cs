using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Grains.Matchmaking;

/// <summary>A recommendation as the API shows it: who or what, how well it fits, and why.</summary>
[GenerateSerializer, Alias("jazari.recommendation")]
public sealed record Recommendation(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] double Score,
    [property: Id(3)] IReadOnlyList<Reason> Reasons);

[GenerateSerializer, Alias("jazari.reason")]
public sealed record Reason([property: Id(0)] string Factor, [property: Id(1)] string Detail);

/// <summary>What the matchmaking shards need of a startup: its offering and its track record.</summary>
[GenerateSerializer, Alias("jazari.startup-card")]
public sealed record StartupCard([property: Id(0)] StartupDetails Details, [property: Id(1)] int ActiveProjects,
    [property: Id(2)] double Rating, [property: Id(3)] int RatingCount);

/// <summary>Turns marketplace records into what the matching engine reads, and decides which shards hold them.</summary>
public static class MatchCards
{
    public static StartupProfile Profile(string id, StartupCard card)
    {
        var d = card.Details;
        return new(id, d.Name, d.Region, d.Categories, d.Skills, d.Description, d.Languages, d.PriceMinMinor,
            d.PriceMaxMinor, d.RegionsServed, d.Capacity, card.ActiveProjects, card.Rating, card.RatingCount);
    }

    public static NeedProfile Profile(string id, NeedDetails d) =>
        new(id, d.Title, d.Description, d.Category, d.Skills, d.BudgetMinMinor, d.BudgetMaxMinor, d.Region, d.RemoteOk, d.Language);

    /// <summary>
    /// The shards a startup is indexed in: the categories it declares, and those its description and
    /// skills name (in any of the three languages). A startup is found from each of them.
    /// </summary>
    public static IReadOnlyList<string> Shards(StartupDetails d) =>
        Shards(d.Categories, $"{d.Description} {string.Join(" , ", d.Skills)}");

    /// <summary>
    /// The shards a need is looked up in: its category and those its text names, since the SME may have
    /// picked the wrong category or <c>other</c>. When neither says anything, every shard.
    /// </summary>
    public static IReadOnlyList<string> Shards(NeedDetails d)
    {
        var shards = Shards(d.Category == "other" ? [] : [d.Category], $"{d.Title} . {d.Description} . {string.Join(" , ", d.Skills)}");
        return shards.Count == 0 ? [.. Reference.Categories] : shards;
    }

    private static List<string> Shards(IEnumerable<string> declared, string text)
    {
        var named = TextAnalyzer.Analyze(text, Lexicon.Default).Concepts
            .Select(c => c.IsCategory ? c.Key : c.Category)
            .OfType<string>();
        return [.. declared.Concat(named).Where(Reference.IsCategory).Distinct().Order(StringComparer.Ordinal)];
    }

    public static Recommendation ToRecommendation(this Match match) =>
        new(match.Id, match.Name, Math.Round(match.Score, 4), [.. match.Reasons.Select(r => new Reason(r.Factor, r.Detail))]);

    /// <summary>Merges the answers of several shards: one entry per id (its best score), best first, ties by id.</summary>
    public static IReadOnlyList<Recommendation> Merge(IEnumerable<IReadOnlyList<Recommendation>> answers, int top) =>
        [.. answers.SelectMany(a => a).GroupBy(r => r.Id).Select(g => g.MaxBy(r => r.Score)!)
            .OrderByDescending(r => r.Score).ThenBy(r => r.Id, StringComparer.Ordinal).Take(top)];
}
