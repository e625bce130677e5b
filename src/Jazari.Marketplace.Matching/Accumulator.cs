namespace Jazari.Marketplace.Matching;

/// <summary>A candidate's running sums during one query; <see cref="Stamp"/> says which query wrote them.</summary>
internal struct Accumulator
{
    public int Stamp;
    public double Relevance;
    public double Category;
}
