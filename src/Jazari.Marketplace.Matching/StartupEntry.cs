namespace Jazari.Marketplace.Matching;

/// <summary>What the index shows of a startup in a match: names and reviews, read only for the top N.</summary>
internal sealed class StartupEntry(StartupProfile startup)
{
    public readonly string Id = startup.Id;
    public readonly string Name = startup.Name;
    public readonly string Region = startup.Region;
    public readonly float Rating = (float)startup.Rating;
    public readonly int RatingCount = startup.RatingCount;
    /// <summary>The categories the startup chose, as the index keys them.</summary>
    public readonly string[] Categories = [.. startup.Categories.Select(ProfileTerms.CategoryKey)];
}

/// <summary>
/// What constraints and factors read for every candidate, packed in one struct per slot so that
/// a candidate costs one cache line, not a pointer chase.
/// </summary>
internal readonly struct StartupTraits(StartupProfile startup, ulong termSignature)
{
    /// <summary>Bit (term id mod 64) set for each of its terms: a clear bit means "does not have that term".</summary>
    public readonly ulong TermSignature = termSignature;
    public readonly long PriceMin = startup.PriceMinMinor;
    public readonly long PriceMax = startup.PriceMaxMinor;
    public readonly float Reputation = (float)MatchScoring.Reputation(startup.Rating, startup.RatingCount);
    public readonly short RegionIndex = (short)Regions.IndexOf(startup.Region);
    public readonly short ServedMask = (short)Regions.ServedMask(startup.RegionsServed);
    public readonly byte LanguageMask = (byte)Languages.Mask(startup.Languages);
    public readonly bool HasFreeCapacity = startup.ActiveProjects < startup.Capacity;
}
