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

    [GenerateSerializer]
    public sealed record Probe([property: Id(0)] IReadOnlyList<string> Spread, [property: Id(1)] IReadOnlyList<string> Literal, [property: Id(2)] IReadOnlyList<string> Lazy);
}
