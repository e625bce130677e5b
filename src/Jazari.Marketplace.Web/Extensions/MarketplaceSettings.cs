namespace Jazari.Marketplace.Web.Extensions;

/// <summary>The host's own settings, read once at start.</summary>
public sealed class MarketplaceSettings
{
    /// <summary>Where local state lives: the Hangfire SQLite file, the e-mail outbox, the generated admin token.</summary>
    public required string DataDir { get; init; }
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromDays(7);

    public string OutboxDir => Path.Combine(DataDir, "outbox");

    public static MarketplaceSettings From(IConfiguration config)
    {
        var dataDir = Path.GetFullPath(config["JAZARI_DATA_DIR"] is { Length: > 0 } dir ? dir : ".data");
        Directory.CreateDirectory(dataDir);
        return new MarketplaceSettings
        {
            DataDir = dataDir,
            TokenLifetime = TimeSpan.FromHours(config.GetValue("Auth:TokenLifetimeHours", 24 * 7)),
        };
    }
}
