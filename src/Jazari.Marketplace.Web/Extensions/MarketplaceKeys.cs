using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// The keys every host of a cluster must share, kept in the marketplace's own blob storage (container
/// <c>jazari-keys</c>; Azurite locally, the storage account in Azure): the data-protection key ring (page
/// session and antiforgery cookies) and, unless <c>Notifications:SigningKey</c> is configured, the signing key
/// of links and bearer tokens. A cookie or token issued by one host is accepted by every other.
/// In Azure the account is reached with the app's managed identity; the key ring can in addition be wrapped by a
/// Key Vault key (see README, "Keys").
/// </summary>
public static class MarketplaceKeys
{
    public const string Container = "jazari-keys";
    public const string ApplicationName = "jazari-marketplace";

    public static void AddMarketplaceKeys(this IServiceCollection services, StorageClients storage)
    {
        var container = storage.Blobs.GetBlobContainerClient(Container);
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .AddKeyManagementOptions(o => o.XmlRepository = new BlobKeyRepository(container));
    }

    /// <summary>
    /// The shared signing key: the one already in storage, else this host's older key file (so links signed before
    /// stay valid), else a new one. Written only if absent, so the hosts starting together agree on the first.
    /// </summary>
    public static string SharedSigningKey(StorageClients storage, string dataDir)
    {
        var container = storage.Blobs.GetBlobContainerClient(Container);
        container.CreateIfNotExists();
        var blob = container.GetBlobClient("signing-key");
        var file = Path.Combine(dataDir, "signing-key");
        var candidate = File.Exists(file) ? File.ReadAllText(file).Trim() : Auth.Tokens.New();
        try
        {
            blob.Upload(BinaryData.FromString(candidate), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412) { } // another host wrote it first
        return blob.DownloadContent().Value.Content.ToString().Trim();
    }

    /// <summary>Each key of the ring is one blob (<c>data-protection/{name}.xml</c>); keys are only added, never rewritten.</summary>
    internal sealed class BlobKeyRepository(BlobContainerClient container) : IXmlRepository
    {
        private const string Folder = "data-protection/";

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            container.CreateIfNotExists();
            var elements = new List<XElement>();
            foreach (var item in container.GetBlobs(BlobTraits.None, BlobStates.None, Folder, CancellationToken.None))
                elements.Add(XElement.Parse(container.GetBlobClient(item.Name).DownloadContent().Value.Content.ToString()));
            return elements;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            container.CreateIfNotExists();
            var name = $"{Folder}{(string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName)}.xml";
            container.GetBlobClient(name).Upload(BinaryData.FromString(element.ToString(SaveOptions.DisableFormatting)), overwrite: true);
        }
    }
}
