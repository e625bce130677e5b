using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>A programme's sector rule compares sectors as people write them, not byte for byte.</summary>
public sealed class EligibilityTests
{
    [Theory]
    [InlineData("Agroalimentaire", "agro-alimentaire")]
    [InlineData("Agroalimentaire", "AGROALIMENTAIRE ")]
    [InlineData("Artisanat", "artisanat")]
    [InlineData("Électronique", "electronique")]
    [InlineData("الصناعة الغذائية", "صناعة غذائية")]
    [InlineData("الصناعة الغذائيّة", "الصناعه الغذائية")]
    public void Sectors_written_differently_are_the_same_sector(string programme, string sme) =>
        Assert.Equal(Eligibility.SectorKey(programme), Eligibility.SectorKey(sme));

    [Theory]
    [InlineData("Textile", "Tourisme")]
    [InlineData("Agroalimentaire", "Agriculture")]
    [InlineData("النسيج", "السياحة")]
    public void Different_sectors_stay_different(string programme, string sme) =>
        Assert.NotEqual(Eligibility.SectorKey(programme), Eligibility.SectorKey(sme));
}
