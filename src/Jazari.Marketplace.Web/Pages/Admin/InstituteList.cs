using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Web.Pages.Admin;

/// <summary>Every institute of the network, by name.</summary>
internal static class InstituteList
{
    public static async Task<IReadOnlyList<InstituteView>> LoadAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IInstituteDirectoryGrain>(IInstituteDirectoryGrain.Key).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IInstituteGrain>(id).GetAsync()));
        return [.. views.OfType<InstituteView>().OrderBy(i => i.Name, StringComparer.Ordinal)];
    }
}
