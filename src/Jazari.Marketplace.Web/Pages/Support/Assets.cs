using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Jazari.Marketplace.Web.Pages.Support;

/// <summary>
/// The pages' few static files (the style sheets, the icon, the Tifinagh font and its licence), embedded in the
/// assembly and served by the app itself at <c>/assets/{name}</c>: nothing comes from another host. Links carry the
/// content's hash (<see cref="Url"/>), so browsers keep a file for a year and fetch it again only when it changes; a
/// style sheet's <c>url(name)</c> of another asset is written with that asset's hashed address too.
/// </summary>
public sealed partial class Assets
{
    private readonly Dictionary<string, (byte[] Content, string Type, string Hash)> files = [];

    public Assets()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Jazari.Marketplace.Web.Pages.Assets.";
        var contents = new Dictionary<string, byte[]>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            contents[resource[prefix.Length..]] = copy.ToArray();
        }
        // Files first, then the style sheets that name them (by their hashed addresses).
        foreach (var (name, content) in contents.OrderBy(c => c.Key.EndsWith(".css", StringComparison.Ordinal)))
        {
            var bytes = name.EndsWith(".css", StringComparison.Ordinal)
                ? Encoding.UTF8.GetBytes(AssetReference().Replace(Encoding.UTF8.GetString(content), m =>
                    files.ContainsKey(m.Groups[1].Value) ? $"url({Url(m.Groups[1].Value)})" : m.Value))
                : content;
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8", ".svg" => "image/svg+xml", ".woff2" => "font/woff2",
                ".txt" => "text/plain; charset=utf-8", _ => "application/octet-stream",
            };
            files[name] = (bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
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

    /// <summary>A style sheet's <c>url(name)</c> of a file beside it (no folder, no scheme).</summary>
    [GeneratedRegex(@"url\(([a-z0-9.-]+)\)")]
    private static partial Regex AssetReference();
}
