using System.Collections.Concurrent;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Reads e-mails the host wrote to its outbox folder; each e-mail's recipient must match exactly.</summary>
internal static class OutboxFiles
{
    private static readonly ConcurrentDictionary<string, byte> Taken = new();

    /// <summary>The e-mails read so far, by file: an outbox file is written once (moved into place whole) and never
    /// changed, so each is parsed once. A shared host's outbox holds thousands, and tests poll it.</summary>
    private static readonly ConcurrentDictionary<string, (string? To, JsonElement Email)> Read = new();

    public static List<JsonElement> Emails(string folder, string email) =>
        !Directory.Exists(folder) ? [] : [.. Directory.GetFiles(folder, "*.json").Order()
            .Select(f => Read.GetOrAdd(f, Parse)).Where(e => e.To == email).Select(e => e.Email)];

    private static (string? To, JsonElement Email) Parse(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var email = document.RootElement.Clone();
        return (email.GetProperty("to").GetString(), email);
    }

    /// <summary>
    /// The newest sign-in code e-mailed to this address that no earlier call returned: code e-mails are sent by a job
    /// after the request is answered, so this waits (up to 30 s) for one to arrive.
    /// </summary>
    public static string LatestCode(string folder, string email)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; Thread.Sleep(100))
        {
            var code = Emails(folder, email).Where(e => e.GetProperty("kind").GetString() is "sign-in-code" or "sign-up-code" or "account-exists")
                .Select(e => Code(e.GetProperty("text").GetString()!))
                .LastOrDefault(c => !Taken.ContainsKey($"{folder}|{email}|{c}"));
            if (code is not null && Taken.TryAdd($"{folder}|{email}|{code}", 0)) return code;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No new sign-in code e-mailed to {email}.");
        }
    }

    private static string Code(string text) =>
        text.Split([' ', '\n', ':'], StringSplitOptions.RemoveEmptyEntries).Last(w => w.Length == 6 && w.All(char.IsAsciiDigit));
}
