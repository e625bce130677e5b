using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;

namespace Jazari.Marketplace.Grains;

/// <summary>
/// Grain states are stored as JSON naming a value's type only where its declaration does not say it (an interface, a
/// base class): Orleans' default names every object's and list's type, nearly half of a need's stored bytes, which
/// storage parses on each write. A state written that way is read the same. A list that a collection expression builds for an
/// <c>IReadOnlyList&lt;T&gt;</c> (<c>[a, b]</c>, <c>[.. items]</c>) is of a type the compiler makes up
/// (<c>&lt;&gt;z__ReadOnlyArray&lt;T&gt;</c> and its kin), which the storage refuses to build again: the state was
/// written, then its grain could never start again. These lists are named <c>List&lt;T&gt;</c> when written, and read
/// as one where a state already names the made-up type.
/// </summary>
public sealed class StoredLists(ISerializationBinder inner) : ISerializationBinder
{
    private const string MadeUp = "<>z__ReadOnly";
    private const string List = "System.Collections.Generic.List`1";

    public Type BindToType(string? assemblyName, string typeName) =>
        typeName.StartsWith(MadeUp, StringComparison.Ordinal) && typeName.IndexOf('[') is > 0 and var arguments
            ? inner.BindToType(typeof(List<>).Assembly.GetName().Name, List + typeName[arguments..])
            : inner.BindToType(assemblyName, typeName);

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        inner.BindToName(
            serializedType is { IsGenericType: true } && serializedType.Name.StartsWith(MadeUp, StringComparison.Ordinal)
                ? typeof(List<>).MakeGenericType(serializedType.GetGenericArguments())
                : serializedType,
            out assemblyName, out typeName);

    /// <summary>Wraps the storage serializer's type binder; call after the silo's storage is configured.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<OrleansJsonSerializerOptions>, Binder>();

    private sealed class Binder : IPostConfigureOptions<OrleansJsonSerializerOptions>
    {
        public void PostConfigure(string? name, OrleansJsonSerializerOptions options)
        {
            var settings = options.JsonSerializerSettings;
            settings.TypeNameHandling = Newtonsoft.Json.TypeNameHandling.Auto;
            if (settings.SerializationBinder is { } binder and not StoredLists) settings.SerializationBinder = new StoredLists(binder);
        }
    }
}
