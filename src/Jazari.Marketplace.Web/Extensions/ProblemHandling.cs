using System.Text.Json;
using Jazari.Marketplace.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Extensions;

/// <summary>Turns refusals into RFC 7807 problem details with the right status; anything else stays a 500.</summary>
internal sealed class ProblemHandling(ILogger<ProblemHandling> log) : IExceptionHandler
{
    /// <summary>The status a refusal answers with (for the pages' error page); null for an unexpected failure.</summary>
    public static int? StatusOf(Exception exception) => exception switch
    {
        InvalidInputException or JsonException => 400,
        MarketplaceException m => m.Problem switch
        {
            Problem.NotFound => 404,
            Problem.Conflict => 409,
            Problem.TooManyRequests => 429,
            _ => 400,
        },
        BadHttpRequestException bad => bad.StatusCode,
        Audit.AuditUnavailableException => 503,
        Stripe.StripeException stripe => ProcessorBusy(stripe) ? 503 : 502,
        _ when IsPassing(exception) => 503,
        _ => null,
    };

    /// <summary>Stripe did not answer, or answered that it is busy, failing or handling the same request (409): trying again later may succeed.
    /// Any other refusal of Stripe's is a request of ours it would refuse again (a 502, logged).</summary>
    private static bool ProcessorBusy(Stripe.StripeException stripe) =>
        stripe.HttpStatusCode is 0 or System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.TooManyRequests || (int)stripe.HttpStatusCode >= 500;

    /// <summary>
    /// A failure that passes with the cluster's change, the write not done: a silo went away and its grains are moving
    /// to the others; in that move a grain's activation may be cancelled (seen when one of three hosts was killed
    /// mid-import: <c>TaskCanceledException</c> from <c>ActivationData.ActivateAsync</c>), or a grain briefly ran on two
    /// silos and the late one's write found the row already changed (Orleans then deactivates it; the next call reads
    /// the row afresh). Trying again succeeds. A cancellation of the request itself (the client left) is not one: nobody
    /// reads that answer.
    /// </summary>
    public static bool IsPassing(Exception exception, CancellationToken request = default) => exception is Orleans.Runtime.SiloUnavailableException
        or Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
        or TimeoutException or Orleans.Storage.InconsistentStateException
        || (exception is OperationCanceledException && !request.IsCancellationRequested);

    /// <summary>ASP.NET Core's refusal of a parameter: <c>Failed to bind parameter "int? top" from "x".</c></summary>
    private static readonly System.Text.RegularExpressions.Regex BoundParameter =
        new(@"^Failed to bind parameter ""(?<type>[^""]+) (?<name>[^"" ]+)"" from """, System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>What the parameter takes, from its type as the framework writes it ("int?", "Nullable<int>", "Int32").</summary>
    private static string Expected(string type) => type.Replace("Nullable<", "").TrimEnd('>', '?').ToLowerInvariant() switch
    {
        "int" or "long" or "int32" or "int64" => "Must be a whole number within range, given once.",
        "decimal" or "double" => "Must be a number, given once.",
        "bool" or "boolean" => "Must be true or false, given once.",
        _ => "Not a valid value for this parameter, given once.",
    };

    /// <summary>Why a field of a JSON body could not be read (the serializer's messages name C# types).</summary>
    private static string FieldProblem(JsonException json) =>
        json.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-8", StringComparison.Ordinal) ? "Not valid UTF-8 text."
        : json.InnerException is null && json.Message.StartsWith("Duplicate property", StringComparison.Ordinal) ? "Given twice."
        : json.InnerException is InvalidOperationException { Message: var text } && text.Contains("UTF-16", StringComparison.Ordinal) ? "Not valid text (a lone surrogate)."
        : "Not a value of this field's type (a number is written without quotes).";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellation)
    {
        // A page's failure is shown by the error page in the reader's language (see UseMarketplace), not as JSON.
        if (PagesExtensions.ShowsPage(context)) return false;
        IResult? result = exception switch
        {
            InvalidInputException invalid => TypedResults.ValidationProblem(invalid.Errors),
            MarketplaceException { Problem: Problem.Invalid, Field: { } field } m =>
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [m.Message] }),
            MarketplaceException m => TypedResults.Problem(statusCode: StatusOf(m), detail: m.Message),
            // Arrays or objects nested past the reader's depth, wherever they are.
            BadHttpRequestException { InnerException: JsonException deep } when (deep.InnerException?.Message ?? deep.Message).Contains("maximum configured depth", StringComparison.Ordinal) =>
                TypedResults.Problem(statusCode: 400, detail: "The body nests arrays or objects too deeply (at most 64 levels)."),
            // A value of the wrong type (a number in quotes, an object for a text), given twice, or not UTF-8: the field's
            // error, like any other. Broken JSON (its reader's own exception inside) is the body's error below.
            BadHttpRequestException { InnerException: JsonException { Path: ['$', '.', .. var field] } json } when json.InnerException?.GetType().Name != "JsonReaderException" =>
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [FieldProblem(json)] }),
            // A query or route value that does not read as its type (?top=2147483648, ?page=1&page=2): that parameter's
            // error in words, not the framework's sentence with its C# type.
            BadHttpRequestException bad when BoundParameter.Match(bad.Message) is { Success: true } m =>
                TypedResults.ValidationProblem(new Dictionary<string, string[]> { [m.Groups["name"].Value] = [Expected(m.Groups["type"].Value)] }),
            BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal)
                || bad.Message.Contains("was not provided from body", StringComparison.Ordinal) =>
                TypedResults.Problem(statusCode: 400, detail: "This request needs a JSON body."),
            // The body as a whole is not what the request reads ([] for an object, a text): said without the C# type.
            BadHttpRequestException { InnerException: JsonException } =>
                TypedResults.Problem(statusCode: 400, detail: "The body is not the JSON this request reads: an object with its fields."),
            BadHttpRequestException bad => TypedResults.Problem(statusCode: bad.StatusCode, detail: bad.Message),
            JsonException => TypedResults.Problem(statusCode: 400, detail: "The body is not valid JSON for this request."),
            Audit.AuditUnavailableException => TypedResults.Problem(statusCode: 503, detail: "The audit trail is unavailable; try again in a moment."),
            // A call to the card processor on the request's path (a checkout page, an onboarding link): the same call
            // again carries the same idempotency key, so trying again makes no second one.
            Stripe.StripeException stripe when ProcessorBusy(stripe) =>
                TypedResults.Problem(statusCode: 503, detail: "The card processor (Stripe) did not answer; try again in a moment."),
            Stripe.StripeException => TypedResults.Problem(statusCode: 502, detail: "The card processor (Stripe) refused the request; an administrator was told."),
            // Nothing was acknowledged, try again.
            _ when IsPassing(exception, context.RequestAborted) => TypedResults.Problem(statusCode: 503, detail: "Part of the marketplace is restarting; try again in a moment."),
            _ => null,
        };
        if (result is null) return false;
        if (exception is MarketplaceException { Problem: Problem.TooManyRequests } tooMany)
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling((tooMany.RetryAfter ?? TimeSpan.FromMinutes(5)).TotalSeconds)).ToString();
        if (context.Response.StatusCode == 503 || result is ProblemHttpResult { StatusCode: 503 })
            context.Response.Headers.RetryAfter = exception is Stripe.StripeException ? "30" : "2";
        if (exception is Stripe.StripeException) log.LogError(exception, "Stripe failed {Method} {Path}", context.Request.Method, context.Request.Path);
        else log.LogDebug("Refused {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
        await result.ExecuteAsync(context);
        return true;
    }
}

