namespace Jazari.Marketplace.Grains;

/// <summary>What went wrong, in terms the API turns into a status code.</summary>
public enum Problem
{
    /// <summary>The object does not exist, or the caller may not see it.</summary>
    NotFound,
    /// <summary>The object is not in a state that allows the operation.</summary>
    Conflict,
    /// <summary>The input breaks a rule of the marketplace.</summary>
    Invalid,
    /// <summary>Too many attempts.</summary>
    TooManyRequests,
}

/// <summary>A refusal by the domain: carried across grain calls and turned into problem details at the edge.</summary>
[GenerateSerializer, Alias("jazari.marketplace-exception")]
public sealed class MarketplaceException(Problem problem, string message, string? field = null) : Exception(message)
{
    [Id(0)] public Problem Problem { get; } = problem;
    [Id(1)] public string? Field { get; } = field;
    /// <summary>For <see cref="Problem.TooManyRequests"/>: when to try again (the <c>Retry-After</c> header).</summary>
    [Id(2)] public TimeSpan? RetryAfter { get; init; }

    public static MarketplaceException NotFound(string what) => new(Problem.NotFound, $"{what} not found.");
    public static MarketplaceException Conflict(string message) => new(Problem.Conflict, message);
    public static MarketplaceException Invalid(string field, string message) => new(Problem.Invalid, message, field);
    /// <summary>A limit was reached: 429 with <c>Retry-After</c> (a second at least).</summary>
    public static MarketplaceException TooMany(string message, TimeSpan retryAfter) =>
        new(Problem.TooManyRequests, message) { RetryAfter = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter };
}
