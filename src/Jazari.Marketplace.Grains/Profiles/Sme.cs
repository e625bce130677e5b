namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>A small or medium enterprise that posts digitalisation needs.</summary>
public interface ISmeGrain : IProfileGrain<SmeDetails>;

[GenerateSerializer, Alias("jazari.sme-details")]
public sealed record SmeDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] string Sector,
    [property: Id(2)] string City,
    [property: Id(3)] string Region,
    [property: Id(4)] int Employees,
    [property: Id(5)] IReadOnlyList<string> Languages,
    /// <summary>The company's Identifiant Commun de l'Entreprise (15 digits), printed on its receipts.</summary>
    [property: Id(6)] string? Ice = null);

internal sealed class SmeGrain(
    [PersistentState("sme", "marketplace")] IPersistentState<ProfileState<SmeDetails>> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : ProfileGrain<SmeDetails>(state, time), ISmeGrain
{
    protected override string Kind => "SME";

    protected override SmeDetails Anonymised(SmeDetails details, string pseudonym) => details with { Name = pseudonym };
}
