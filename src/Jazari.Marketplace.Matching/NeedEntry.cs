namespace Jazari.Marketplace.Matching;

/// <summary>What the index keeps of an open need besides its terms.</summary>
internal sealed class NeedEntry(NeedProfile need, int writtenIn)
{
    public readonly string Id = need.Id;
    public readonly string Title = need.Title;
    public readonly short RegionIndex = (short)Regions.IndexOf(need.Region);
    public readonly bool RemoteOk = need.RemoteOk;
    public readonly string Language = need.Language;
    /// <summary>The category the SME chose, as the index keys it.</summary>
    public readonly string Category = ProfileTerms.CategoryKey(need.Category);
    /// <summary>The declared language and those the need is really written in.</summary>
    public readonly byte LanguageBit = (byte)(Languages.Bit(need.Language) | writtenIn);
    public readonly long BudgetMin = need.BudgetMinMinor;
    public readonly long BudgetMax = need.BudgetMaxMinor;

    /// <summary>The need's norm as last computed, valid while the index is at <see cref="NormVersion"/>.</summary>
    public double Norm;

    public int NormVersion = -1;
}
