using System.Net;
using Orleans.Configuration;

namespace Jazari.Marketplace.Web.Extensions;

internal static class OrleansExtensions
{
    public const string StateTable = "marketplace";

    /// <summary>
    /// The silo in this process: grain state in Azure Table storage, and either localhost clustering
    /// (one silo, the default) or Azure Table clustering (<c>Silo:Clustering=AzureTable</c>; not the "Orleans" section, which Orleans reads for its own provider settings), where
    /// every host started with the same cluster id joins one cluster.
    /// </summary>
    public static void AddMarketplaceSilo(this WebApplicationBuilder builder, StorageClients storage)
    {
        var config = builder.Configuration.GetSection("Silo");
        builder.UseOrleans(silo =>
        {
            var (siloPort, gatewayPort, address) = Endpoints(config);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = config["ClusterId"] ?? "jazari";
                o.ServiceId = config["ServiceId"] ?? "jazari-marketplace";
            });
            if (string.Equals(config["Clustering"], "AzureTable", StringComparison.OrdinalIgnoreCase))
            {
                silo.UseAzureStorageClustering(o => o.TableServiceClient = storage.Tables);
                silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: config.GetValue("ListenOnAnyAddress", false));
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(config.GetValue("ProbeTimeoutSeconds", 5));
                    o.NumMissedProbesLimit = config.GetValue("MissedProbesLimit", 3);
                });
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort);
            }
            silo.AddActivityPropagation();
            silo.Services.AddSingleton(new Grains.Needs.OpenNeedRows(storage.Tables));
            silo.Services.AddSingleton(new Grains.Matchmaking.ShardMembers(storage.Tables));
            silo.Services.AddSingleton(new Grains.Accounts.PlaceRows(storage.Tables));
            silo.Services.AddSingleton(new Grains.Incubation.MentorRows(storage.Tables));
            silo.Services.AddSingleton(new Grains.Payments.ProgrammeOperationRows(storage.Tables));
            silo.Services.AddSingleton(new Grains.Needs.ProfileNeedRows(storage.Tables));
            silo.AddAzureTableGrainStorage("marketplace", o =>
            {
                o.TableServiceClient = storage.Tables;
                o.TableName = StateTable;
                // Clearing a state deletes its row: some grain keys are e-mail addresses (sign-in), and erasure must remove them.
                o.DeleteStateOnClear = true;
            });
            Grains.StoredLists.AddTo(silo.Services);
        });
    }

    /// <summary>Silo and gateway endpoints: App Service's private IP and ports when present, else settings.</summary>
    private static (int Silo, int Gateway, IPAddress Address) Endpoints(IConfiguration config)
    {
        var privatePorts = Environment.GetEnvironmentVariable("WEBSITE_PRIVATE_PORTS")?.Split(',');
        var privateIp = Environment.GetEnvironmentVariable("WEBSITE_PRIVATE_IP");
        if (privatePorts is { Length: >= 2 } && IPAddress.TryParse(privateIp, out var appServiceIp))
            return (int.Parse(privatePorts[0]), int.Parse(privatePorts[1]), appServiceIp);
        return (config.GetValue("SiloPort", 11111), config.GetValue("GatewayPort", 30000),
            IPAddress.Parse(config["AdvertisedIP"] ?? "127.0.0.1"));
    }
}
