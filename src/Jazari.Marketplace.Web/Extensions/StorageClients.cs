using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// The Azure Storage clients for grain state and cluster membership: from <c>ConnectionStrings:storage</c>
/// (Azurite locally), or from <c>Storage:TableServiceUri</c> / <c>Storage:BlobServiceUri</c> with the
/// app's managed identity in Azure.
/// </summary>
public sealed record StorageClients(TableServiceClient Tables, BlobServiceClient Blobs)
{
    public static StorageClients From(IConfiguration config)
    {
        if (config.GetConnectionString("storage") is { Length: > 0 } connectionString)
            return new(new TableServiceClient(connectionString), new BlobServiceClient(connectionString));

        var tableUri = config["Storage:TableServiceUri"];
        var blobUri = config["Storage:BlobServiceUri"];
        if (string.IsNullOrEmpty(tableUri) || string.IsNullOrEmpty(blobUri))
            throw new InvalidOperationException(
                "No storage configured: set ConnectionStrings__storage (./run.sh starts Azurite and sets it) " +
                "or Storage__TableServiceUri and Storage__BlobServiceUri with a managed identity.");
        var credential = new DefaultAzureCredential();
        return new(new TableServiceClient(new Uri(tableUri), credential), new BlobServiceClient(new Uri(blobUri), credential));
    }
}
