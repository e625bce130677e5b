using System.Net;
using System.Net.Sockets;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Auth;

/// <summary>
/// The network an account is created from, as the account keeps it: the IPv4 /24 or IPv6 /48 of the client address,
/// as an HMAC-SHA256 keyed with the hosts' shared signing key (<see cref="LinkSigner"/>), never the address or the
/// prefix itself (Law 09-08: it only tells whether two accounts signed up from the same network, for the
/// related-party payout holds). Networks that many unrelated people share or that say nothing (loopback, private,
/// link-local, carrier-grade NAT, unique-local) are not recorded; <c>Payments:SignUpNetworksIgnored</c> replaces that
/// list (comma-separated CIDRs; empty records every network, loopback included).
/// The address is the client's as ASP.NET Core sees it: on App Service the template sets
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>, so it is the forwarded one; behind another proxy, set that up the same
/// way, or every account shares the proxy's network (private, so not recorded).
/// </summary>
public sealed class SignUpNetworks(LinkSigner signer, IReadOnlyList<IPNetwork> ignored)
{
    public const string Setting = "Payments:SignUpNetworksIgnored";

    public static readonly IReadOnlyList<IPNetwork> NotPublic = [.. new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
        "::/128", "::1/128", "fc00::/7", "fe80::/10",
    }.Select(IPNetwork.Parse)];

    public static SignUpNetworks From(IConfiguration config, LinkSigner signer)
    {
        var setting = config[Setting];
        if (setting is null) return new(signer, NotPublic);
        var networks = new List<IPNetwork>();
        foreach (var text in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            networks.Add(IPNetwork.TryParse(text, out var network) ? network
                : throw new InvalidOperationException($"{Setting}: '{text}' is not a network (e.g. 10.0.0.0/8)."));
        return new(signer, networks);
    }

    /// <summary>The keyed hash of <paramref name="clientAddress"/>'s network, or null when unknown or ignored.</summary>
    public string? Of(string? clientAddress)
    {
        if (!IPAddress.TryParse(clientAddress, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (ignored.Any(n => n.Contains(address))) return null;
        var bytes = address.GetAddressBytes();
        var prefix = address.AddressFamily == AddressFamily.InterNetwork
            ? new IPNetwork(new IPAddress([bytes[0], bytes[1], bytes[2], 0]), 24)
            : new IPNetwork(new IPAddress([.. bytes[..6], .. new byte[10]]), 48);
        return signer.Sign("sign-up-network:" + prefix);
    }
}