/// <summary>
/// JSON bodies are UTF-8 (RFC 8259): a <c>charset</c> naming another encoding, or none the server knows, is a 415 before
/// anything is read (the framework's reader would fail with a 500); "utf-8" in quotes, as RFC 9110 allows, is read as UTF-8.
/// </summary>
internal static class JsonCharset
{
    public static IApplicationBuilder UseUtf8Json(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            && media.Charset.HasValue)
        {
            var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Charset).ToString();
            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                await TypedResults.Problem(statusCode: 415, detail: "Send JSON in UTF-8 (Content-Type: application/json; charset=utf-8).").ExecuteAsync(context);
                return;
            }
            context.Request.ContentType = $"{media.MediaType}; charset=utf-8";
        }
        await next(context);
    });
}

/// <summary>Request bodies are bounded: larger than the endpoint allows is a 413, before anything is read.</summary>
internal static class BodyLimits
{
    public const long Default = 256 * 1024;
    public const long Import = 16 * 1024 * 1024;
    /// <summary>A bank statement (camt.053 or CSV) of a few thousand credits.</summary>
    public const long Statement = 4 * 1024 * 1024;

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // The error page shown for a status of this request (a 413 among them) reads no body: the body is not read again,
        // nor refused a second time (which left the refused page blank).
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null)
        {
            context.Request.Body = Stream.Null;
            context.Request.ContentLength = 0;
            await next(context);
            return;
        }
        // An address or headers past what the marketplace reads get a problem (or the error page), as a body does. Kestrel
        // lets them through up to its own limits, raised above these (AddMarketplace), where it would answer a blank 414 or 431.
        if (TooLong(context.Request) is { } tooLong)
        {
            if (PagesExtensions.ShowsPage(context)) context.Response.StatusCode = tooLong.Status; // the error page says it
            else await TypedResults.Problem(statusCode: tooLong.Status, detail: tooLong.Detail).ExecuteAsync(context);
            return;
        }
        // The import's upload page takes the same file as the import's endpoint.
        var path = context.Request.Path;
        var limit = path.StartsWithSegments("/api/admin/import") || path.StartsWithSegments("/admin/import") ? Import
            : path.StartsWithSegments("/api/admin/bank-statements") || path.StartsWithSegments("/admin/bank-statements") ? Statement : Default;
        if (context.Request.ContentLength > limit)
        {
            if (PagesExtensions.ShowsPage(context)) context.Response.StatusCode = 413; // the error page says it
            else await TypedResults.Problem(statusCode: 413, detail: $"The body is larger than {limit / 1024} KiB.").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        else context.Request.Body = new LimitedStream(context.Request.Body, limit);
        await next(context);
    });

    /// <summary>The longest address (path and query) and the most header bytes a request may carry.</summary>
    public const int Address = 8 * 1024;
    public const int Headers = 32 * 1024;

    private static (int Status, string Detail)? TooLong(HttpRequest request)
    {
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > Address)
            return (StatusCodes.Status414UriTooLong, $"The address is longer than {Address / 1024} KiB.");
        var headers = 0L;
        foreach (var (name, values) in request.Headers) headers += name.Length + values.Sum(v => (v?.Length ?? 0) + 4);
        return headers > Headers ? (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The headers are larger than {Headers / 1024} KiB.") : null;
    }

    /// <summary>Where the server has no body-size feature (the test server), a body that grows past the limit fails the read.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            read += n;
            if (read > limit) throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            return n;
        }
    }
}
