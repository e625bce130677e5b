using System.Text;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Notifications;
using Microsoft.Extensions.Configuration;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>What an account keeps of the network it signed up from: a keyed hash of the /24 or /48, public networks only by default.</summary>
public sealed class SignUpNetworksTests
{
    private static readonly LinkSigner Signer = new(Encoding.UTF8.GetBytes("a-test-signing-key-of-thirty-two-chars"));

    private static SignUpNetworks With(string? ignored) =>
        SignUpNetworks.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SignUpNetworks.Setting] = ignored }).Build(), Signer);

    [Fact]
    public void Addresses_of_one_slash_24_or_slash_48_share_a_hash_that_is_not_the_address()
    {
        var networks = With(null);
        var one = networks.Of("203.0.113.7");
        Assert.NotNull(one);
        Assert.DoesNotContain("203", one);
        Assert.Equal(one, networks.Of("203.0.113.250"));
        Assert.Equal(one, networks.Of("::ffff:203.0.113.9")); // the same client seen by a dual-stack socket
        Assert.NotEqual(one, networks.Of("203.0.114.7"));
        Assert.Equal(networks.Of("2001:db8:1234:1::1"), networks.Of("2001:db8:1234:ffff::2"));
        Assert.NotEqual(networks.Of("2001:db8:1234::1"), networks.Of("2001:db8:1235::1"));
        Assert.NotEqual(one, new SignUpNetworks(new LinkSigner(Encoding.UTF8.GetBytes("another-signing-key-of-32-characters")), []).Of("203.0.113.7"));
    }

    [Fact]
    public void Loopback_and_private_networks_are_not_recorded_unless_the_setting_says_so()
    {
        var networks = With(null);
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.1.20", "100.64.3.4", "169.254.1.1", "::1", "fd00::1", "fe80::1", "", "not an address" })
            Assert.Null(networks.Of(address));
        Assert.NotNull(With("").Of("127.0.0.1"));
        Assert.Equal(With("").Of("127.0.0.1"), With("").Of("127.0.0.2"));
        Assert.Null(With("203.0.113.0/24").Of("203.0.113.7"));
        Assert.NotNull(With("203.0.113.0/24").Of("10.0.0.1"));
        Assert.Throws<InvalidOperationException>(() => With("not-a-network"));
    }
}
