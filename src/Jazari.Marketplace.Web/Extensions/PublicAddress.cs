using Jazari.Marketplace.Web.Notifications;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>
/// The address links in e-mails point at: <c>Notifications:PublicUrl</c> when set (production: the public domain),
/// else the host's own address, so that `./run.sh --urls http://127.0.0.1:5123` sends links to port 5123, not 5000.
/// Read from the configured URLs at start, then from the addresses the server really bound (port 0 in tests).
/// </summary>
internal sealed class PublicAddress(NotificationSettings settings, IConfiguration config, IServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly bool configured = !string.IsNullOrWhiteSpace(settings.PublicUrl);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configured) return Task.CompletedTask;
        settings.PublicUrl = FirstOf((config["urls"] ?? config["ASPNETCORE_URLS"] ?? "http://localhost:5000").Split(';')) ?? "http://localhost:5000";
        lifetime.ApplicationStarted.Register(() =>
        {
            if (FirstOf(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []) is { } bound) settings.PublicUrl = bound;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The first http(s) address, https first, with a wildcard host (0.0.0.0, [::], +, *) read as localhost.</summary>
    private static string? FirstOf(IEnumerable<string> addresses)
    {
        var urls = addresses.Select(a => a.Trim().Replace("://+", "://localhost").Replace("://*", "://localhost")
                .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost"))
            .Where(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Port != 0)
            .ToList();
        return urls.FirstOrDefault(u => u.StartsWith("https:", StringComparison.Ordinal)) ?? urls.FirstOrDefault();
    }
}
