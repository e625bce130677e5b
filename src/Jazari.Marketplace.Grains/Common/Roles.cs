namespace Jazari.Marketplace.Grains;

public static class Roles
{
    public const string Sme = "sme";
    public const string Startup = "startup";
    public const string Mentor = "mentor";
    public const string Manager = "manager";
    public const string Admin = "admin";

    /// <summary>Roles a person may choose when signing up; managers and admins are created by an admin.</summary>
    public static readonly IReadOnlyList<string> SelfService = [Sme, Startup, Mentor];
    public static readonly IReadOnlyList<string> All = [Sme, Startup, Mentor, Manager, Admin];
}

/// <summary>Who is calling a grain: the account and its role, checked against the object touched.</summary>
[GenerateSerializer, Alias("jazari.caller")]
public sealed record Caller([property: Id(0)] string AccountId, [property: Id(1)] string Role)
{
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>The marketplace itself, reading on behalf of a request already authorised or of a job.</summary>
    public static Caller Marketplace { get; } = new("marketplace", Roles.Admin);
}
