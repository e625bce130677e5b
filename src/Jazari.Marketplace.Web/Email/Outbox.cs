using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jazari.Marketplace.Web.Email;

/// <summary>
/// An e-mail as the marketplace sends it, in the recipient's language. <see cref="Key"/> identifies the event and
/// recipient (the deduplication key); <see cref="UnsubscribeUrl"/> becomes the <c>List-Unsubscribe</c> header.
/// </summary>
public sealed record OutgoingEmail(string To, string Subject, string Text, string Html, string Language, string Kind, DateTimeOffset CreatedAt)
{
    [JsonIgnore] public string Key { get; init; } = Guid.NewGuid().ToString("N");
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? UnsubscribeUrl { get; init; }

    /// <summary>
    /// The senders' last guard: what becomes a header (recipient, subject, unsubscribe link, SendGrid's custom args)
    /// holds no control character, so no value can add a header or a recipient. Throws rather than send.
    /// </summary>
    public void EnsureHeadersAreSingleLines()
    {
        foreach (var (name, value) in new[] { ("to", To), ("subject", Subject), ("kind", Kind), ("key", Key), ("unsubscribe", UnsubscribeUrl ?? "") })
            if (value.Any(char.IsControl)) throw new UnsafeEmailException($"The e-mail's {name} holds a control character; not sent.");
    }
}

/// <summary>An e-mail refused before sending because a header would carry a control character (a bug upstream).</summary>
public sealed class UnsafeEmailException(string message) : InvalidOperationException(message);

/// <summary>
/// With no SendGrid key, every e-mail is written as one JSON file to <c>$JAZARI_DATA_DIR/outbox/</c>
/// (the contract's outbox). The file appears whole or not at all, and its name comes from the message's key:
/// the same message written twice is one file.
/// </summary>
public sealed class Outbox(string directory) : IEmailSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Directory { get; } = directory;

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellation = default)
    {
        email.EnsureHeadersAreSingleLines();
        System.IO.Directory.CreateDirectory(Directory);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Key)))[..32];
        var name = $"{email.CreatedAt:yyyyMMdd'T'HHmmssfff}-{email.Kind}-{key}.json";
        if (File.Exists(Path.Combine(Directory, name))) return;
        var temporary = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, email, Json, cancellation);
            await file.FlushAsync(cancellation);
            file.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temporary, Path.Combine(Directory, name));
        }
        catch (IOException) when (File.Exists(Path.Combine(Directory, name)))
        {
            File.Delete(temporary); // written by a concurrent attempt of the same message
            return;
        }
        Extensions.MarketplaceTelemetry.EmailsSent.Add(1, new KeyValuePair<string, object?>("kind", email.Kind), new KeyValuePair<string, object?>("channel", "outbox"));
    }
}
