using System.Text.Json;

namespace Jazari.Marketplace.Web.Email;

/// <summary>An e-mail as the marketplace sends it, in the recipient's language.</summary>
public sealed record OutgoingEmail(string To, string Subject, string Text, string Html, string Language, string Kind, DateTimeOffset CreatedAt);

/// <summary>
/// With no SendGrid key, every e-mail is written as one JSON file to <c>$JAZARI_DATA_DIR/outbox/</c>
/// (the contract's outbox). The file appears whole or not at all.
/// </summary>
public sealed class Outbox(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Directory { get; } = directory;

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellation = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = $"{email.CreatedAt:yyyyMMdd'T'HHmmssfff}-{email.Kind}-{Guid.NewGuid():N}.json";
        var temporary = Path.Combine(Directory, "." + name + ".tmp");
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, email, Json, cancellation);
            await file.FlushAsync(cancellation);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path.Combine(Directory, name));
        Extensions.MarketplaceTelemetry.EmailsSent.Add(1, new KeyValuePair<string, object?>("kind", email.Kind), new KeyValuePair<string, object?>("channel", "outbox"));
    }
}
