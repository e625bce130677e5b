using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>
/// SendGrid's mail endpoint on 127.0.0.1 (Kestrel): answers 202 unless told to answer 429 with a reset, 500, or
/// slowly. A message counts as accepted only when its 202 was answered to a client still waiting; accepted
/// messages are also written to the host's outbox folder in the outbox's shape, so tests read both alike.
/// </summary>
public sealed partial class FakeSendGrid : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Answer> script = new();
    private int sequence;

    public abstract record Answer;
    public sealed record RateLimited(TimeSpan ResetIn) : Answer;
    public sealed record ServerError : Answer;
    public sealed record Slow(TimeSpan Delay) : Answer;

    private FakeSendGrid(WebApplication app, string outboxDir)
    {
        this.app = app;
        OutboxDir = outboxDir;
    }

    public string OutboxDir { get; }
    public string Url => app.Urls.First();
    public ConcurrentDictionary<string, int> AcceptedByKey { get; } = new();
    public ConcurrentBag<JsonElement> Accepted { get; } = [];
    public int Requests => requests;
    private int requests;

    /// <summary>The next requests get these answers, in order; then 202 again.</summary>
    public void Then(params Answer[] answers)
    {
        foreach (var a in answers) script.Enqueue(a);
    }

    public static async Task<FakeSendGrid> StartAsync(string outboxDir)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSendGrid(app, outboxDir);
        app.MapPost("/v3/mail/send", (Func<HttpContext, Task<IResult>>)fake.SendAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> SendAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        var message = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        if (script.TryDequeue(out var answer))
        {
            switch (answer)
            {
                case RateLimited limited:
                    context.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.Add(limited.ResetIn).ToUnixTimeSeconds().ToString();
                    return Results.StatusCode(429);
                case ServerError:
                    return Results.StatusCode(500);
                case Slow slow:
                    try { await Task.Delay(slow.Delay, context.RequestAborted); }
                    catch (OperationCanceledException) { return Results.StatusCode(499); }
                    break;
            }
        }
        if (context.RequestAborted.IsCancellationRequested) return Results.StatusCode(499);
        var key = Personalization(message).GetProperty("custom_args").GetProperty("key").GetString()!;
        WriteToOutbox(message);
        AcceptedByKey.AddOrUpdate(key, 1, (_, n) => n + 1);
        Accepted.Add(message);
        return Results.StatusCode(202);
    }

    private void WriteToOutbox(JsonElement message)
    {
        var content = message.GetProperty("content").EnumerateArray().ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value").GetString()!);
        var html = content["text/html"];
        var personalization = Personalization(message);
        var headers = personalization.TryGetProperty("headers", out var h) ? h : default;
        var email = new
        {
            to = personalization.GetProperty("to")[0].GetProperty("email").GetString(),
            subject = (personalization.TryGetProperty("subject", out var subject) ? subject : message.GetProperty("subject")).GetString(),
            text = content["text/plain"],
            html,
            language = Lang().Match(html).Groups[1].Value,
            kind = personalization.GetProperty("custom_args").GetProperty("kind").GetString(),
            key = personalization.GetProperty("custom_args").GetProperty("key").GetString(),
            listUnsubscribe = headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("List-Unsubscribe", out var u) ? u.GetString() : null,
            createdAt = DateTimeOffset.UtcNow,
        };
        Directory.CreateDirectory(OutboxDir);
        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}-{Interlocked.Increment(ref sequence):D6}-{email.kind}.json";
        File.WriteAllText(Path.Combine(OutboxDir, "." + name + ".tmp"), JsonSerializer.Serialize(email));
        File.Move(Path.Combine(OutboxDir, "." + name + ".tmp"), Path.Combine(OutboxDir, name));
    }

    /// <summary>SendGrid's C# client puts custom args and headers of a single e-mail in its one personalization.</summary>
    public static JsonElement Personalization(JsonElement message) => message.GetProperty("personalizations")[0];

    [GeneratedRegex("<html lang=\"([a-z]+)\"")]
    private static partial Regex Lang();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
