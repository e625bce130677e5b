using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>Reads e-mails the host wrote to its outbox folder.</summary>
internal static class OutboxFiles
{
    public static List<JsonElement> Emails(string folder, string email) =>
        !Directory.Exists(folder) ? [] : [.. Directory.GetFiles(folder, "*.json").Order()
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(e => e.GetProperty("to").GetString() == email)];

    public static string LatestCode(string folder, string email) => Emails(folder, email).Last().GetProperty("text").GetString()!
        .Split([' ', '\n', ':'], StringSplitOptions.RemoveEmptyEntries).Last(w => w.Length == 6 && w.All(char.IsAsciiDigit));
}
