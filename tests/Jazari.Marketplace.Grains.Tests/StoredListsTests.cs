using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>
/// States are written as JSON naming each value's type. A list built by a collection expression for an
/// <c>IReadOnlyList</c> is of a type the compiler makes up, which JSON cannot build again: such a state was
/// written and then could never be read back, so its grain failed to start again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredListsTests(ClusterFixture cluster)
{
    [Fact]
    public void A_list_made_by_a_collection_expression_is_read_back()
    {
        var serializer = cluster.Silo.Services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get("marketplace").GrainStorageSerializer;
        string[] skills = ["pentest", "audit"];
        var stored = new Probe([.. skills], ["a", "b"], [.. skills.Select(s => s.ToUpperInvariant())]);
        var read = serializer.Deserialize<Probe>(serializer.Serialize(stored))!;
        Assert.Equal(stored.Spread, read.Spread);
        Assert.Equal(stored.Literal, read.Literal);
        Assert.Equal(stored.Lazy, read.Lazy);

        // A state written before: it names the made-up type, and is read all the same.
        var written = serializer.Serialize(stored).ToString();
        var before = written.Replace("System.Collections.Generic.List`1[[System.String, System.Private.CoreLib]], System.Private.CoreLib",
            "<>z__ReadOnlyArray`1[[System.String, System.Private.CoreLib]], Jazari.Marketplace.Grains");
        Assert.NotEqual(written, before);
        Assert.Equal(stored.Spread, serializer.Deserialize<Probe>(BinaryData.FromString(before))!.Spread);
    }

    [Fact]
    public void A_need_is_stored_without_the_type_names_its_declarations_give_and_a_need_stored_with_them_is_read_the_same()
    {
        var serializer = cluster.Silo.Services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get("marketplace").GrainStorageSerializer;
        var offer = new BidOffer(3_000_000, 60, "Boutique WooCommerce avec paiement CMI.", [new MilestonePlan("Maquettes", 1_500_000, 20), new MilestonePlan("Mise en ligne", 1_500_000, 60)]);
        var need = new NeedState
        {
            SmeId = "sme-1", OwnerAccountId = "acc-1", Status = NeedStatus.Open, CreatedAt = DateTimeOffset.UnixEpoch,
            Details = new NeedDetails("Vendre notre huile en ligne", "Une boutique en ligne.", "ecommerce", ["woocommerce"], 1_500_000, 4_000_000, "MAD",
                new DateOnly(2027, 3, 3), "Fes-Meknes", true, "fr"),
            Bids = [.. Enumerable.Range(0, 3).Select(i => new Bid($"bid-{i}", $"st-{i}", $"Startup {i}", $"acc-{i}", offer, BidStatus.Submitted, DateTimeOffset.UnixEpoch, null))],
        };

        var written = serializer.Serialize(need).ToString();
        Assert.DoesNotContain("Needs.Bid,", written);
        Assert.DoesNotContain("Needs.BidOffer,", written);

        // As Orleans' default wrote it, every object and list named.
        var before = Newtonsoft.Json.JsonConvert.SerializeObject(need, new Newtonsoft.Json.JsonSerializerSettings
        {
            TypeNameHandling = Newtonsoft.Json.TypeNameHandling.All, PreserveReferencesHandling = Newtonsoft.Json.PreserveReferencesHandling.Objects,
        });
        Assert.Contains("Needs.Bid,", before);
        Assert.True(written.Length < before.Length * 2 / 3, $"{written.Length} B now, {before.Length} B before");
        var read = serializer.Deserialize<NeedState>(BinaryData.FromString(before))!;
        Assert.Equal(Newtonsoft.Json.JsonConvert.SerializeObject(need), Newtonsoft.Json.JsonConvert.SerializeObject(read));
        Assert.Equal(Newtonsoft.Json.JsonConvert.SerializeObject(need), Newtonsoft.Json.JsonConvert.SerializeObject(serializer.Deserialize<NeedState>(BinaryData.FromString(written))));
    }

    [GenerateSerializer]
    public sealed record Probe([property: Id(0)] IReadOnlyList<string> Spread, [property: Id(1)] IReadOnlyList<string> Literal, [property: Id(2)] IReadOnlyList<string> Lazy);
}
