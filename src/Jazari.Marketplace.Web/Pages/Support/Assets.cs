using System.Reflection;
using System.Security.Cryptography;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// The pages' few static files (the style sheet, the icon), embedded in the assembly and served by the app
/// itself at <c>/assets/{name}</c>: nothing comes from another host. Links carry the content's hash
/// (<see cref="Url"/>), so browsers keep a file for a year and fetch it again only when it changes.
/// </summary>
public sealed class Assets
{
    private readonly Dictionary<string, (byte[] Content, string Type, string Hash)> files = [];

    public Assets()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Jazari.Marketplace.Web.Pages.Assets.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch { ".css" => "text/css; charset=utf-8", ".svg" => "image/svg+xml", _ => "application/octet-stream" };
            files[name] = (copy.ToArray(), type, Convert.ToHexStringLower(SHA256.HashData(copy.ToArray()))[..12]);
        }
    }

    public string Url(string name) => $"/assets/{name}?v={files[name].Hash}";

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/assets/{name}", (string name, string? v, HttpContext context) =>
        {
            if (!files.TryGetValue(name, out var file)) return Results.NotFound();
            context.Response.Headers.CacheControl = v == file.Hash ? "public, max-age=31536000, immutable" : "no-cache";
            context.Response.Headers.ETag = $"\"{file.Hash}\"";
            if (context.Request.Headers.IfNoneMatch == $"\"{file.Hash}\"") return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(file.Content, file.Type);
        }).AllowAnonymous().ExcludeFromDescription();
}
